"""Scoring a single term or an OR of plain terms straight from the postings: the same
BM25F ranking Whoosh gives (tested), several times faster, because Whoosh's matchers
cost microseconds a document. Postings and lengths are read in `private`."""

from __future__ import annotations

import heapq
from collections import Counter

from whoosh import query as wq
from whoosh import scoring
from whoosh.collectors import TopCollector

from .private import field_lengths, posting_blocks
from .queries import ExpandedOr


class FastBM25F(scoring.BM25F):
    """Whoosh's BM25F with each segment's field lengths read into memory once.

    Whoosh reads a document's length from the segment file for every document it
    scores; with files opened without mmap that was most of a query's time."""

    def __init__(self) -> None:
        super().__init__()
        self._lengths: dict[tuple[int, str], list[int] | None] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = self._lengths_of(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer

    def _lengths_of(self, reader, fieldname: str) -> list[int] | None:
        key = (id(reader), fieldname)
        if key not in self._lengths:
            self._lengths[key] = field_lengths(reader, fieldname)
        return self._lengths[key]


def flat_terms(q: wq.Query) -> list[wq.Term] | None:
    """The terms of a query that is one term or an OR of plain terms (a prefix or fuzzy
    expansion is one); None for anything else. (For AND, Whoosh's leapfrogging matchers
    measured faster than scoring each term in full.)"""
    if type(q) is wq.Term:
        return [q]
    if type(q) in (wq.Or, ExpandedOr) and q.boost == 1.0:
        subs = q.subqueries
        if subs and all(type(t) is wq.Term for t in subs):
            return list(subs)
    return None


def term_scores(sub, offset: int, term: wq.Term, weighting) -> dict[int, float] | None:
    """BM25 score of every document holding the term in one segment; None when the
    fast path cannot read this segment (the caller then asks Whoosh)."""
    reader = sub.reader()
    if (term.fieldname, term.text) not in reader:
        return {}
    scorer = weighting.scorer(sub, term.fieldname, term.text)
    lengths = getattr(getattr(scorer, "dfl", None), "__self__", None)
    if not isinstance(lengths, list):
        return None
    field = reader.schema[term.fieldname]
    blocks = posting_blocks(reader, term.fieldname, field.to_bytes(term.text))
    if blocks is None:
        return None
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    boost = term.boost
    out: dict[int, float] = {}
    for ids, weights in blocks:
        for d, w in zip(ids, weights, strict=False):
            out[offset + d] = (
                boost * idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * lengths[d] / avgfl))
            )
    deleted = getattr(reader, "deleted_docs_set", None)
    if deleted:
        for d in deleted:
            out.pop(offset + d, None)
    return out


def flat_search(searcher, q: wq.Query, limit: int, doc_article: list[str]):
    """(top (docnum, score) pairs, hits per article) for one term or a plain OR of
    terms; None when the query has another shape (phrases, AND, NOT, nesting)."""
    terms = flat_terms(q)
    if terms is None:
        return None
    subs = searcher.subsearchers or [(searcher, 0)]
    total: dict[int, float] = {}
    for sub, offset in subs:
        for term in terms:
            scores = term_scores(sub, offset, term, searcher.weighting)
            if scores is None:
                return None
            if not total:
                total = scores
                continue
            for d, v in scores.items():
                total[d] = total.get(d, 0.0) + v
    counts = Counter(map(doc_article.__getitem__, total))
    top = heapq.nlargest(limit, total.items(), key=lambda kv: (kv[1], -kv[0]))
    return top, counts


class CountingCollector(TopCollector):
    """Ranks the best `limit` passages and, in the same pass over the matches,
    counts them per article (one pass instead of counting and ranking apart)."""

    def __init__(self, limit: int, doc_article: list[str]):
        # replace=0: Whoosh's collector otherwise swaps in a cheaper matcher every few
        # matches, which skips passages that cannot reach the top `limit`; those would
        # go uncounted.
        super().__init__(limit=limit, usequality=False, replace=0)
        self.doc_article = doc_article
        self.counts: Counter = Counter()

    def collect(self, sub_docnum):
        self.counts[self.doc_article[self.offset + sub_docnum]] += 1
        return super().collect(sub_docnum)
