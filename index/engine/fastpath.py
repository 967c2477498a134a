"""Scoring an OR or AND of plain terms, or a phrase of adjacent words, straight from
the postings: the same BM25F ranking and counts Whoosh gives (tested), several times
faster, because Whoosh's matchers cost microseconds a document. Each word's scores come
from `wordscores`."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Collection
from itertools import compress, filterfalse, repeat

from whoosh import query as wq
from whoosh.collectors import TopCollector

from .articlecounts import ArticleCounts, DocArticles
from .combined import best, summed, summed_at, summed_where_all
from .private import positions_decoder
from .queries import ExpandedOr
from .wordscores import ScoreCache, TermScores, read_term


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


def flat_search(
    searcher,
    q: wq.Query,
    limit: int,
    doc_article: DocArticles,
    cache: ScoreCache,
    cap: int | None = None,
):
    """(top (docnum, score) pairs, hits per article, whether every match was read) for
    one term, a plain OR or AND of terms (scores summed, as Whoosh's matchers sum them),
    an AND of terms with NOTs of words, or a phrase; None for other shapes (nesting, a
    NOT alone, a phrase in an AND). With `cap`, a term in more than `cap` passages is
    read only that far: ranked and counted there."""
    if type(q) is wq.Phrase:
        return phrase_search(searcher, q, limit, doc_article, cache, cap)
    excluding = and_not_terms(q)
    if excluding is not None:
        return and_not_search(searcher, *excluding, limit, doc_article, cache, cap)
    shape = flat_terms(q)
    if shape is None:
        return None
    kind, terms = shape
    if kind == "and" and cap is None:
        total = all_of(searcher, terms, cache)
        if total is None:
            return None
        _, counts = cache.summed(("and", total.scores), lambda: total.scores, doc_article)
        return best(total.scores, limit), counts, True
    caps = [cap] * len(terms)
    if kind == "or" and len(terms) >= 8:
        cache.look_up_together(searcher, terms)
    if cap is not None and kind == "or" and len(terms) > 1:  # a prefix's words, say
        dfs = [cache.doc_frequency(searcher, t) for t in terms]
        if None in dfs:
            return None
        caps = shared_cap(dfs, cap)
    found = [cache.get(searcher, t, c) for t, c in zip(terms, caps, strict=True)]
    if any(f is None for f in found):
        return None
    if len(found) == 1:  # one word: ranked and counted from its lists, no dict made
        (one,) = found
        _, counts = cache.summed(("one", one), one.in_order, doc_article)
        return one.best(limit), counts, one.complete
    total, counts = cache.summed(
        (kind, *found),
        lambda: summed(found) if kind == "or" else summed_where_all([f.scores for f in found]),
        doc_article,
    )
    return best(total, limit), counts, all(f.complete for f in found)


def all_of(searcher, terms: list[wq.Term], cache: ScoreCache) -> TermScores | None:
    """The summed scores of the passages holding every term (an AND counted whole),
    kept for the next search. The rarest term is read whole (and kept); each other one
    only in the passages holding those before it, unless kept whole already: scoring
    every passage of a common word was most of an AND's time. Summed in term order."""
    key = ("and", *((t.fieldname, t.text, t.boost) for t in terms))
    total = cache.kept(key, None)
    if total is not None:
        return total
    infos = [cache.infos(searcher, t) for t in terms]
    if any(i is None for i in infos):
        return None
    each: list[dict[int, float]] = [{}] * len(terms)
    within: Collection[int] = ()  # the passages holding every term read so far
    order = sorted(range(len(terms)), key=lambda i: infos[i].df)  # type: ignore[union-attr]
    for n, i in enumerate(order):
        if n == 0:
            found = cache.get(searcher, terms[i])
        elif (found := cache.whole(terms[i])) is not None:  # kept from an earlier search
            each[i] = within = found.within(within)
            continue
        else:  # (only the passages of `within` are read)
            found = read_term(searcher, terms[i], infos[i], within=within)  # type: ignore[arg-type]
        if found is None:
            return None
        each[i] = within = found.scores
    return cache.keep(key, TermScores(summed_at(each, within), None))


def and_not_terms(q: wq.Query) -> tuple[list[wq.Term], list[list[wq.Term]]] | None:
    """(terms, each NOT's terms) of an AND of plain terms and NOTs of plain terms or of
    ORs of them (`bank NOT rates`, `peace NOT (corridor OR border)`); None otherwise."""
    if type(q) is not wq.And or q.boost != 1.0:
        return None
    terms = [t for t in q.subqueries if type(t) is wq.Term]
    nots = [n.query for n in q.subqueries if type(n) is wq.Not]
    if not terms or not nots or len(terms) + len(nots) != len(q.subqueries):
        return None
    shapes = [flat_terms(n) for n in nots]
    if any(shape is None or shape[0] != "or" for shape in shapes):
        return None
    return terms, [shape[1] for shape in shapes]  # type: ignore[index]


def and_not_search(
    searcher,
    terms: list[wq.Term],
    excluded: list[list[wq.Term]],
    limit: int,
    doc_article: DocArticles,
    cache: ScoreCache,
    cap: int | None = None,
):
    """`flat_search` for an AND of terms and NOTs: the passages holding every term and
    no word of any NOT, scored as Whoosh scores them (the terms' scores summed, and 1.0
    for each NOT, which Whoosh's matcher of a NOT scores so). With `cap`, the terms are
    read as an AND's are; the NOTs' words are read whole, else a passage holding one
    further on would be found. Whoosh walked every passage of the index for a NOT: ten
    times slower at 100k articles."""
    if cap is None and len(terms) > 1:
        found = [all_of(searcher, terms, cache)]
    else:
        found = [cache.get(searcher, t, cap) for t in terms]
    gone = [cache.get(searcher, t) for words in excluded for t in words]
    if any(f is None for f in found + gone):
        return None

    def add() -> dict[int, float]:
        each = [f.scores for f in found]  # type: ignore[union-attr]
        kept = each[0] if len(each) == 1 else summed_where_all(each)
        out = set().union(*(g.in_order() for g in gone))  # type: ignore[union-attr]
        docs = list(filterfalse(out.__contains__, kept))
        sums = map(kept.__getitem__, docs)
        for _ in excluded:
            sums = map(operator.add, sums, repeat(1.0))
        return dict(zip(docs, sums, strict=True))

    total, counts = cache.summed(("and not", *found, None, *gone), add, doc_article)
    return best(total, limit), counts, all(f.complete for f in found)  # type: ignore[union-attr]


def shared_cap(dfs: list[int], cap: int) -> list[int | None]:
    """The passages each word of an OR is read in, `cap` in all: the words in fewer
    passages than an equal share of what is left read whole (None), the others an
    equal share each."""
    if sum(dfs) <= cap:
        return [None] * len(dfs)
    left, share = cap, cap
    for i, df in enumerate(sorted(dfs)):
        share = max(1, left // (len(dfs) - i))
        if df > share:
            break
        left -= df
    return [None if df <= share else share for df in dfs]


def phrase_search(
    searcher,
    q: wq.Phrase,
    limit: int,
    doc_article: DocArticles,
    cache: ScoreCache,
    cap: int | None = None,
):
    """`flat_search` for a phrase of words side by side (slop 1): the passages holding
    every word (scored as Whoosh scores a phrase: its words' scores summed), kept where
    the words' positions follow each other. Each word's postings are decoded once for
    its scores and positions; with `cap`, the words share it as an OR's do. The
    passages found are kept for the next search. None for other phrases, or a field
    without positions (Whoosh then answers)."""
    if q.slop != 1 or q.boost != 1.0 or q.fieldname not in searcher.schema:
        return None
    if not searcher.schema[q.fieldname].format.supports("positions"):
        return None
    key = ("phrase", q.fieldname, tuple(q.words))
    total = cache.kept(key, cap)
    if total is None:
        total = _phrase_scores(searcher, q, cache, cap)
        if total is None:
            return None
        cache.keep(key, total)
    _, counts = cache.summed(("one", total), total.in_order, doc_article)
    return total.best(limit), counts, total.complete


def _phrase_scores(searcher, q: wq.Phrase, cache: ScoreCache, cap: int | None):
    if not searcher.doc_count_all():
        return TermScores({}, None)
    terms = {w: wq.Term(q.fieldname, w) for w in q.words}
    infos = {w: cache.infos(searcher, t) for w, t in terms.items()}
    if any(i is None for i in infos.values()):
        return None
    dfs = [found.df for found in infos.values()]
    caps = shared_cap(dfs, cap) if cap is not None else [None] * len(dfs)
    # The rarest word first; each next one read only in the passages holding the words
    # before it (a common word's other passages were most of a phrase's time). Read as
    # lists in document order: dicts of a common word's passages were a third of it.
    read, values = {}, {}
    within = None
    for word_cap, (w, term) in sorted(
        zip(caps, terms.items(), strict=True), key=lambda c_wt: infos[c_wt[1][0]].df
    ):
        values[w] = []
        read[w] = read_term(searcher, term, infos[w], word_cap, values[w], within)
        if read[w] is None:
            return None
        within = set(read[w].docs)
    # The last word was read within all the others: its passages hold every word, and
    # the others' lists cut down to them line up with its own.
    docs = read[w].docs
    for v in q.words:
        if len(read[v].docs) != len(docs):
            keep = list(map(within.__contains__, read[v].docs))
            read[v].listed[:] = compress(read[v].listed, keep)
            values[v][:] = compress(values[v], keep)
    fmt = searcher.schema[q.fieldname].format
    holding = phrase_holds([values[v] for v in q.words], positions_decoder(fmt))
    sums = compress(read[q.words[0]].listed, holding)
    for v in q.words[1:]:  # summed in the phrase's order, as Whoosh sums them
        sums = map(operator.add, sums, compress(read[v].listed, holding))
    complete = all(f.complete for f in read.values())
    return TermScores(None, None if complete else cap, list(compress(docs, holding)), list(sums))


def phrase_holds(values: list[list[bytes]], decode) -> list[bool]:
    """Whether the words stand side by side, in order, in each document (`values`: each
    word's encoded positions, in the same documents; `decode` reads one value). At C
    speed: a value is decoded once per distinct value, and most are alike (a word once
    in a passage, at one of a few hundred positions)."""
    starts = None
    for i, each in enumerate(values):
        at = map(_Positions(decode, -i).__getitem__, each)
        starts = at if starts is None else map(frozenset.intersection, starts, at)
    return list(map(bool, starts))


class _Positions(dict):
    """A word's positions, shifted by `shift`, by their encoded value."""

    def __init__(self, decode, shift: int):
        super().__init__()
        self.decode, self.shift = decode, shift

    def __missing__(self, value: bytes) -> frozenset[int]:
        found = self[value] = frozenset(map(self.shift.__add__, self.decode(value)))
        return found


class CountingCollector(TopCollector):
    """Ranks the best `limit` passages and, in the same pass over the matches,
    counts them per article (one pass instead of counting and ranking apart)."""

    def __init__(self, limit: int, doc_article: DocArticles):
        # replace=0: Whoosh's collector otherwise swaps in a cheaper matcher every few
        # matches, which skips passages that cannot reach the top `limit`; those would
        # go uncounted.
        super().__init__(limit=limit, usequality=False, replace=0)
        self.doc_article = doc_article
        self.by_ordinal: Counter = Counter()

    def collect(self, sub_docnum):
        self.by_ordinal[self.doc_article.ordinal[self.offset + sub_docnum]] += 1
        return super().collect(sub_docnum)

    @property
    def counts(self) -> ArticleCounts:
        return ArticleCounts(self.by_ordinal, self.doc_article)
