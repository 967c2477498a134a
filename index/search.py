"""Search: a query in, hits grouped by article with highlight spans out (marked by
index/highlight.py), the articles found by their headline only after them
(index/headlines.py). Nearly all of it is `SearchEngine`, whose methods share one open
searcher under one lock."""

from __future__ import annotations

import contextlib
import functools
import itertools
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import NoReturn

from . import querymodel as qm
from .config import Settings
from .engine import ArticleCounts, Searcher
from .errors import IndexUnavailable, QueryError, StopAsked
from .headlines import HeadlineIndex
from .highlight import Highlighter, Span
from .indexfiles import is_decoding_error, mark_damaged, verify
from .manifest import Manifest
from .model import ArticleInfo
from .query import ParsedQuery, QueryReader, TagLookup, plain_words, query_phrases, query_terms

HEADLINES_LISTED = 50  # headline-only articles listed after a search
SUGGEST_WORDS = 8  # words of a query looked up for near spellings


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
    complete: bool = True  # False: very common words were read only up to the search's cap
    cap: int | None = None  # that cap
    # (articles indexed, of ~N articles) when a first build is still running
    partial: tuple[int, int] | None = None
    # articles whose headline matches and none of whose passages do (newest first)
    headline_only: list[ArticleHits] = field(default_factory=list)


def _identity(folder) -> tuple[int, int] | None:
    try:
        st = os.stat(folder)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _locked(method):
    """Whoosh readers share open files: one thread at a time per engine."""

    @functools.wraps(method)
    def wrapper(self, *args, **kwargs):
        with self._lock:
            return method(self, *args, **kwargs)

    return wrapper


