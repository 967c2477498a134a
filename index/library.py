"""One door to a corpus for the faces: settings, the index, articles by id, search."""

from __future__ import annotations

from collections import OrderedDict
from functools import cached_property

from .build import IndexReport, Progress, update_index
from .config import Settings
from .corpus import SourceFile, Unreadable, read_article
from .errors import IndexBusy, IndexUnavailable, NotFound
from .manifest import Manifest
from .metadata import load_sidecar
from .model import Article, ArticleInfo
from .search import SearchEngine


class Library:
    def __init__(self, settings: Settings):
        self.settings = settings
        self._articles: OrderedDict[str, Article] = OrderedDict()
        self._engine: SearchEngine | None = None

    def update(
        self, rebuild: bool = False, progress: Progress | None = None, wait: bool = True
    ) -> IndexReport:
        report = update_index(self.settings, rebuild=rebuild, progress=progress, wait=wait)
        self.refresh()
        return report

    def update_for_reading(
        self, progress: Progress | None = None
    ) -> tuple[IndexReport | None, str]:
        """Bring the index up to date if that can be done now, for a command that only
        reads (search, show): when another process is writing it, or its folder cannot
        be written, the index as last saved is read instead, with a note saying so
        (empty when the update ran). With no index at all, waits for the writer."""
        try:
            return self.update(progress=progress, wait=not self._has_index()), ""
        except IndexBusy as exc:
            why = f"the index is being updated by {exc.holder}"
        except IndexUnavailable as exc:
            if not self._has_index():
                raise
            why = f"the index could not be updated ({exc.message})"
        self.refresh()
        return None, f"{why}; using it as last saved"

    def _has_index(self) -> bool:
        return (self.settings.index_dir / "manifest.json").is_file()

    def refresh(self) -> None:
        """Forget what was read, so the next use sees the index and files as they are."""
        self._articles.clear()
        for name in ("infos", "_manifest", "also_in"):
            self.__dict__.pop(name, None)
        # A fresh engine: a rebuilt index is a new set of files, which an open searcher
        # cannot follow. A search still running keeps the old one until it ends.
        self._engine = None

    @property
    def engine(self) -> SearchEngine:
        if self._engine is None:
            self._engine = SearchEngine(self.settings)
        return self._engine

    @cached_property
    def _manifest(self) -> Manifest:
        index_dir = self.settings.index_dir
        return Manifest.load(index_dir) or Manifest.load_partial(index_dir) or Manifest("")

    @cached_property
    def infos(self) -> dict[str, ArticleInfo]:
        return {i.id: i for i in self._manifest.infos()}

    @cached_property
    def also_in(self) -> dict[str, list[str]]:
        """Article id -> the ids of the other articles with the same (or nearly the
        same) body."""
        return self._manifest.also_in()

    def resolve(self, ref: str) -> str:
        """An article id from an id, a passage id (ID#N) or an unambiguous id prefix."""
        ref = ref.split("#", 1)[0]
        if ref in self.infos:
            return ref
        matches = [i for i in self.infos if i.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise NotFound(f"'{ref}' names {len(matches)} articles: {', '.join(matches[:5])}")
        raise NotFound(f"no article '{ref}' in {self.settings.corpus}")

    def article(self, ref: str) -> Article:
        """The cleaned article, read from its file (a few are kept in memory)."""
        aid = self.resolve(ref)
        hit = self._articles.get(aid)
        if hit is not None:
            self._articles.move_to_end(aid)
            return hit
        info = self.infos[aid]
        sidecar, _ = load_sidecar(self.settings.corpus)
        try:
            article = read_article(
                SourceFile(aid, info.path, 0, 0), self.settings, sidecar, self._manifest.repeated
            )
        except Unreadable as exc:
            raise NotFound(str(exc)) from None
        self._articles[aid] = article
        if len(self._articles) > 64:
            self._articles.popitem(last=False)
        return article

    def hits_in(self, article: Article, query: str, tags=None) -> dict[int, list[tuple[int, int]]]:
        """Passage n -> spans of the query's words, for the passages the query matches."""
        if not query.strip():
            return {}
        engine = self.engine
        parsed = engine.parse(query, tags)
        pids = engine.matching_pids(parsed, article_id=article.id)
        if not pids:
            return {}
        light = engine.highlighter(parsed)
        return {p.n: light.spans(p.text) for p in article.passages if p.pid in pids}
