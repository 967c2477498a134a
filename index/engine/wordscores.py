"""A word's scores straight from its postings, the way Whoosh's BM25F scores them
(tested), kept for the next searches: the layer under `fastpath`'s OR, AND and phrase
searches. Postings, positions and lengths are read in `private`."""

from __future__ import annotations

import operator
import struct
from bisect import bisect_left
from collections import OrderedDict
from collections.abc import Callable, Collection, Container, Iterable, Sequence
from itertools import compress
from math import log
from typing import TypeVar

from whoosh import query as wq
from whoosh import scoring

from .articlecounts import ArticleCounts, DocArticles
from .combined import best, best_listed
from .private import (
    field_lengths,
    posting_blocks,
    posting_data,
    term_info,
    term_infos,
)
from .termtable import TermTable

_Docs = TypeVar("_Docs", bound=Iterable[int])  # scores by document, or documents


class FastBM25F(scoring.BM25F):
    """Whoosh's BM25F with each segment's field lengths read into memory once.

    Whoosh reads a document's length from the segment file for every document it
    scores; with files opened without mmap that was most of a query's time."""

    def __init__(self) -> None:
        super().__init__()
        self._lengths: dict[tuple[int, str], list[int] | None] = {}
        self._avgfl: dict[tuple[int, str], float] = {}
        self._all_lengths: dict[tuple[int, str], list[int] | None] = {}

    def scorer(self, searcher, fieldname, text, qf=1):
        scorer = super().scorer(searcher, fieldname, text, qf)
        if isinstance(scorer, scoring.BM25FScorer):
            lengths = self.lengths_of(searcher.reader(), fieldname)
            if lengths is not None:
                scorer.dfl = lengths.__getitem__
        return scorer

    def table(self, searcher, term: wq.Term, df: int | None = None) -> _ScoreTable:
        """The term's scores by (weight, length), with the statistics Whoosh's scorer
        takes from the whole index: made once a term, not once a segment (Whoosh sums
        every segment's lengths for each segment's scorer)."""
        parent = searcher.get_parent()
        key = (id(parent), term.fieldname)
        avgfl = self._avgfl.get(key)
        if avgfl is None:
            avgfl = self._avgfl[key] = parent.avg_field_length(term.fieldname) or 1
        b = self._field_B.get(term.fieldname, self.B)
        if df is None:
            idf = parent.idf(term.fieldname, term.text)
        else:  # Whoosh's idf (scoring.WeightingModel.idf) from a count already made
            idf = log(parent.doc_count_all() / (df + 1)) + 1
        return _ScoreTable(term.boost * idf, avgfl, b, self.K1)

    def lengths_of(self, reader, fieldname: str) -> list[int] | None:
        """The field lengths of a segment's documents (None: not readable so)."""
        key = (id(reader), fieldname)
        if key not in self._lengths:
            self._lengths[key] = field_lengths(reader, fieldname)
        return self._lengths[key]

    def all_lengths(self, searcher, fieldname: str) -> list[int] | None:
        """The field lengths of every document, by its number in the whole index (each
        segment's lengths after the segments' before it): postings numbered so as they
        are decoded are scored without their segment's offset taken off again."""
        parent = searcher.get_parent()
        key = (id(parent), fieldname)
        if key not in self._all_lengths:
            out: list[int] | None = []
            for sub, offset in parent.subsearchers or [(parent, 0)]:
                lengths = self.lengths_of(sub.reader(), fieldname)
                if lengths is None or out is None or len(out) != offset:
                    out = None
                    break
                out.extend(lengths)
            self._all_lengths[key] = out
        return self._all_lengths[key]


