"""Scoring a single term or an OR of plain terms straight from the postings: the same
BM25F ranking Whoosh gives (tested), several times faster, because Whoosh's matchers
cost microseconds a document. Postings and lengths are read in `private`."""

from __future__ import annotations

import heapq
from collections import Counter, OrderedDict
from typing import NamedTuple

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


def flat_terms(q: wq.Query) -> tuple[str, list[wq.Term]] | None:
    """("or", terms) for one term or an OR of plain terms (a prefix or fuzzy expansion is
    one), ("and", terms) for an AND of plain terms; None for anything else."""
    if type(q) is wq.Term:
        return "or", [q]
    kind = "or" if type(q) in (wq.Or, ExpandedOr) else "and" if type(q) is wq.And else None
    if kind and q.boost == 1.0:
        subs = q.subqueries
        if subs and all(type(t) is wq.Term for t in subs):
            return kind, list(subs)
    return None


class TermScores(NamedTuple):
    scores: dict[int, float]  # document number -> score; shared: never change it
    cap: int | None  # None: every passage of the term was read; else its first `cap`

    @property
    def complete(self) -> bool:
        return self.cap is None


class ScoreCache:
    """Scores of the terms searched last, per searcher: typing "oil p", "oil pr"... scores
    `oil` once. Whoosh decodes a term's postings block by block at every search."""

    def __init__(self, terms: int = 48):
        self.terms = terms
        self._scores: OrderedDict[tuple[str, str, float], TermScores] = OrderedDict()

    def get(self, searcher, term: wq.Term, cap: int | None = None) -> TermScores | None:
        """The scores of the documents holding `term`, in every segment (with `cap`, of
        its first `cap` documents when it has more); None when a segment cannot be read
        the fast way."""
        key = (term.fieldname, term.text, term.boost)
        hit = self._scores.get(key)
        if hit is not None and (hit.complete or (cap is not None and cap <= hit.cap)):
            self._scores.move_to_end(key)
            return hit
        if cap is not None and searcher.doc_frequency(term.fieldname, term.text) <= cap:
            cap = None  # read it whole: the next keystroke may want it whole
        out: dict[int, float] = {}
        for sub, offset in searcher.subsearchers or [(searcher, 0)]:
            room = None if cap is None else cap - len(out)
            if room is not None and room <= 0:
                break
            scores = term_scores(sub, offset, term, searcher.weighting, room)
            if scores is None:
                return None
            out.update(scores)
        found = self._scores[key] = TermScores(out, cap)
        if len(self._scores) > self.terms:
            self._scores.popitem(last=False)
        return found


def term_scores(
    sub, offset: int, term: wq.Term, weighting, cap: int | None = None
) -> dict[int, float] | None:
    """BM25 score of every document holding the term in one segment (with `cap`, of its
    first `cap` documents); None when the fast path cannot read this segment (the
    caller then asks Whoosh)."""
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
        if cap is not None and len(out) + len(ids) > cap:
            need = cap - len(out)
            ids, weights = ids[:need], weights[:need]
        for d, w in zip(ids, weights, strict=False):
            out[offset + d] = (
                boost * idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * lengths[d] / avgfl))
            )
        if cap is not None and len(out) >= cap:
            break
    deleted = getattr(reader, "deleted_docs_set", None)
    if deleted:
        for d in deleted:
            out.pop(offset + d, None)
    return out


def flat_search(
    searcher,
    q: wq.Query,
    limit: int,
    doc_article: list[str],
    cache: ScoreCache,
    cap: int | None = None,
):
    """(top (docnum, score) pairs, hits per article, whether every match was read) for
    one term, or a plain OR or AND of terms (scores summed, as Whoosh's matchers sum
    them); None when the query has another shape (phrases, NOT, nesting). With `cap`, a
    term in more than `cap` passages is read only that far: ranked and counted there."""
    shape = flat_terms(q)
    if shape is None:
        return None
    kind, terms = shape
    found = [cache.get(searcher, t, cap) for t in terms]
    if any(f is None for f in found):
        return None
    each = [f.scores for f in found]
    if kind == "or":
        total = dict(each[0])
        for scores in each[1:]:
            for d, v in scores.items():
                total[d] = total.get(d, 0.0) + v
    else:
        rarest = min(each, key=len)
        total = {}
        for d in rarest:
            if all(d in scores for scores in each):
                total[d] = sum(scores[d] for scores in each)
    counts = Counter(map(doc_article.__getitem__, total))
    return best(total, limit), counts, all(f.complete for f in found)


def best(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The `limit` highest (docnum, score), ties by docnum. The limit-th highest score is
    found first, at C speed, so only the few at or above it are ranked in Python."""
    if len(scores) > 8 * limit:
        cut = heapq.nlargest(limit, scores.values())[-1] if limit else float("inf")
        scores = {d: v for d, v in scores.items() if v >= cut}
    return heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -kv[0]))


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
