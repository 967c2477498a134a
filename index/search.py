"""Search: a query in, hits grouped by article with highlight spans out."""

from __future__ import annotations

from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.support.levenshtein import damerau_levenshtein

from .config import Settings
from .engine import Manifest, make_schema, open_index
from .model import ArticleInfo
from .query import ParsedQuery, QueryReader, TagLookup, plain_words, query_terms
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


@dataclass(slots=True)
class SearchResult:
    query: str
    total: int = 0  # passages that match
    articles: list[ArticleHits] = field(default_factory=list)
    passages: list[PassageHit] = field(default_factory=list)  # best first
    message: str | None = None  # what was wrong with the query, if anything
    reading: str = ""  # what was searched
    suggestions: list[str] = field(default_factory=list)

    @property
    def total_articles(self) -> int:
        return len(self.articles)


class Highlighter:
    """Spans of the words a parsed query matches, in any text."""

    def __init__(self, terms: dict[str, set[str]], schema):
        self._checks = []
        for fname in ("text", "exact", "title"):
            if terms.get(fname):
                norm = schema[fname].analyzer[-1].normalize
                self._checks.append((norm, terms[fname]))

    def __bool__(self) -> bool:
        return bool(self._checks)

    def spans(self, text: str) -> list[Span]:
        out = []
        for start, end, word in words(text):
            if any(norm(word) in wanted for norm, wanted in self._checks):
                out.append((start, end))
        return out


class _TermTable:
    """Every word of one field, bucketed by length with a letter-set bit mask, to find
    the words within an edit distance quickly: the index's own lookup checks the
    distance of every word (several hundred ms a query on a multi-segment index)."""

    def __init__(self, reader, fieldname: str):
        fieldobj = reader.schema[fieldname]
        self.by_len: dict[int, list[tuple[int, str]]] = {}
        for b in reader.lexicon(fieldname):
            word = fieldobj.from_bytes(b) if isinstance(b, bytes) else b
            self.by_len.setdefault(len(word), []).append((_mask(word), word))

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


def _mask(word: str) -> int:
    m = 0
    for ch in word:
        m |= 1 << (ord(ch) & 63)
    return m


class _ReaderView:
    """The index reader as the query layer sees it: the same, but with a fast
    `terms_within` (same result as Whoosh's: Damerau-Levenshtein distance, prefix)."""

    def __init__(self, reader, tables: dict[str, _TermTable]):
        self._reader = reader
        self._tables = tables

    def __getattr__(self, name):
        return getattr(self._reader, name)

    def terms_within(self, fieldname, text, maxdist, prefix=0):
        table = self._tables.get(fieldname)
        if table is None:
            table = self._tables[fieldname] = _TermTable(self._reader, fieldname)
        return iter(table.within(text, maxdist, prefix))


class SearchEngine:
    """An open index and its searcher. Not for use by two threads at once."""

    def __init__(self, settings: Settings):
        self.settings = settings
        self.schema = make_schema(settings)
        self.reader_q = QueryReader(self.schema)
        self._ix = open_index(settings)
        self._searcher = self._ix.searcher()
        self._doc_article: list[str] | None = None
        self._term_tables: dict[str, _TermTable] = {}
        self.infos: dict[str, ArticleInfo] = {}
        self._load_manifest()

    def _load_manifest(self) -> None:
        manifest = Manifest.load(self.settings.index_dir)
        self.infos = {i.id: i for i in manifest.infos()} if manifest else {}

    def refresh(self) -> bool:
        """Pick up a newer index written by another process. True if it changed."""
        if self._searcher.up_to_date():
            return False
        self._searcher = self._searcher.refresh()
        self._doc_article = None
        self._term_tables = {}
        self._load_manifest()
        return True

    def close(self) -> None:
        self._searcher.close()

    @property
    def passage_count(self) -> int:
        return self._searcher.doc_count()

    def parse(self, text: str, tags: TagLookup | None = None) -> ParsedQuery:
        reader = _ReaderView(self._searcher.reader(), self._term_tables)
        return self.reader_q.parse(text, reader, tags)

    def highlighter(self, parsed: ParsedQuery) -> Highlighter:
        return Highlighter(query_terms(parsed.query, self._searcher.reader()), self.schema)

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

    def search(
        self, text: str, limit: int = 20, tags: TagLookup | None = None, ranked: int = 200
    ) -> SearchResult:
        """Hits for `text`. Never raises for a bad query: the result carries a message
        and the lenient reading that was searched."""
        parsed = self.parse(text, tags)
        result = SearchResult(query=text, message=parsed.message, reading=parsed.reading)
        q = parsed.query
        if q is wq.NullQuery or isinstance(q, type(wq.NullQuery)):
            result.suggestions = self.suggest(text)
            return result
        s = self._searcher
        doc_article = self._articles_of_docs()
        counts: dict[str, int] = {}
        total = 0
        for docnum in q.docs(s):
            total += 1
            aid = doc_article[docnum]
            counts[aid] = counts.get(aid, 0) + 1
        result.total = total
        if not total:
            result.suggestions = self.suggest(text)
            return result
        # optimize=False: Whoosh's block-quality skipping costs more than it saves here
        # (measured 20-50% slower on phrase, AND and prefix queries over 105k passages).
        hits = s.search(q, limit=max(limit, ranked), optimize=False)
        highlight = self.highlighter(parsed)
        order: dict[str, ArticleHits] = {}
        for rank, hit in enumerate(hits):
            stored = hit.fields()
            aid = stored["article"]
            ptext = stored.get("text", "")
            ph = PassageHit(
                stored["pid"],
                aid,
                int(stored["pid"].rsplit("#", 1)[1]),
                ptext,
                float(hit.score),
                highlight.spans(ptext) if rank < limit else [],
            )
            if rank < limit:
                result.passages.append(ph)
            ah = order.get(aid)
            if ah is None:
                ah = order[aid] = self._article_hits(aid, counts.get(aid, 0))
            ah.passages.append(ph)
        rest = sorted((a for a in counts if a not in order), key=lambda a: (-counts[a], a))
        result.articles = list(order.values()) + [self._article_hits(a, counts[a]) for a in rest]
        return result

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

    def highlight_passages(self, result_passages: list[PassageHit], highlight: Highlighter) -> None:
        for ph in result_passages:
            if not ph.spans:
                ph.spans = highlight.spans(ph.text)

    def _article_hits(self, aid: str, count: int) -> ArticleHits:
        info = self.infos.get(aid)
        if info is None:
            return ArticleHits(aid, aid, None, None, count)
        return ArticleHits(aid, info.title, info.source, info.date, count)

    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Near spellings from the index for the words of a query."""
        reader = self._searcher.reader()
        corrector = reader.corrector("exact")
        out: list[str] = []
        for word in plain_words(text):
            for s in corrector.suggest(word.lower(), limit=3, maxdist=2, prefix=1):
                if s != word.lower() and s not in out:
                    out.append(s)
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