class TermScores:
    """A word's (or a phrase's) scores by document number: `scores`, a dict (shared:
    never change it). A word read whole or capped is read as two lists in document
    order, `docs` and `listed`, and its dict made only when first asked for: a search
    for the word alone ranks and counts from the lists (at 100k articles, a dict of a
    common word's 64,000 passages took 6 ms, a tenth of the search)."""

    __slots__ = ("_scores", "cap", "docs", "listed")

    def __init__(
        self,
        scores: dict[int, float] | None,
        cap: int | None,  # None: every passage of the term was read; else its first `cap`
        docs: list[int] | None = None,
        listed: list[float] | None = None,
    ):
        self._scores, self.cap, self.docs, self.listed = scores, cap, docs, listed

    @property
    def scores(self) -> dict[int, float]:
        if self._scores is None:
            self._scores = dict(zip(self.docs or (), self.listed or (), strict=True))
        return self._scores

    @property
    def complete(self) -> bool:
        return self.cap is None

    @property
    def size(self) -> int:
        return len(self.docs) if self.docs is not None else len(self.scores)

    def in_order(self) -> Iterable[int]:
        """The documents, in document order when read as lists."""
        return self.docs if self.docs is not None else self.scores

    def within(self, docs: Collection[int]) -> dict[int, float]:
        """The scores of those of `docs` holding the word: picked from the lists when
        there are lists (the dict of them is not made for it)."""
        if self._scores is None and self.docs is not None and self.listed is not None:
            pairs = zip(self.docs, self.listed, strict=True)
            return dict(compress(pairs, map(docs.__contains__, self.docs)))
        both = list(filter(self.scores.__contains__, docs))
        return dict(zip(both, map(self.scores.__getitem__, both), strict=True))

    def best(self, limit: int) -> list[tuple[int, float]]:
        """`best` of the scores, from the lists when there are lists."""
        if self.docs is None or self.listed is None:
            return best(self.scores, limit)
        return best_listed(self.docs, self.listed, limit)


