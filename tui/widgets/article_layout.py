"""An article wrapped for the screen: lines with offsets into the canonical text, and
where each passage starts and ends. Pure data, so a worker can make it."""

from __future__ import annotations

from dataclasses import dataclass

from index.model import Article

from ..wrap import wrap

GUTTER = 9  # "  12 ■■■ "
MAX_TEXT_WIDTH = 78


@dataclass(frozen=True, slots=True)
class Line:
    n: int  # passage number, 0 for a removed stretch, -1 for a blank line
    start: int  # offsets into the article's canonical text
    end: int
    first: bool = False
    label: str = ""


@dataclass(frozen=True, slots=True)
class Layout:
    """An article wrapped at one width: its lines and where each passage starts and ends."""

    width: int
    lines: list[Line]
    first_line: dict[int, int]
    last_line: dict[int, int]


def text_width(view_width: int) -> int:
    """The text column of a view `view_width` cells wide."""
    return max(10, min(MAX_TEXT_WIDTH, view_width - GUTTER - 1))


def removed_label(reason: str) -> str:
    """What opens the first line of a removed stretch: its reason."""
    return f"‹{reason}› "


def layout(article: Article, width: int, show_removed: bool = False) -> Layout:
    """Wrap the article's passages (and removed stretches, when shown). Seconds for a
    20 MB article: the reader calls this in a worker before the view opens."""
    items: list[tuple[int, int, int, str]] = [(p.start, p.end, p.n, "") for p in article.passages]
    if show_removed:
        items += [(r.start, r.end, 0, r.reason) for r in article.removed]
        items.sort()
    lines: list[Line] = []
    first: dict[int, int] = {}
    last: dict[int, int] = {}
    for start, end, n, label in items:
        if lines:
            lines.append(Line(-1, 0, 0))
        if n:
            first[n] = len(lines)
        # a removed stretch's first line opens with its reason (‹boilerplate› ): wrapped
        # with a word of that length in front, so that the line still fits
        lead = len(removed_label(label)) if not n else 0
        text = ("‹" * (lead - 1) + " " if lead else "") + article.text[start:end]
        for i, (s, e) in enumerate(wrap(text, width)):
            s, e = max(0, s - lead), max(0, e - lead)
            lines.append(Line(n, start + s, start + e, i == 0, label))
        if n:
            last[n] = len(lines) - 1
    return Layout(width, lines, first, last)
