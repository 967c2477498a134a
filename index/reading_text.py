"""The reading text of an article: its passages as the reader shows them, joined by a
blank line (what cleaning removed is not in it), and the map from offsets into the
canonical text (where tags anchor) to offsets into this text. Exports that carry an
article's text (QDPX sources, `dossier show --jsonl`) use it, so their offsets cut out
what the reader shows."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .model import Article

SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class ReadingText:
    text: str
    spans: tuple[tuple[int, int], ...]  # each passage's (start, end) in the canonical text
    starts: tuple[int, ...]  # each passage's start in `text`

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Canonical [start, end) as [start, end) in this text, cut to the passages it
        overlaps (a gap between passages becomes the separator); None when it overlaps
        none (its text is all in what cleaning removed)."""
        ends = [e for _, e in self.spans]
        first = bisect_right(ends, start)  # first passage ending after start
        last = bisect_left([s for s, _ in self.spans], end) - 1  # last starting before end
        if start >= end or first > last or first >= len(self.spans) or last < 0:
            return None
        s0, _ = self.spans[first]
        l0, l1 = self.spans[last]
        return (
            self.starts[first] + max(0, start - s0),
            self.starts[last] + min(end, l1) - l0,
        )


def reading_text(article: Article) -> ReadingText:
    starts, pos = [], 0
    for p in article.passages:
        starts.append(pos)
        pos += len(p.text) + len(SEPARATOR)
    return ReadingText(
        SEPARATOR.join(p.text for p in article.passages),
        tuple((p.start, p.end) for p in article.passages),
        tuple(starts),
    )