class ScoreCache:
    """Scores of the terms searched last, per searcher: typing "oil p", "oil pr"... scores
    `oil` once. Whoosh decodes a term's postings block by block at every search. Bounded
    by words and by the scores they hold (~80 bytes each): at 100k articles a common
    word is in 100,000 passages, and a few dozen such words would hold gigabytes."""

    def __init__(
        self, tables: dict[str, TermTable] | None = None, terms: int = 256, scores: int = 1_500_000
    ):
        self.tables = {} if tables is None else tables  # the searcher's, as they are built
        self.terms = terms
        self.max_scores = scores
        self._kept = 0
        self._scores: OrderedDict[tuple[str, str, float], TermScores] = OrderedDict()
        self._infos: OrderedDict[tuple[str, str], TermInfos] = OrderedDict()
        self._summed: list[tuple[tuple, dict[int, float], ArticleCounts]] = []

    def infos(self, searcher, term: wq.Term) -> TermInfos | None:
        """Where the term is: its info in each segment, looked up when first asked for
        (only in the segments holding it when the field's word counts are read), and
        the documents holding it in all. Kept for the words looked up last (a prefix's
        words are counted before they are read); None when a segment's term table
        cannot be read the fast way."""
        key = (term.fieldname, term.text)
        found = self._infos.get(key)
        if found is None:
            subs = searcher.subsearchers or [(searcher, 0)]
            btext = searcher.schema[term.fieldname].to_bytes(term.text)
            table = self.tables.get(term.fieldname)
            counts = table.counts if table is not None else None
            if counts is not None and counts.segment_count == len(subs):
                found = TermInfos(
                    subs,
                    term.fieldname,
                    btext,
                    counts.docs.get(term.text, 0),
                    counts.segments.get(term.text, 0),
                )
            else:
                found = TermInfos(subs, term.fieldname, btext)
                if found.df is None:
                    return None
            self._infos[key] = found
            if len(self._infos) > 2 * self.terms:
                self._infos.popitem(last=False)
        return found

    def look_up_together(self, searcher, terms: list[wq.Term]) -> None:
        """Look up the words of an OR (a prefix's) in each segment together: in one read
        of the segment's term table from the first one's row to the last one's (a
        prefix's words are neighbours there), instead of two reads a word and segment
        (123 words in 73 segments: a third of a prefix's time). Needs the field's word
        counts (which segments hold each word); else the words are looked up alone."""
        found = [self.infos(searcher, t) for t in terms]
        fields = {t.fieldname for t in terms}
        if len(fields) != 1 or any(f is None or f.held < 0 for f in found):
            return
        (fieldname,) = fields
        subs = searcher.subsearchers or [(searcher, 0)]
        for i, (sub, _offset) in enumerate(subs):
            here = [f for f in found if f.held >> i & 1 and i not in f.found]
            if len(here) < 4:
                continue
            here.sort(key=lambda f: f.btext)
            infos = term_infos(sub.reader(), fieldname, [f.btext for f in here])
            for f in here if infos is not None else ():
                if f.btext in infos:
                    f.found[i] = infos[f.btext]

    def summed(
        self, parts: tuple, add: Callable[[], _Docs], doc_article: DocArticles
    ) -> tuple[_Docs, ArticleCounts]:
        """The scores `add` sums from `parts` (the kind of sum, then the words' kept
        scores) and their passages counted per article: kept for the last few queries,
        as long as they are made of the same kept scores (typing "oil p" after "oil"
        sums and counts `oil` once). Shared: never change them."""
        for i, (kept_parts, total, counts) in enumerate(self._summed):
            if len(kept_parts) == len(parts) and all(map(operator.is_, kept_parts, parts)):
                self._summed.append(self._summed.pop(i))
                return total, counts
        total = add()
        counts = doc_article.count(total)
        self._summed.append((parts, total, counts))
        if len(self._summed) > 4:  # a prefix counted whole: ~5 MB of sums, ~3 MB of counts
            del self._summed[0]
        return total, counts

    def doc_frequency(self, searcher, term: wq.Term) -> int | None:
        infos = self.infos(searcher, term)
        return None if infos is None else infos.df

    def get(self, searcher, term: wq.Term, cap: int | None = None) -> TermScores | None:
        """The scores of the documents holding `term`, in every segment (with `cap`, of
        its first `cap` documents when it has more); None when a segment cannot be read
        the fast way."""
        key = (term.fieldname, term.text, term.boost)
        hit = self.kept(key, cap)
        if hit is not None:
            return hit
        if not searcher.doc_count_all():
            return TermScores({}, None)
        infos = self.infos(searcher, term)
        out = None if infos is None else read_term(searcher, term, infos, cap)
        if out is None:
            return None
        return self.keep(key, out)

    def whole(self, term: wq.Term) -> TermScores | None:
        """The term's scores, if kept from an earlier search that read it whole."""
        return self.kept((term.fieldname, term.text, term.boost), None)

    def kept(self, key: tuple, cap: int | None) -> TermScores | None:
        """What was kept under `key`, if it answers a search with `cap`."""
        hit = self._scores.get(key)
        if hit is not None and (hit.complete or (cap is not None and cap <= hit.cap)):
            self._scores.move_to_end(key)
            return hit
        return None

    def keep(self, key: tuple, found: TermScores) -> TermScores:
        """Keep `found` (a word's scores, or a phrase's) under `key`, the oldest kept
        dropped past the bounds."""
        old = self._scores.pop(key, None)
        self._kept += found.size - (old.size if old else 0)
        self._scores[key] = found
        while len(self._scores) > 1 and (
            len(self._scores) > self.terms or self._kept > self.max_scores
        ):
            self._kept -= self._scores.popitem(last=False)[1].size
        return found


class TermInfos:
    """A word's term info in each segment (None where it is not), each looked up when
    first asked for, and `df`: the documents holding it in all segments. With `df` and
    `held` (bit i: the i-th segment holds it) known, only the segments holding it are
    looked up, and only as far as they are read; otherwise every segment is looked up
    at once to count them (`df` None when one cannot be read the fast way)."""

    def __init__(
        self, subs: list, fieldname: str, btext: bytes, df: int | None = None, held: int = -1
    ):
        self.subs, self.fieldname, self.btext, self.held = subs, fieldname, btext, held
        self.found: dict[int, object] = {}  # segment -> its info there
        if df is None:
            found = [self[i] for i in range(len(subs))]
            df = None if False in found else sum(i.doc_frequency() for i in found if i)
        self.df = df

    def __getitem__(self, i: int):
        """Its info in segment i: None where it is not, False if unreadable."""
        if not self.held >> i & 1:
            return None
        found = self.found.get(i, self)
        if found is self:
            found = self.found[i] = term_info(self.subs[i][0].reader(), self.fieldname, self.btext)
            if found is None and self.held >= 0:  # (what a search checks the files for)
                raise struct.error(f"{self.btext!r} is missing from a segment's term table")
        return found


