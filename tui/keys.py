"""Where the key bindings live, for the help screen and for checking config.yaml."""

from __future__ import annotations

from textual.binding import Binding


def all_bindings() -> list[tuple[str, list[Binding]]]:
    from .app import DossierApp
    from .screens.compare import CompareScreen
    from .screens.reader import ReaderScreen
    from .screens.search import SearchScreen
    from .widgets.article_view import ArticleView
    from .widgets.virtual_list import VirtualList

    def of(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]

    return [
        ("Everywhere", of(DossierApp)),
        ("Search and results", of(SearchScreen)),
        ("Articles list", of(VirtualList)),
        ("Reader", of(ReaderScreen) + of(ArticleView)),
        ("Compare (also every reader key)", of(CompareScreen)),
    ]


def binding_ids() -> set[str]:
    return {b.id for _, bs in all_bindings() for b in bs if b.id}
