"""What extraction left out of a saved web page: the page's other blocks of text
(menus, link lists, captions, cookie notices, comments), for the reader's `x`. Cleaning
of a text file shows its removed stretches in place; a web page's article text is all
the index holds, so what the page had besides it is read here, from the file, when
asked for."""

from __future__ import annotations

import re
from dataclasses import dataclass

from .extract import PageError, decode_page, read_page
from .text import fold

# Elements that start a new block of text on a page.
BLOCKS = frozenset(
    {
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "br",
        "dd",
        "details",
        "dialog",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "option",
        "button",
        "label",
    }
)
SKIP = frozenset(
    {
        "script",
        "style",
        "noscript",
        "template",
        "svg",
        "head",
        "iframe",
        "object",
        "canvas",
    }
)
_WORD = re.compile(r"\w+")
MAX_BLOCKS = 400  # a page's first blocks left out; the rest is counted


@dataclass(frozen=True, slots=True)
class LeftOut:
    blocks: list[str]  # in page order, each once
    more: int  # blocks left out beyond those listed
    error: str | None = None  # the page could not be read again


def left_out(path: str, kept_text: str) -> LeftOut:
    """The blocks of text of the page at `path` that are not in `kept_text` (what the
    extraction kept), compared folded and with spaces collapsed."""
    try:
        data, _ = read_page(path)
    except (OSError, PageError) as exc:
        return LeftOut([], 0, f"the page could not be read again: {exc}")
    html, _ = decode_page(data)
    kept = f" {_words(kept_text)} "
    seen: set[str] = set()
    out: list[str] = []
    more = 0
    for block in page_blocks(html):
        key = _words(block)
        if not key or key in seen or f" {key} " in kept:
            continue
        seen.add(key)
        if len(out) < MAX_BLOCKS:
            out.append(block)
        else:
            more += 1
    return LeftOut(out, more)


def page_blocks(html: str) -> list[str]:
    """The page's text as blocks, in reading order (scripts, styles and the head left
    out), spaces collapsed."""
    from lxml import etree
    from lxml import html as lxml_html

    try:
        root = lxml_html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return []
    blocks: list[str] = []
    buf: list[str] = []
    skipping = 0

    def flush() -> None:
        text = " ".join("".join(buf).split())
        buf.clear()
        if text:
            blocks.append(text)

    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = el.tag if isinstance(el.tag, str) else ""
        if event == "start":
            if tag in SKIP or not tag:
                skipping += 1
                continue
            if skipping:
                continue
            if tag in BLOCKS:
                flush()
            if el.text:
                buf.append(el.text)
        else:
            if tag in SKIP or not tag:
                skipping -= 1
            elif not skipping and tag in BLOCKS:
                flush()
            if not skipping and el.tail:
                buf.append(el.tail)
    flush()
    return blocks


def _words(text: str) -> str:
    """Its words, folded, one space apart: compared whole, so "Sport" is not found in
    "transport"."""
    return " ".join(_WORD.findall(fold(text)))