class SearchEngine:
    """An open index and its searcher. Safe to share between threads: calls take turns.

    Searching never writes: it reads the index as last committed, whatever a writer in
    another process is doing. Files a rebuild swapped away are reopened once; an index
    whose files fail to read is checked against the manifest, and if damaged is marked
    for rebuilding and reported as IndexUnavailable."""

    def __init__(self, settings: Settings):
        self._lock = threading.RLock()
        self.fast_path = True  # score plain term queries from postings (tests compare both)
        self.settings = settings
        self._parsed: dict[tuple[str, bool], ParsedQuery] = {}
        self._open()

    def _open(self) -> None:
        try:
            self._engine = Searcher(self.settings)
        except IndexUnavailable:
            if why := verify(self.settings.index_dir):  # damage that fails the opening
                self._report_damage(why)
            raise
        self._folder = _identity(self.settings.index_dir)
        self.reader_q = QueryReader(self._engine.analysis)
        self._parsed = {}
        self.infos: dict[str, ArticleInfo] = {}
        self._load_manifest()

    def _load_manifest(self) -> None:
        index_dir = self.settings.index_dir
        manifest = Manifest.load(index_dir) or Manifest.load_partial(index_dir)
        # (articles indexed, of ~N) while a first build runs: results are of that part
        self.partial = manifest.partial if manifest else None
        self.infos = {i.id: i for i in manifest.infos()} if manifest else {}
        self.duplicate_groups: list[list[str]] = manifest.duplicates if manifest else []
        self.also_in: dict[str, list[str]] = manifest.also_in() if manifest else {}
        self._headlines: HeadlineIndex | None = None  # read on the first search
        self._reading = manifest.fingerprint if manifest else ""  # how words were normalised

    @_locked
    def refresh(self) -> bool:
        """Pick up a newer index written by another process. True if it changed."""
        try:
            if _identity(self.settings.index_dir) != self._folder:
                raise FileNotFoundError  # a rebuild swapped the folder in
            if not self._engine.refresh():
                return False
        except Exception:  # open the index afresh
            self._engine.close()
            self._open()
            return True
        self._parsed = {}
        self._load_manifest()
        return True

    def close(self) -> None:
        self._engine.close()

    def warm(self, stopped: Callable[[], bool] = lambda: False) -> None:
        """Load what the first queries would otherwise load: the article of every
        passage, each segment's field lengths and where its stored passages are, the
        word table for fuzzy terms and suggestions.
        Each step holds the engine briefly, so a search typed meanwhile waits for one
        step, not for all of them; the word table is built once, outside the lock.
        `stopped` is asked between steps and between segments while a word table is
        read (the reader quitting: at 100k articles warming takes 10-20 s): once it
        says yes, StopAsked is raised."""

        def step() -> None:
            if stopped():
                raise StopAsked

        step()
        with self._lock:
            self._engine.articles_of_docs()
        step()
        with self._lock:
            self._engine.open_segments()
        for name in ("exact", "text"):  # (text: its words' counts, for ORs of them)
            step()
            with self._lock:
                build = self._engine.unbuilt_table(name)
                engine, built_for = self._engine, self._engine.generation
            if build is not None:
                table = build(stopped)  # the slow part, done without holding the engine
                with self._lock:
                    if self._engine is engine:  # (else the index was opened afresh)
                        self._engine.keep_table(name, table, built_for)
        step()
        if self._headlines is None:  # read outside the lock: a search typed meanwhile runs
            infos, reading = self.infos, self._reading
            table = HeadlineIndex.stored(
                self.settings.index_dir, infos.values(), self._engine.analysis, reading
            )
            with self._lock:
                if self.infos is infos and self._headlines is None:
                    self._headlines = table
        step()
        self.search("warm", limit=1)

    @property
    def passage_count(self) -> int:
        return self._engine.passage_count

    @_locked
    def parse(self, text: str, tags: TagLookup | None = None) -> ParsedQuery:
        """The query read once: kept for the next call with the same text (a search and
        the highlights of the article opened from it), except queries on tags, which
        change with the tag file."""
        key = (text, tags is not None)
        hit = self._parsed.get(key)
        if hit is not None:
            return hit
        parsed = self.reader_q.parse(text, self._engine.words, tags)
        if "tag:" not in parsed.reading:
            if len(self._parsed) >= 64:
                self._parsed.pop(next(iter(self._parsed)))
            self._parsed[key] = parsed
        return parsed

    @_locked
    def highlighter(self, parsed: ParsedQuery) -> Highlighter:
        return Highlighter(
            query_terms(parsed.query, self._engine.words),
            self._engine.word_matcher,
            self._engine.normalizer,
            query_phrases(parsed.query),
        )

    def _guarded(self, run):
        """Run a read of the index. A file a rebuild swapped away is reopened once; any
        other failure to read is checked against the manifest: damage is reported (and
        marked, so the next update rebuilds), never a raw engine error."""
        try:
            return run()
        except (QueryError, IndexUnavailable):
            raise
        except Exception:
            pass
        with contextlib.suppress(Exception):
            self._engine.close()
        self._open()  # IndexUnavailable, with its message, if there is no index now
        try:
            return run()
        except Exception as exc:
            err = exc
        damaged = verify(self.settings.index_dir)
        if damaged is None and not is_decoding_error(err):
            raise err
        self._report_damage(damaged or f"{type(err).__name__}: {err}")

    def _report_damage(self, why: str) -> NoReturn:
        """Mark the index damaged (the next update rebuilds it) and say so."""
        mark_damaged(self.settings.index_dir, why)
        raise IndexUnavailable(
            f"the index in {self.settings.index_dir} is damaged ({why}); "
            "`dossier index` rebuilds it from the corpus"
        ) from None

    @_locked
    def search(
        self,
        text: str,
        limit: int = 20,
        tags: TagLookup | None = None,
        max_articles: int = 200,
        cap: int | None = None,
    ) -> SearchResult:
        """Hits for `text`: every match counted per article, the best `limit` passages
        ranked with highlight spans, articles in order of their best passage (then by
        hit count, at most `max_articles`). With `cap` (for search as one types), a
        word in more than `cap` passages is ranked and counted among its first `cap`
        and the result says so (`complete` False). Never raises for a bad query: the
        result carries a message and the lenient reading that was searched. Raises
        IndexUnavailable (with a message) when the index is damaged."""
        return self._guarded(lambda: self._search(text, limit, tags, max_articles, cap))

    def _search(self, text: str, limit: int, tags, max_articles: int, cap) -> SearchResult:
        parsed = self.parse(text, tags)
        result = SearchResult(
            query=text,
            message=parsed.message,
            reading=parsed.reading,
            cap=cap,
            partial=self.partial,
        )
        if parsed.query is qm.NOTHING:
            result.suggestions = self.suggest(parsed.reading or text)
            return result
        wanted = limit
        if self.also_in:  # copies of one article are listed once: rank a few more
            limit += min(limit, 20)
        try:
            top, counts, result.complete = self._engine.ranked(
                parsed.query, limit, fast=self.fast_path, cap=cap
            )
        except QueryError as exc:  # a query the engine refuses only when it runs
            result.message = "; ".join(filter(None, [result.message, str(exc)]))
            return result
        result.total = sum(counts.values())
        result.total_articles = len(counts)
        result.headline_only = self._headline_only(parsed.query, counts)
        if not result.total:
            if not result.headline_only:
                result.suggestions = self.suggest(parsed.reading or text)
            return result
        order: dict[str, ArticleHits] = {}
        for docnum, score in top:
            pid, aid, ptext = self._engine.passage(docnum)
            ph = PassageHit(pid, aid, int(pid.rsplit("#", 1)[1]), ptext, float(score))
            result.passages.append(ph)
            ah = order.get(aid)
            if ah is None:
                ah = order[aid] = self._article_hits(aid, counts.get(aid, 0))
            ah.passages.append(ph)
        room = max(0, max_articles - len(order))
        rest = counts.most(room, order)
        result.articles = list(order.values()) + [self._article_hits(a, counts[a]) for a in rest]
        if self.also_in:
            self._list_copies_once(result, counts)
            del result.passages[wanted:]
            kept = {id(p) for p in result.passages}
            for ah in result.articles:
                ah.passages = [p for p in ah.passages if id(p) in kept]
        highlight = self.highlighter(parsed)  # the passages kept only (copies' went)
        for ph in result.passages:
            ph.spans = highlight.spans(ph.text)
        return result

    def _list_copies_once(self, result: SearchResult, counts: ArticleCounts) -> None:
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

    @_locked
    def matching_pids(
        self,
        text: str | ParsedQuery,
        tags: TagLookup | None = None,
        article_id: str | None = None,
    ) -> set[str]:
        """Ids of every passage the query matches (unranked), optionally in one article."""
        parsed = text if isinstance(text, ParsedQuery) else self.parse(text, tags)
        if parsed.query is qm.NOTHING:
            return set()
        return self._guarded(lambda: self._engine.matching_pids(parsed.query, article_id))

    def headlines(self) -> HeadlineIndex:
        """The headlines' word table (kept beside the index; read anew after a build)."""
        if self._headlines is None:
            self._headlines = HeadlineIndex.stored(
                self.settings.index_dir, self.infos.values(), self._engine.analysis, self._reading
            )
        return self._headlines

    def _headline_only(self, query: qm.Query, counts: ArticleCounts) -> list[ArticleHits]:
        """Articles whose headline matches and whose text does not, newest first; copies
        of one article listed once (the others named in also_in), and none that copies
        an article the text search found."""
        also_in = self.also_in
        out: list[ArticleHits] = []
        seen: set[str] = set()  # copies of the headlines listed
        for info in self.headlines().newest(query):
            copies = also_in.get(info.id, ())
            if info.id in counts or info.id in seen or any(map(counts.__contains__, copies)):
                continue
            seen.update(copies)
            out.append(self._article_hits(info.id, 0))
            out[-1].also_in = list(copies)
            if len(out) == HEADLINES_LISTED:
                break
        return out

    def _article_hits(self, aid: str, count: int) -> ArticleHits:
        info = self.infos.get(aid)
        if info is None:
            return ArticleHits(aid, aid, None, None, count)
        return ArticleHits(aid, info.title, info.source, info.date, count)

    @_locked
    def suggest(self, text: str, limit: int = 5) -> list[str]:
        """Near spellings from the index for the words of a query that the corpus does
        not have: closest first, then the most frequent (the first words only: a pasted
        page is not spell-checked word by word)."""
        words = self._engine.words
        normalize = self._engine.normalizer("exact")
        out: list[str] = []
        for word in itertools.islice(plain_words(text), SUGGEST_WORDS):
            known = normalize(word)
            if words.has("exact", known):
                continue  # spelled as the corpus spells it: nothing to suggest
            out += [w for w in words.near("exact", known, 3) if w not in out]
        return out[:limit]
