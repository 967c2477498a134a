"""Articles by id for the tag store (an ArticleSource): through a Library (its cache, its
index manifest) and, for ids the manifest does not know yet, by reading the corpus."""

from __future__ import annotations

from typing import Any

from .config import Settings
from .errors import NotFound
from .model import Article


class LibraryArticles:
    def __init__(self, settings: Settings, library=None):
        self.settings = settings
        self._library = library
        self._paths: dict[str, Any] | None = None

    @property
    def library(self):
        if self._library is None:
            from .library import Library

            self._library = Library(self.settings)
        return self._library

    def __call__(self, article_id: str) -> Article | None:
        lib = self.library
        if article_id in lib.infos:
            try:
                return lib.article(article_id)
            except NotFound:
                return None
        from .corpus import Unreadable, read_article, scan
        from .metadata import load_sidecar

        if self._paths is None:
            self._paths = {f.id: f for f in scan(self.settings.corpus).files}
        src = self._paths.get(article_id)
        if src is None:
            return None
        try:
            return read_article(src, self.settings, load_sidecar(self.settings.corpus)[0])
        except Unreadable:
            return None

    def forget(self) -> None:
        self._paths = None
