"""Where the key bindings live, for the help screen and for checking config.yaml."""

from __future__ import annotations

from textual.binding import Binding


def all_bindings() -> list[tuple[str, list[Binding]]]:
    from .app import DossierApp
    from .screens.compare import CompareScreen
    from .screens.reader import ReaderScreen
    from .screens.search import ResultsList, SearchScreen
    from .screens.tags import TagsScreen
    from .tagging import TAG_BINDINGS
    from .widgets.article_view import ArticleView
    from .widgets.virtual_list import VirtualList

    def of(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding)]

    return [
        ("Everywhere", of(DossierApp)),
        ("Search and results", of(SearchScreen) + of(ResultsList)),
        ("Articles list", of(VirtualList)),
        ("Reader", [b for b in of(ReaderScreen) if b not in TAG_BINDINGS] + of(ArticleView)),
        ("Tagging (reader and compare; topic keys from config.yaml)", TAG_BINDINGS),
        (
            "Compare (also every reader key)",
            [b for b in of(CompareScreen) if b not in TAG_BINDINGS],
        ),
        ("Tags screen", of(TagsScreen)),
    ]


def binding_ids() -> set[str]:
    return {b.id for _, bs in all_bindings() for b in bs if b.id}
