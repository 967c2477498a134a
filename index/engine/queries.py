"""dossier's parsed queries (index/querymodel.py) in Whoosh's terms: the fields'
analysis the query reader needs, the index's words it expands patterns against, and
the translation of a query tree into Whoosh queries."""

from __future__ import annotations

from collections.abc import Callable

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from .. import querymodel as qm
from ..querymodel import Analysis
from ..text import fold
from .analysis import NormalizeFilter, fast_words, stemmer_between
from .private import expansion_words
from .termtable import TermTable, WordCounts, lexicon, table_source


def analysis_of(schema) -> Analysis:
    """The query reader's view of how each field of `schema` was indexed."""

    fast = {name: fast_words(schema[name]) for name in schema.names()}

    def words(field: str, text: str) -> list[str]:
        quick = fast.get(field)
        if quick is not None:
            return quick(text)
        return [t.text for t in schema[field].analyzer(text, mode="query")]

    def normalize(field: str, text: str) -> str:
        tokens = [t.text for t in schema[field].analyzer(text, mode="query", tokenize=False)]
        return tokens[0] if tokens else text

    positions = frozenset(
        name
        for name in schema.names()
        if getattr(schema[name], "format", None) is not None
        and schema[name].format.supports("positions")
    )
    whole = frozenset(name for name in schema.names() if type(schema[name]).__name__ == "ID")
    return Analysis(words, normalize, positions, whole, frozenset(schema.names()))


def word_matcher(norm: NormalizeFilter, wanted: set[str]) -> Callable[[str], bool]:
    """Whether a word normalises (by `norm`) into `wanted`, without stemming the words
    that cannot: Porter2 keeps a word's first letter (checked on Reuters' 75,000 words),
    so only words starting as a wanted word, or as a spelling variant of one, are
    normalised. Highlighting a page of results was half of a keystroke's time."""
    firsts = {w[:1] for w in wanted}
    firsts |= {k[:1] for k, head in norm.variants.items() if head[:1] in firsts}
    cached, normalize = norm._cache.get, norm.normalize

    def matches(word: str) -> bool:
        found = cached(word)
        if found is None:
            first = fold(word[:1])[:1]
            if first and first not in firsts:
                return False
            found = normalize(word)
        return found in wanted

    return matches


class ExpandedOr(wq.Or):
    """The words a prefix, wildcard or fuzzy term expanded to. Their postings are
    preloaded into one array: Whoosh's default binary tree of union matchers spent
    most of a prefix query's time re-balancing itself."""

    matcher_type = wq.Or.ARRAY_MATCHER


def to_whoosh(q: qm.Query) -> wq.Query:
    """The Whoosh query for a parsed query, simplified as Whoosh simplifies."""
    return _translate(q).normalize()


def _translate(q: qm.Query) -> wq.Query:
    match q:
        case qm.Term(field, text, boost):
            return wq.Term(field, text, boost=boost)
        case qm.Phrase(field, words, boost, slop):
            return wq.Phrase(field, list(words), slop=slop, boost=boost)
        case qm.AnyOf(field, words, boost):
            terms = [wq.Term(field, w, boost=boost) for w in words]
            if len(terms) == 1:
                return terms[0]
            return (ExpandedOr if len(terms) > 8 else wq.Or)(terms, boost=boost)
        case qm.And(children, boost):
            return wq.And([_translate(c) for c in children], boost=boost)
        case qm.Or(children, boost):
            return wq.Or([_translate(c) for c in children], boost=boost)
        case qm.Not(child):
            return wq.Not(_translate(child))
        case qm.AndNot(pos, neg):
            return wq.AndNot(_translate(pos), _translate(neg))
        case qm.AndMaybe(req, opt):
            return wq.AndMaybe(_translate(req), _translate(opt))
        case qm.Prefix() | qm.Wildcard() | qm.Fuzzy() | qm.Range():
            return _pattern(q)
    return wq.NullQuery


