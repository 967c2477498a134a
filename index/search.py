"""Search: a query in, hits grouped by article with highlight spans out."""

from __future__ import annotations

import functools
import heapq
import threading
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh import scoring
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.collectors import TopCollector
from whoosh.support.levenshtein import damerau_levenshtein
from whoosh.util.numeric import byte_to_length

from .config import Settings
from .engine import Manifest, make_schema, open_index
from .model import ArticleInfo
from .query import (
    ExpandedOr,
    ParsedQuery,
    QueryReader,
    TagLookup,
    plain_words,
    query_phrases,
    query_terms,
)
from .text import words

Span = tuple[int, int]


@dataclass(slots=True)
class PassageHit:
    pid: str
    article_id: str
    n: int
    text: str
    score: float
    spans: list[Span] = field(default_factory=list)  # offsets into text


@dataclass(slots=True)
class ArticleHits:
    id: str
    title: str
    source: str | None
    date: str | None
    hits: int
    passages: list[PassageHit] = field(default_factory=list)
    also_in: list[str] = field(default_factory=list)  # ids of copies of this article


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int = 0  # passages that match
    total_articles: int = 0  # articles with a match (`articles` may list fewer)
    articles: list[ArticleHits] = field(default_factory=list)
    passages: list[PassageHit] = field(default_factory=list)  # best first
    message: str | None = None  # what was wrong with the query, if anything
    reading: str = ""  # what was searched
    suggestions: list[str] = field(default_factory=list)


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
            self._lengths[key] = _read_lengths(reader, fieldname)
        return self._lengths[key]


_BYTE_TO_LENGTH = [byte_to_length(b) for b in range(256)]


def _read_lengths(reader, fieldname: str) -> list[int] | None:
    """All document lengths of one field of one segment, or None if the segment
    does not keep them the way Whoosh 2.7's codec does."""
    try:
        col = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        if col is None:
            return None
        data = col._dbfile.get(col._basepos, col._count)
    except AttributeError:
        return None
    lengths = [_BYTE_TO_LENGTH[b] for b in data]
    missing = reader.doc_count_all() - len(lengths)
    return lengths + [1] * missing if missing > 0 else lengths


def _flat_terms(q: wq.Query) -> list[wq.Term] | None:
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


def _term_scores(sub, offset: int, term: wq.Term, weighting) -> dict[int, float] | None:
    """BM25 score of every document holding the term in one segment, read a block of
    postings at a time (Whoosh's matchers cost several microseconds a document)."""
    reader = sub.reader()
    if (term.fieldname, term.text) not in reader:
        return {}
    scorer = weighting.scorer(sub, term.fieldname, term.text)
    lengths = getattr(getattr(scorer, "dfl", None), "__self__", None)
    if not isinstance(lengths, list):
        return None
    field = reader.schema[term.fieldname]
    m = reader._terms.matcher(term.fieldname, field.to_bytes(term.text), field.format)
    idf, avgfl, b, k1 = scorer.idf, scorer.avgfl, scorer.B, scorer.K1
    boost = term.boost
    out: dict[int, float] = {}
    while m.is_active():
        m._read_ids()
        m._read_weights()
        for d, w in zip(m._ids, m._weights, strict=False):
            out[offset + d] = (
                boost * idf * (w * (k1 + 1)) / (w + k1 * ((1 - b) + b * lengths[d] / avgfl))
            )
        m._next_block()
    deleted = getattr(reader, "deleted_docs_set", None)
    if deleted:
        for d in deleted:
            out.pop(offset + d, None)
    return out


class _CountingCollector(TopCollector):
    """Ranks the best `limit` passages and, in the same pass over the matches,
    counts them per article (one pass instead of counting and ranking apart)."""

    def __init__(self, limit: int, doc_article: list[str]):
        super().__init__(limit=limit, usequality=False)
        self.doc_article = doc_article
        self.counts: Counter = Counter()

    def collect(self, sub_docnum):
        self.counts[self.doc_article[self.offset + sub_docnum]] += 1
        return super().collect(sub_docnum)


