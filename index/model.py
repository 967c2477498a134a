"""Plain data the library hands to its faces. Offsets are code points into the
article's canonical text, end exclusive."""

from __future__ import annotations

from dataclasses import dataclass, field

UNKNOWN_OUTLET = "unknown outlet"  # how every face names an article without a source
UNDATED = "undated"


def outlet_label(source: str | None) -> str:
    return source or UNKNOWN_OUTLET


def date_label(date: str | None) -> str:
    return date or UNDATED


@dataclass(frozen=True, slots=True)
class Passage:
    article_id: str
    n: int  # 1-based, in reading order
    start: int
    end: int
    text: str

    @property
    def pid(self) -> str:
        return f"{self.article_id}#{self.n}"


@dataclass(frozen=True, slots=True)
class Removed:
    """A stretch of the canonical text that cleaning kept out of reading and indexing."""

    start: int
    end: int
    reason: str


@dataclass(slots=True)
class Article:
    id: str
    path: str  # absolute path of the source file
    text: str  # canonical text: decoded, BOM stripped, LF, NFC
    title: str
    source: str | None = None  # outlet
    date: str | None = None  # ISO date (YYYY-MM-DD) when known
    url: str | None = None
    meta: dict = field(default_factory=dict)
    passages: list[Passage] = field(default_factory=list)
    removed: list[Removed] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    content_hash: str = ""
    title_only: bool = False  # no body: passage 1 is the title where the file gives it

    def passage(self, n: int) -> Passage:
        return self.passages[n - 1]


@dataclass(frozen=True, slots=True)
class ArticleInfo:
    """What lists need to know about an article without reading it."""

    id: str
    title: str
    source: str | None
    date: str | None
    passages: int
    path: str = ""