def read_term(
    searcher,
    term: wq.Term,
    infos: TermInfos,
    cap: int | None = None,
    values: list[bytes] | None = None,
    within: Container[int] | None = None,
) -> TermScores | None:
    """The scores of the documents holding `term` in every segment (`infos`: where it
    is, from `ScoreCache.infos`), of its first `cap` when it has more; with `values`,
    their postings' encoded positions appended there, in the order of the documents;
    with `within`, of those documents only (an AND's or a phrase's next word, in the
    passages holding the words before it). Read as lists (see TermScores), unless read
    `within` without `values`. None when a segment cannot be read the fast way."""
    weighting = searcher.weighting
    if not isinstance(weighting, FastBM25F):
        return None
    # One count of the word for its idf; Whoosh looked it up again in every segment
    # for each segment's idf.
    df = infos.df
    if cap is not None and df <= cap:
        cap = None  # read it whole: the next keystroke may want it whole
    table = weighting.table(searcher, term, df)
    out: dict[int, float] = {}
    listed: tuple[list, ...] | None = None
    if values is not None:
        listed = ([], [], values)
    elif within is None:
        listed = ([], [])
    kept = out if listed is None else listed[0]
    # With `within`, the postings read count against the cap, kept or passed over.
    read = 0
    subs = searcher.subsearchers or [(searcher, 0)]
    for i, (sub, offset) in enumerate(subs):
        room = None if cap is None else cap - (len(kept) if within is None else read)
        if room is not None and room <= 0:
            break
        info = infos[i]
        if info is None:
            continue
        if info is False:
            return None
        if room is not None:
            read += min(room, info.doc_frequency())
        few = None if values is not None else postings_in_info(info)
        if few is not None and (room is None or room >= len(few[0])):
            # Scored here: most of a prefix's words in most segments (a call of
            # term_scores a word and segment was a fifth of a prefix's time).
            reader = sub.reader()
            lengths = weighting.lengths_of(reader, term.fieldname)
            deleted = getattr(reader, "deleted_docs_set", None)
            if lengths is not None and deleted is not None:
                for d, w in zip(*few, strict=True):
                    if d in deleted or (within is not None and offset + d not in within):
                        continue
                    if listed is not None:
                        listed[0].append(offset + d)
                        listed[1].append(table[w, lengths[d]])
                    else:
                        out[offset + d] = table[w, lengths[d]]
                continue
        scored = term_scores(sub, offset, term, weighting, room, table, out, info, within, listed)
        if scored is None:
            return None
    if listed is not None:
        return TermScores(None, cap, listed[0], listed[1])
    return TermScores(out, cap)


