"""trafilatura's output tree to blocks of text: one string per paragraph, heading, list
item, quote paragraph and table row (index/extract.py joins them with blank lines, so
cleaning makes each a passage). Pure tree walking: it never imports trafilatura.

A change to what comes out here changes cached extractions: bump
`extract.RENDER_VERSION` with it.
"""

from __future__ import annotations

import re

_SPACES = re.compile(r"[ \t\r\f\v\u00a0]+")

_INLINE_CONTAINERS = {"hi", "ref", "del", "span", "code", "label"}


def render_blocks(body) -> list[str]:
    """One string per paragraph, heading, list item, quote paragraph and table row of
    trafilatura's output tree; line breaks inside a paragraph are kept."""
    out: list[str] = []
    _walk(body, out)
    return [b for b in (_tidy(b) for b in out) if b]


def _walk(el, out: list[str]) -> None:
    pending: list[str] = [el.text or ""]  # loose inline text between blocks
    for child in el:
        tag = child.tag if isinstance(child.tag, str) else ""
        if tag in _INLINE_CONTAINERS:
            pending.append(_inline(child))
            pending.append(child.tail or "")
            continue
        if tag == "lb":
            pending.append("\n")
            pending.append(child.tail or "")
            continue
        out.append("".join(pending))
        pending = []
        if tag in ("p", "head", "item") and not _has_blocks(child):
            out.append(("- " if tag == "item" else "") + _inline(child))
        elif tag == "list":
            for item in child:
                _item(item, out)
        elif tag == "table":
            _table(child, out)
        elif tag == "graphic":
            pass
        else:  # quote, div, nested structures
            _walk(child, out)
        pending.append(child.tail or "")
    out.append("".join(pending))


def _has_blocks(el) -> bool:
    return any(c.tag in ("p", "list", "table", "quote", "head") for c in el.iter() if c is not el)


def _item(item, out: list[str]) -> None:
    if item.tag != "item":
        _walk(item, out)
        return
    head: list[str] = [item.text or ""]
    rest = []
    for child in item:
        if child.tag in ("list", "table", "p", "quote", "head"):
            rest.append(child)
        elif not rest:
            head.append(_inline(child) + (child.tail or ""))
    first = "".join(head)
    if first.strip():
        out.append("- " + first)
    for child in rest:
        if child.tag == "list":
            for sub in child:
                _item(sub, out)
        elif child.tag == "table":
            _table(child, out)
        else:
            _walk_one(child, out)


def _walk_one(el, out: list[str]) -> None:
    if el.tag in ("p", "head") and not _has_blocks(el):
        out.append(_inline(el))
    else:
        _walk(el, out)


def _table(table, out: list[str]) -> None:
    for row in table.iter("row"):
        cells = [_tidy(_inline(c)).replace("\n", " ") for c in row if c.tag == "cell"]
        cells = [c for c in cells if c]
        if cells:
            out.append(" | ".join(cells))


def _inline(el) -> str:
    """All text inside el, <lb/> as a line break."""
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag == "graphic":
            pass
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "".join(parts)


def _tidy(block: str) -> str:
    lines = (_SPACES.sub(" ", ln).strip() for ln in block.split("\n"))
    return "\n".join(ln for ln in lines if ln)
