"""Articles by id for the tag store (an ArticleSource): through a Library (its cache, its
index manifest) and, for ids the manifest does not know yet, by reading the corpus; and
one article as the index last saw it, without opening the index (`dossier tag`)."""

from __future__ import annotations

import os
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


def indexed_article(settings: Settings, ref: str) -> Article | None:
    """The article `ref` (an id or a unique prefix of one) names, read from its file as
    the last index update saw it (cleaned with the manifest's repeated lines, as
    Library.article does), without opening the index or importing the engine. None when
    the manifest cannot say for sure: no complete manifest, not exactly one article
    matching, or its file changed since (then the caller updates the index and asks a
    Library, which also words the errors)."""
    from .corpus import SourceFile, Unreadable, read_article
    from .manifest import Manifest
    from .metadata import load_sidecar

    manifest = Manifest.load(settings.index_dir)
    if manifest is None:
        return None
    known = manifest.articles
    if ref in known:
        aid = ref
    else:
        matches = [i for i in known if i.startswith(ref)]
        if len(matches) != 1:
            return None
        aid = matches[0]
    entry = known[aid]
    try:
        st = os.stat(entry["path"])
    except OSError:
        return None
    if (st.st_size, st.st_mtime_ns) != (entry["size"], entry["mtime_ns"]):
        return None
    src = SourceFile(aid, entry["path"], st.st_size, st.st_mtime_ns)
    try:
        article = read_article(src, settings, load_sidecar(settings.corpus)[0], manifest.repeated)
    except Unreadable:
        return None
    return article if article.content_hash == entry["hash"] else None
