"""Word wrapping that keeps character offsets, so styles by offset survive wrapping."""

from __future__ import annotations

import re

from rich.cells import cell_len

_CHUNK = re.compile(r"\S+\s*|\s+")


def wrap(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each display line of text at `width` cells. Newlines break lines;
    trailing spaces stay on the line they follow; a word wider than the line is cut."""
    width = max(1, width)
    lines: list[tuple[int, int]] = []
    pos = 0
    for para in text.split("\n"):
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
        pos += len(para) + 1
    return lines


def _cut(word: str, width: int) -> int:
    total = 0
    for i, ch in enumerate(word):
        total += cell_len(ch)
        if total > width:
            return max(1, i)
    return len(word)
