"""Messages that workers post; handlers on the app change state."""

from __future__ import annotations

from textual.message import Message

from index.search import SearchResult


class SearchDone(Message):
    def __init__(self, seq: int, result: SearchResult | None, error: str | None = None) -> None:
        super().__init__()
        self.seq, self.result, self.error = seq, result, error


class IndexProgress(Message):
    def __init__(self, done: int, total: int, label: str) -> None:
        super().__init__()
        self.done, self.total, self.label = done, total, label


class IndexFinished(Message):
    def __init__(
        self, summary: str | None, changed: bool, error: str | None = None, warnings: int = 0
    ) -> None:
        super().__init__()
        self.summary, self.changed, self.error, self.warnings = summary, changed, error, warnings
