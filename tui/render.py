"""Library data to Textual Content. Article text is untrusted: it is never parsed as
markup, and control characters (C0, C1, DEL, and the bidi controls that could reorder
text on screen) are made visible before it reaches the terminal, one character for one,
so offsets into the text stay exact."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from textual.color import Color, ColorParseError
from textual.content import Content

from index.model import date_label, outlet_label
from index.text import BIDI_SYMBOL as BIDI_SYMBOL  # what bidi controls are shown as
from index.text import safe_for_terminal

from .wrap import wrap

TITLE_MAX = 300  # characters of a title shown (a title can be any length in a file)


def safe(text: str) -> str:
    """Text made harmless for the terminal, of the same length."""
    return safe_for_terminal(text)


def cap(text: str, limit: int = TITLE_MAX) -> str:
    """At most `limit` characters, on one line; an ellipsis says the rest was cut."""
    text = " ".join(text[: limit * 2].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


@lru_cache(maxsize=256)
def rich_colour(colour: str) -> str:
    """A topic colour (any colour Textual reads: CSS names such as teal too) as #rrggbb,
    which Rich styles (the margin marks, table cells) read; Rich alone knows no 'teal'."""
    try:
        return Color.parse(colour).hex6
    except ColorParseError:
        return "default"


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def plain(text: str, style: str = "") -> Content:
    content = Content(safe(text))
    return content.stylize(style) if style else content


def highlighted(text: str, spans: Iterable[tuple[int, int]], style: str = "reverse") -> Content:
    content = Content(safe(text))
    for s, e in spans:
        content = content.stylize(style, s, e)
    return content


def indented(
    text: str,
    width: int,
    indent: int,
    spans: Iterable[tuple[int, int]] = (),
    style: str = "bold reverse",
) -> Content:
    """`text` wrapped to `width` cells, every line `indent` spaces in (a block under its
    heading, not a run back to the left edge), with `spans` (offsets into text) styled."""
    spans = list(spans)
    parts: list[Content] = []
    for i, (start, end) in enumerate(_wrapped(text, width, indent)):
        inside = [
            (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
        ]
        if i:
            parts.append(Content("\n"))
        parts += [Content(" " * indent), highlighted(text[start:end].rstrip(), inside, style)]
    return join(*parts)


def indented_height(text: str, width: int, indent: int) -> int:
    """Lines `indented(text, width, indent)` takes, without drawing it."""
    return len(_wrapped(text, width, indent))


def _wrapped(text: str, width: int, indent: int) -> list[tuple[int, int]]:
    return wrap(text, max(10, width - indent))


def join(*parts: Content | str) -> Content:
    return Content.assemble(*[p if isinstance(p, Content) else Content(p) for p in parts])


def meta_line(source: str | None, date: str | None) -> str:
    return f"{cap(outlet_label(source), 60)} · {date_label(date)}"


def source_file(article, settings) -> str:
    """The article's file, relative to the folder that holds the corpus."""
    try:
        return str(Path(article.path).relative_to(settings.corpus.parent))
    except ValueError:
        return article.path