def _pattern(q: qm.Pattern) -> wq.Query:
    match q:
        case qm.Prefix(field, text, boost):
            return wq.Prefix(field, text, boost=boost)
        case qm.Wildcard(field, pattern, boost):
            return wq.Wildcard(field, pattern, boost=boost)
        case qm.Fuzzy(field, text, maxdist, prefix, boost):
            return wq.FuzzyTerm(field, text, boost=boost, maxdist=maxdist, prefixlength=prefix)
        case qm.Range(field, start, end, sx, ex, boost):
            return wq.TermRange(field, start, end, sx, ex, boost=boost)
    return wq.NullQuery


# A field whose words are looked up but searched in another field, by that field's
# form of them: `exact` (folded words: prefix and fuzzy words are expanded in it) holds
# one posting a word in a built segment (index/engine/segments.py), so its words are
# searched as `text`'s stems. A prefix thus also finds the other forms of the words it
# expands to (`sharin*` -> sharing -> share: "shares" too).
SEARCHED_IN = {"exact": "text"}


class IndexWords:
    """The words of an open index, as the query reader asks for them (the `Lexicon`
    protocol of index/query.py). Word tables for fuzzy lookups are kept per field."""

    def __init__(self, reader, tables: dict[str, TermTable]):
        self._reader = reader
        self._tables = tables
        self._into: dict[str, tuple[str, Callable[[str], str]] | None] = {}

    def searched_as(self, field: str, words: list[str]) -> tuple[str, list[str]]:
        """The field and terms that words of `field`'s lexicon are searched as (each
        term once, in the order of the words)."""
        into = self._searched_in(field)
        if into is None:
            return field, list(words)
        name, convert = into
        return name, list(dict.fromkeys(map(convert, words)))

    def _searched_in(self, field: str) -> tuple[str, Callable[[str], str]] | None:
        if field not in self._into:
            schema, name = self._reader.schema, SEARCHED_IN.get(field)
            convert = None
            if name is not None and field in schema and name in schema:
                convert = stemmer_between(schema[field], schema[name])
            self._into[field] = (name, convert) if convert is not None else None
        return self._into[field]

    def _frequency(self, field: str, word: str) -> int:
        """Passages holding `word` of `field`'s lexicon, as it is searched."""
        name, terms = self.searched_as(field, [word])
        return self.doc_frequency(name, terms[0])

    def has(self, field: str, word: str) -> bool:
        counts = self._counts(field)
        return word in counts.docs if counts else (field, word) in self._reader

    def doc_frequency(self, field: str, word: str) -> int:
        counts = self._counts(field)
        return counts.docs.get(word, 0) if counts else self._reader.doc_frequency(field, word)

    def _counts(self, field: str) -> WordCounts | None:
        """The field's words counted across the index, once the warm-up read them (a
        lookup in every segment otherwise: a prefix's words were 6 ms of highlights)."""
        table = self._tables.get(field)
        return table.counts if table is not None else None

    def matching(self, pattern: qm.Prefix | qm.Wildcard | qm.Range) -> list[str]:
        """The indexed words a prefix, wildcard or range stands for, in index order."""
        table = self._tables.get(pattern.field)
        if table is not None and isinstance(pattern, qm.Prefix):
            return table.starting(pattern.text)
        fieldobj = self._reader.schema[pattern.field]
        return [
            fieldobj.from_bytes(b) if isinstance(b, bytes) else b
            for b in expansion_words(_pattern(pattern), self._reader)
        ]

    def within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        """Words within `maxdist` edits (a swap of neighbouring letters is one edit)."""
        return self.table(field).within(text, maxdist, prefix)

    def near(self, field: str, word: str, limit: int) -> list[str]:
        """Spellings of `word` in the index, one edit away or else two: closest first,
        then the most frequent."""
        table = self.table(field)
        found = table.within(word, 1) or table.within(word, 2)
        found.sort(
            key=lambda w: (
                damerau_levenshtein(w, word, limit=2),
                -self._frequency(field, w),
                w,
            )
        )
        return found[:limit]

    def table(self, field: str) -> TermTable:
        table = self._tables.get(field)
        if table is None:
            table = self._tables[field] = table_source(self._reader, field)()
        return table

    def words(self, field: str) -> list[str]:
        return lexicon(self._reader, field)
