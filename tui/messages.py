"""Messages: workers post them, handlers change state. The app tells the search screen
what happened through these too (it never reaches into the screen's widgets)."""

from __future__ import annotations

from textual.message import Message

from index.model import Article
from index.search import SearchResult
from index.tags import TagStore


class SearchDone(Message):
    """A search of query number `seq` is done; `full`: it was the uncapped count."""

    def __init__(
        self, seq: int, result: SearchResult | None, error: str | None = None, full: bool = False
    ) -> None:
        super().__init__()
        self.seq, self.result, self.error, self.full = seq, result, error, full


class ResultReady(Message, bubble=False):
    """For the search screen: the newest query's result (or why there is none).
    `counting`: the result is capped and the full count of the query is running;
    `recount`: the result is that full count, replacing the capped one shown."""

    def __init__(
        self,
        result: SearchResult | None,
        error: str | None = None,
        *,
        counting: bool = False,
        recount: bool = False,
    ) -> None:
        super().__init__()
        self.result, self.error = result, error
        self.counting, self.recount = counting, recount


class SearchCleared(Message, bubble=False):
    """The query is empty (or cannot run yet: `note` says why)."""

    def __init__(self, note: str = "") -> None:
        super().__init__()
        self.note = note


class IndexProgress(Message):
    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label


class IndexPartial(Message):
    """A first build committed another part: `indexed` of `expected` articles are
    searchable."""

    def __init__(self, indexed: int, expected: int) -> None:
        super().__init__()
        self.indexed, self.expected = indexed, expected


class IndexFinished(Message):
    def __init__(
        self, summary: str | None, changed: bool, error: str | None = None, warnings: int = 0
    ) -> None:
        super().__init__()
        self.summary, self.changed, self.error, self.warnings = summary, changed, error, warnings


class IndexStatus(Message, bubble=False):
    """For the status line: what the index is doing; `progress` is (done, total, label)
    while a build runs, None when it is over."""

    def __init__(self, text: str, progress: tuple[int, int, str] | None = None) -> None:
        super().__init__()
        self.text, self.progress = text, progress


class ArticlesChanged(Message, bubble=False):
    """The list of articles (or their tag counts) changed: redraw the articles list."""


class ArticleLoaded(Message):
    def __init__(self, seq: int, article: Article | None, layout, error: str = "") -> None:
        super().__init__()
        self.seq, self.article, self.layout, self.error = seq, article, layout, error


class TagsOpened(Message):
    """The tag file has been read (in a worker at start): the store to use from now."""

    def __init__(self, store: TagStore) -> None:
        super().__init__()
        self.store = store


class TagWritten(Message):
    """A tag change done in a worker: its result (or error) for `done` on the UI thread."""

    def __init__(self, done, result: object, error: BaseException | None) -> None:
        super().__init__()
        self.done, self.result, self.error = done, result, error