class Highlighter:
    """Spans of the words a parsed query matches, in any text."""

    def __init__(
        self, terms: dict[str, set[str]], schema, phrases: list[tuple[str, tuple[str, ...]]] = ()
    ):
        self._checks = []
        for fname in ("text", "exact", "title"):
            if terms.get(fname):
                norm = schema[fname].analyzer[-1].normalize
                self._checks.append((norm, terms[fname]))
        self._phrases = [
            (schema[f].analyzer[-1].normalize, ws)
            for f, ws in phrases
            if f in ("text", "exact", "title") and ws
        ]

    def __bool__(self) -> bool:
        return bool(self._checks or self._phrases)

    def spans(self, text: str) -> list[Span]:
        """Words matched on their own, and phrases only where the whole phrase stands."""
        tokens = words(text)
        marked = [any(norm(w) in wanted for norm, wanted in self._checks) for _, _, w in tokens]
        for norm, phrase in self._phrases:
            seq = [norm(w) for _, _, w in tokens]
            k = len(phrase)
            for i in range(len(seq) - k + 1):
                if tuple(seq[i : i + k]) == phrase:
                    marked[i : i + k] = [True] * k
        return [(s, e) for (s, e, _), m in zip(tokens, marked, strict=True) if m]


class _TermTable:
    """Every word of one field, bucketed by length with a letter-set bit mask, to find
    the words within an edit distance quickly: the index's own lookup checks the
    distance of every word (several hundred ms a query on a multi-segment index)."""

    def __init__(self, words: Iterable[str]):
        self.by_len: dict[int, list[tuple[int, str]]] = {}
        for word in words:
            self.by_len.setdefault(len(word), []).append((_mask(word), word))

    @classmethod
    def of(cls, reader, fieldname: str) -> _TermTable:
        return cls(_lexicon(reader, fieldname))

    def within(self, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        # Each edit changes at most two letters of the letter set, and the length by one.
        qmask, n, head = _mask(text), len(text), text[:prefix]
        limit = 2 * maxdist
        out = []
        for length in range(max(0, n - maxdist), n + maxdist + 1):
            for m, word in self.by_len.get(length, ()):
                if (
                    (m ^ qmask).bit_count() <= limit
                    and word.startswith(head)
                    and damerau_levenshtein(word, text, limit=maxdist) <= maxdist
                ):
                    out.append(word)
        return out


def _lexicon(reader, fieldname: str) -> list[str]:
    fieldobj = reader.schema[fieldname]
    return [
        fieldobj.from_bytes(b) if isinstance(b, bytes) else b for b in reader.lexicon(fieldname)
    ]


def _mask(word: str) -> int:
    m = 0
    for ch in word:
        m |= 1 << (ord(ch) & 63)
    return m


class _ReaderView:
    """The index reader as the query layer sees it: the same, but with a fast
    `terms_within` (same result as Whoosh's: Damerau-Levenshtein distance, prefix)."""

    swap_is_one_edit = True

    def __init__(self, reader, tables: dict[str, _TermTable]):
        self._reader = reader
        self._tables = tables

    def __getattr__(self, name):
        return getattr(self._reader, name)

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        table = self._tables.get(fieldname)
        if table is None:
            table = self._tables[fieldname] = _TermTable.of(self._reader, fieldname)
        return iter(table.within(text, maxdist, prefix))


def _locked(method):
    """Whoosh readers share open files: one thread at a time per engine."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class SearchEngine:
    """An open index and its searcher. Safe to share between threads: calls take turns."""

    def __init__(self, settings: Settings):
        self._lock = threading.RLock()
        self.fast_path = True  # score plain term queries from postings (tests compare both)
        self.settings = settings
        self.schema = make_schema(settings)
        self.reader_q = QueryReader(self.schema)
        self._ix = open_index(settings)
        self._searcher = self._ix.searcher(weighting=FastBM25F())
        self._doc_article: list[str] | None = None
        self._term_tables: dict[str, _TermTable] = {}
        self.infos: dict[str, ArticleInfo] = {}
        self._load_manifest()

    def _load_manifest(self) -> None:
        manifest = Manifest.load(self.settings.index_dir)
        self.infos = {i.id: i for i in manifest.infos()} if manifest else {}
        self.duplicate_groups: list[list[str]] = manifest.duplicates if manifest else []
        self.also_in: dict[str, list[str]] = manifest.also_in() if manifest else {}

    @_locked
    def refresh(self) -> bool:
        """Pick up a newer index written by another process. True if it changed."""
        if self._searcher.up_to_date():
            return False
        self._searcher = self._searcher.refresh()
        self._searcher.weighting = FastBM25F()
        self._doc_article = None
        self._term_tables = {}
        self._load_manifest()
        return True

    def close(self) -> None:
        self._searcher.close()

    @_locked
    def warm(self) -> None:
        """Load what the first queries would otherwise load: the article of every
        passage, the field lengths, and the word table for fuzzy terms. Faces call this
        in the background right after opening. Each step holds the engine briefly, so
        a search typed meanwhile waits for one step, not for all of them."""
        with self._lock:
            self._articles_of_docs()
        self.search("warm", limit=1)
        with self._lock:
            words = _lexicon(self._searcher.reader(), "exact")
        table = _TermTable(words)  # the slow part, done without holding the engine
        with self._lock:
            self._term_tables.setdefault("exact", table)

    @property
    def passage_count(self) -> int:
        return self._searcher.doc_count()

    @_locked
    def parse(self, text: str, tags: TagLookup | None = None) -> ParsedQuery:
        reader = _ReaderView(self._searcher.reader(), self._term_tables)
        return self.reader_q.parse(text, reader, tags)

    @_locked
    def highlighter(self, parsed: ParsedQuery) -> Highlighter:
        return Highlighter(
            query_terms(parsed.query, self._searcher.reader()),
            self.schema,
            query_phrases(parsed.query),
        )

    def _articles_of_docs(self) -> list[str]:
        """Article id of every document number, read once per searcher from the
        `article` column. Iterated per segment: a multi-segment column reader has no
        usable len() in Whoosh 2.7.5."""
        if self._doc_article is None:
            reader = self._searcher.reader()
            ids: dict[str, str] = {}
            out: list[str] = []
            for sub, _offset in reader.leaf_readers():
                if not sub.doc_count_all():  # an empty index has no columns
                    continue
                col = sub.column_reader("article")
                out.extend(ids.setdefault(a, a) for a in col)
            self._doc_article = out
        return self._doc_article

    @_locked
    def search(
        self,
        text: str,
        limit: int = 20,
        tags: TagLookup | None = None,
        max_articles: int = 200,
    ) -> SearchResult:
        """Hits for `text`: every match counted per article, the best `limit` passages
        ranked with highlight spans, articles in order of their best passage (then by
        hit count, at most `max_articles`). Never raises for a bad query: the result
        carries a message and the lenient reading that was searched."""
        parsed = self.parse(text, tags)
        result = SearchResult(query=text, message=parsed.message, reading=parsed.reading)
        q = parsed.query
        if isinstance(q, type(wq.NullQuery)):
            result.suggestions = self.suggest(text)
            return result
        s = self._searcher
        doc_article = self._articles_of_docs()
        wanted = limit
        if self.also_in:  # copies of one article are listed once: rank a few more
            limit += min(limit, 20)
        ranked = self._flat_search(q, limit, doc_article) if self.fast_path else None
        if ranked is None:
            collector = _CountingCollector(limit, doc_article)
            s.search_with_collector(q, collector)
            ranked = ([(hit.docnum, hit.score) for hit in collector.results()], collector.counts)
        top, counts = ranked
        result.total = sum(counts.values())
        result.total_articles = len(counts)
        if not result.total:
            result.suggestions = self.suggest(text)
            return result
        highlight = self.highlighter(parsed)
        order: dict[str, ArticleHits] = {}
        for docnum, score in top:
            stored = s.stored_fields(docnum)
            aid = stored["article"]
            ptext = stored.get("text", "")
            pid = stored["pid"]
            ph = PassageHit(
                pid,
                aid,
                int(pid.rsplit("#", 1)[1]),
                ptext,
                float(score),
                highlight.spans(ptext),
            )
            result.passages.append(ph)
            ah = order.get(aid)
            if ah is None:
                ah = order[aid] = self._article_hits(aid, counts.get(aid, 0))
            ah.passages.append(ph)
        room = max(0, max_articles - len(order))
        rest = heapq.nsmallest(
            room, (a for a in counts if a not in order), key=lambda a: (-counts[a], a)
        )
        result.articles = list(order.values()) + [self._article_hits(a, counts[a]) for a in rest]
        if self.also_in:
            self._list_copies_once(result, counts)
            del result.passages[wanted:]
            kept = {id(p) for p in result.passages}
            for ah in result.articles:
                ah.passages = [p for p in ah.passages if id(p) in kept]
        return result

    def _list_copies_once(self, result: SearchResult, counts: Counter) -> None:
        """Articles with the same body appear once, at the best-ranked copy, which
        names the others in `also_in`; their passages are left out."""
        also_in = self.also_in
        shown: set[str] = set()
        kept: list[ArticleHits] = []
        for ah in result.articles:
            if ah.id in shown:
                continue
            copies = also_in.get(ah.id, [])
            ah.also_in = list(copies)
            shown.add(ah.id)
            shown.update(copies)
            kept.append(ah)
        result.articles = kept
        listed = {ah.id for ah in kept}
        result.passages = [p for p in result.passages if p.article_id in listed]
        # Each group of copies counts once: the copies beyond the first that matched.
        extra = 0
        for group in self.duplicate_groups:
            present = sum(1 for a in group if a in counts)
            extra += max(0, present - 1)
        result.total_articles = len(counts) - extra

    def _flat_search(self, q: wq.Query, limit: int, doc_article: list[str]):
        """Ranking and counts for one term or a plain OR of terms, straight from the
        postings; None when the query has another shape (phrases, AND, NOT, nesting)."""
        terms = _flat_terms(q)
        if terms is None:
            return None
        s = self._searcher
        subs = s.subsearchers or [(s, 0)]
        total: dict[int, float] = {}
        for sub, offset in subs:
            for term in terms:
                scores = _term_scores(sub, offset, term, s.weighting)
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

    @_locked
    def matching_pids(
        self, text: str, tags: TagLookup | None = None, article_id: str | None = None
    ) -> set[str]:
        """Ids of every passage the query matches (unranked), optionally in one article."""
        parsed = self.parse(text, tags)
        if isinstance(parsed.query, type(wq.NullQuery)):
            return set()
        q = parsed.query
        if article_id is not None:
            q = wq.And([q, wq.Term("article", article_id)])
        s = self._searcher
        return {s.stored_fields(d)["pid"] for d in q.docs(s)}

    def _article_hits(self, aid: str, count: int) -> ArticleHits:
        info = self.infos.get(aid)
        if info is None:
            return ArticleHits(aid, aid, None, None, count)
        return ArticleHits(aid, info.title, info.source, info.date, count)

    @_locked
    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Near spellings from the index for the words of a query that the corpus does
        not have: closest first, then the most frequent."""
        reader = self._searcher.reader()
        normalize = self.schema["exact"].analyzer[-1].normalize
        table = self._term_tables.get("exact")
        if table is None:
            table = self._term_tables["exact"] = _TermTable.of(reader, "exact")
        out: list[str] = []
        for word in plain_words(text):
            known = normalize(word)
            if ("exact", known) in reader:
                continue  # spelled as the corpus spells it: nothing to suggest
            near = table.within(known, 1) or table.within(known, 2)
            near.sort(
                key=lambda w: (
                    damerau_levenshtein(w, known, limit=2),
                    -reader.doc_frequency("exact", w),
                    w,
                )
            )
            out += [w for w in near[:3] if w not in out]
        return out[:limit]


def snippet(text: str, spans: list[Span], width: int = 240) -> tuple[str, list[Span], bool, bool]:
    """A window of about `width` characters around the first hit: (text, spans shifted
    into it, cut at start, cut at end)."""
    if len(text) <= width:
        return text, list(spans), False, False
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space > start - 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > end - 30 else end
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return text[start:end], inside, start > 0, end < len(text)
