"""Library data to Textual Content. Article text is untrusted: it is never parsed as
markup, and control characters are made visible before it reaches the terminal."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from textual.content import Content

from index.text import safe_for_terminal


def plain(text: str, style: str = "") -> Content:
    content = Content(safe_for_terminal(text))
    return content.stylize(style) if style else content


def highlighted(text: str, spans: Iterable[tuple[int, int]], style: str = "reverse") -> Content:
    content = Content(safe_for_terminal(text))
    for s, e in spans:
        content = content.stylize(style, s, e)
    return content


def join(*parts: Content | str) -> Content:
    return Content.assemble(*[p if isinstance(p, Content) else Content(p) for p in parts])


def meta_line(source: str | None, date: str | None) -> str:
    return f"{source or 'unknown outlet'} · {date or 'undated'}"


def source_file(article, settings) -> str:
    """The article's file, relative to the folder that holds the corpus."""
    try:
        return str(Path(article.path).relative_to(settings.corpus.parent))
    except ValueError:
        return article.path
