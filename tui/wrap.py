"""Word wrapping that keeps character offsets, so styles by offset survive wrapping."""

from __future__ import annotations

import re
from functools import lru_cache

from rich.cells import cell_len

_CHUNK = re.compile(r"\S+\s*|\s+")
# Characters that do not take exactly one cell: wide (CJK, emoji) and zero-width marks.
_NOT_ONE_CELL = re.compile(
    "[\u0300-\u036f\u1100-\u115f\u200b-\u200f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff"
    "\ufe00-\ufe0f\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\U0001f000-\U0001faff"
    "\U00020000-\U0003fffd]"
)


@lru_cache(maxsize=16)
def _line_pattern(width: int) -> re.Pattern:
    # A line: up to `width` characters ending before a space (the spaces stay on it), or
    # `width` characters of a word too long for a line.
    return re.compile(rf"\S.{{0,{width - 1}}}(?=\s|$)[^\S\n]*|\S{{{width}}}")


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each display line of text at `width` cells. Newlines break lines;
    trailing spaces stay on the line they follow; a word wider than the line is cut."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
        if not para or para[0].isspace() or _NOT_ONE_CELL.search(para):
            lines += _wrap_cells(para, pos, width)
        else:
            found = [(pos + m.start(), pos + m.end()) for m in _line_pattern(width).finditer(para)]
            lines += found or [(pos, pos)]
        pos += len(para) + 1
    return lines


def _wrap_cells(para: str, pos: int, width: int) -> list[tuple[int, int]]:
    """The same, measuring cells one chunk at a time (wide or zero-width characters)."""
    lines: list[tuple[int, int]] = []
    start, used = pos, 0
    for m in _CHUNK.finditer(para):
        chunk_start = pos + m.start()
        word = m.group()
        w = cell_len(word.rstrip())
        if used and used + w > width:
            lines.append((start, chunk_start))
            start, used = chunk_start, 0
        while w > width:  # a word longer than a line
            cut = _cut(word, width)
            lines.append((chunk_start, chunk_start + cut))
            chunk_start += cut
            word = word[cut:]
            w = cell_len(word.rstrip())
            start = chunk_start
        used += cell_len(word)
    lines.append((start, pos + len(para)))
    return lines


def _cut(word: str, width: int) -> int:
    total = 0
    for i, ch in enumerate(word):
        total += cell_len(ch)
        if total > width:
            return max(1, i)
    return len(word)
