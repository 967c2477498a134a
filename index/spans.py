"""Span boundaries inside a passage: by word and by sentence, for keyboard selection."""

from __future__ import annotations

import re

from .text import words

_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)»]*(?=\s|$)")


def sentence_bounds(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence, without surrounding spaces."""
    out, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end()
        seg = text[start:end]
        lead = len(seg) - len(seg.lstrip())
        if seg.strip():
            out.append((start + lead, end))
        start = end
    tail = text[start:]
    if tail.strip():
        lead = len(tail) - len(tail.lstrip())
        out.append((start + lead, start + len(tail.rstrip())))
    return out


def first_sentence(text: str) -> tuple[int, int]:
    bounds = sentence_bounds(text)
    return bounds[0] if bounds else (0, len(text))


def extend(text: str, start: int, end: int, unit: str, step: int) -> tuple[int, int]:
    """Move the end of [start, end) by one word or sentence (step +1 or -1); never
    shorter than the first unit after start, never past the text."""
    marks = (
        [e for _, e, _ in words(text)] if unit == "word" else [e for _, e in sentence_bounds(text)]
    )
    ends = [e for e in marks if e > start]
    if not ends:
        return start, end
    if step > 0:
        later = [e for e in ends if e > end]
        return start, (later[0] if later else end)
    covered = [e for e in ends if e <= end]  # a word ends here: the last one goes
    return start, (covered[-2] if len(covered) >= 2 else ends[0])


def move_start(text: str, start: int, end: int, step: int) -> tuple[int, int]:
    """Move the start of [start, end) to the next (+1) or previous (-1) word start,
    keeping at least one word selected."""
    starts = [s for s, _, _ in words(text)]
    if step > 0:
        later = [s for s in starts if start < s < end]
        return (later[0], end) if later else (start, end)
    earlier = [s for s in starts if s < start]
    return (earlier[-1], end) if earlier else (start, end)