def term_scores(
    sub,
    offset: int,
    term: wq.Term,
    weighting,
    cap: int | None = None,
    table: _ScoreTable | None = None,
    out: dict[int, float] | None = None,
    info=None,
    within: Container[int] | None = None,
    listed: tuple[list, ...] | None = None,
) -> dict[int, float] | tuple | None:
    """BM25 score of every document holding the term in one segment (with `cap`, of its
    first `cap` documents; with `within`, of those documents only), added to `out` (the
    other segments' scores) if given, or to `listed`'s lists of documents and scores
    (and of encoded positions when it has a third), returned; None when the fast path
    cannot read this segment (the caller then asks Whoosh). `table`: the term's
    `FastBM25F.table`, if made already."""
    if not isinstance(weighting, FastBM25F):
        return None
    reader = sub.reader()
    # Postings are numbered in the whole index as they are decoded, and scored so
    lengths = weighting.all_lengths(sub, term.fieldname)
    if lengths is None:
        return None
    if table is None:  # (an empty table is falsy: made once, not again)
        table = weighting.table(sub, term)
    positions = listed is not None and len(listed) > 2
    few = None if positions or info is None else postings_in_info(info)
    if few is not None:  # a rare word: its term info says where it is
        blocks = iter([([offset + d for d in few[0]], few[1])])
    else:
        field = reader.schema[term.fieldname]
        read = posting_data if positions else posting_blocks
        blocks = read(reader, term.fieldname, field.to_bytes(term.text), info, offset)
        if blocks is None:
            return None
    deleted = getattr(reader, "deleted_docs_set", None)
    # Straight into `out` when no passage of the segment is deleted
    direct = out is not None and not deleted
    found: dict[int, float] = out if direct else {}  # this segment's (and others')
    got = 0  # this segment's
    for docs, weights, *vals in blocks:
        if cap is not None and got + len(docs) > cap:
            need = cap - got
            docs, weights, vals = docs[:need], weights[:need], [v[:need] for v in vals]
        got += len(docs)
        if within is not None:  # at C speed: most of a common word's passages go
            keep = list(map(within.__contains__, docs))
            docs, weights = list(compress(docs, keep)), list(compress(weights, keep))
            vals = [list(compress(v, keep)) for v in vals]
        # At C speed: a score depends only on (weight, length), a few hundred pairs;
        # most postings weigh 1 (the word once in the passage): looked up by length.
        if weights.count(1.0) == len(weights):
            scores = map(table.once.__getitem__, map(lengths.__getitem__, docs))
        else:
            scores = map(
                table.__getitem__, zip(weights, map(lengths.__getitem__, docs), strict=True)
            )
        if listed is None:
            found.update(zip(docs, scores, strict=True))
        elif deleted and (gone := deleted_at(docs, deleted, offset)):
            kept = [True] * len(docs)
            for i in gone:
                kept[i] = False
            for into, part in zip(listed, (docs, scores, *vals[:1]), strict=True):
                into.extend(compress(part, kept))
        else:
            for into, part in zip(listed, (docs, scores, *vals[:1]), strict=True):
                into.extend(part)
        if cap is not None and got >= cap:
            break
    if listed is not None:
        return listed
    if direct:
        return out
    if deleted and found:  # whichever is fewer is walked
        gone = (
            [offset + d for d in deleted]
            if len(deleted) <= len(found)
            else [d for d in found if d - offset in deleted]
        )
        for d in gone:
            found.pop(d, None)
    if out is None:
        return found
    out.update(found)
    return out


def deleted_at(docs: Sequence[int], deleted: Collection[int], offset: int = 0) -> list[int]:
    """Where a segment's deleted documents (numbered in the segment; its first is
    `offset` in the whole index) are in `docs` (in order, numbered in the whole index):
    each of the few deleted looked up, rather than each document checked (a tenth of
    reading a common word)."""
    if not docs:
        return []
    if 8 * len(deleted) > len(docs):
        return [i for i, d in enumerate(docs) if d - offset in deleted]
    first, last = docs[0] - offset, docs[-1] - offset
    return [
        i
        for d in deleted
        if first <= d <= last and docs[i := bisect_left(docs, d + offset)] == d + offset
    ]


def postings_in_info(info) -> tuple[list[int], list[float]] | None:
    """(document numbers, weights) of a word's postings in one segment when its term
    info tells them, without reading the postings: a word in one passage there, or in
    two, once in each (most of a prefix's words in most segments: reading each one's
    postings was most of a prefix's time)."""
    df = info.doc_frequency()
    if df == 1:
        return [info.min_id()], [info.weight()]
    if df == 2 and info.weight() == 2 and info.max_weight() == 1:
        return [info.min_id(), info.max_id()], [1.0, 1.0]
    return None


class _ScoreTable(dict):
    """BM25 score of a posting by (weight, field length), computed once a pair; the
    same arithmetic as Whoosh's BM25F scorer, so the same floats."""

    def __init__(self, boosted_idf: float, avgfl: float, b: float, k1: float):
        super().__init__()
        self.args = boosted_idf, avgfl, b, k1
        self.once = _OnceTable(self)

    def __missing__(self, key: tuple[float, int]) -> float:
        w, length = key
        idf, avgfl, b, k1 = self.args
        score = self[key] = idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * length / avgfl))
        return score


class _OnceTable(dict):
    """The scores of a word found once, by length."""

    def __init__(self, table: _ScoreTable):
        super().__init__()
        self.table = table

    def __missing__(self, length: int) -> float:
        score = self[length] = self.table[1.0, length]
        return score
