"""Where the key bindings live, for the help screen and for checking config.yaml."""

from __future__ import annotations

from textual.binding import Binding

from index.config import Settings
from index.errors import ConfigError


def all_bindings() -> list[tuple[str, list[Binding]]]:
    """(section, bindings) as the help screen lists them."""
    return [(section, bindings) for section, bindings, _ in _sections()]


def _sections() -> list[tuple[str, list[Binding], bool]]:
    """(section, bindings, whether topic keys are live there too)."""
    from .app import DossierApp
    from .screens.compare import CompareScreen
    from .screens.reader import ReaderScreen
    from .screens.search import ResultsList, SearchScreen
    from .screens.tags import TagsScreen
    from .tagging import TAG_BINDINGS
    from .widgets.article_view import ArticleView
    from .widgets.virtual_list import VirtualList

    def of(cls) -> list[Binding]:
        return [b for b in cls.BINDINGS if isinstance(b, Binding) and b not in TAG_BINDINGS]

    return [
        ("Everywhere", of(DossierApp), True),
        ("Search and results", of(SearchScreen) + of(ResultsList), False),
        ("Articles list", of(VirtualList), False),
        ("Reader", of(ReaderScreen) + of(ArticleView), True),
        ("Tagging (reader and compare; topic keys from config.yaml)", TAG_BINDINGS, True),
        ("Compare (also every reader key)", of(CompareScreen), True),
        ("Tags screen", of(TagsScreen), False),
    ]


def check_keys(settings: Settings) -> None:
    """Topic keys must not shadow the keys of the reader and compare views, and `keys:`
    may only rebind binding ids that exist. Raises ConfigError."""
    taken: dict[str, str] = {}
    ids: set[str] = set()
    for _, bindings, with_topics in _sections():
        ids |= {b.id for b in bindings if b.id}
        if not with_topics:
            continue
        for b in bindings:
            keys = settings.keys.get(b.id, b.key) if b.id else b.key
            for key in keys.split(","):
                taken.setdefault(key.strip(), b.id or b.description)
    for i, topic in enumerate(settings.topics):
        if topic.key in taken:
            raise ConfigError(
                str(settings.path),
                f"'{topic.key}' is already the key for '{taken[topic.key]}'; "
                "pick another (digits are free)",
                key=f"topics.{i}.key",
            )
    for binding_id in settings.keys:
        if binding_id not in ids:
            raise ConfigError(
                str(settings.path),
                "no such binding id (the help screen, ?, lists them)",
                key=f"keys.{binding_id}",
            )
