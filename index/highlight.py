"""Where a query's words stand in a text: the spans a parsed query matches (words on
their own, phrases only whole), and a window of a long passage around its first hit,
for the faces to draw."""

from __future__ import annotations

from collections.abc import Callable

from .text import words

Span = tuple[int, int]


class Highlighter:
    """Spans of the words a parsed query matches, in any text.

    `matcher(field, words)` is the engine's test of whether a word, as `field` normalises
    it, is one of `words` (it skips the stemmer for words that cannot be);
    `normalizer(field)` normalises one word."""

    def __init__(
        self,
        terms: dict[str, set[str]],
        matcher: Callable[[str, set[str]], Callable[[str], bool]],
        normalizer: Callable[[str], Callable[[str], str]],
        phrases: list[tuple[str, tuple[str, ...]]] = (),
    ):
        fields = ("text", "exact", "title")
        self._checks = [matcher(f, terms[f]) for f in fields if terms.get(f)]
        self._phrases = [
            (matcher(f, set(ws)), normalizer(f), ws) for f, ws in phrases if f in fields and ws
        ]

    def __bool__(self) -> bool:
        return bool(self._checks or self._phrases)

    def spans(self, text: str) -> list[Span]:
        """Words matched on their own, and phrases only where the whole phrase stands."""
        tokens = words(text)
        marked = [any(match(w) for match in self._checks) for _, _, w in tokens]
        for inside, norm, phrase in self._phrases:
            seq = [norm(w) if inside(w) else None for _, _, w in tokens]
            k = len(phrase)
            for i in range(len(seq) - k + 1):
                if seq[i] == phrase[0] and tuple(seq[i : i + k]) == phrase:
                    marked[i : i + k] = [True] * k
        return [(s, e) for (s, e, _), m in zip(tokens, marked, strict=True) if m]


def snippet(text: str, spans: list[Span], width: int = 240) -> tuple[str, list[Span], bool, bool]:
    """A window of about `width` characters around the first hit: (text, spans shifted
    into it, cut at start, cut at end)."""
    if len(text) <= width:
        return text, list(spans), False, False
    first = spans[0][0] if spans else 0
    start = max(0, first - width // 3)
    if start:
        space = text.rfind(" ", 0, start + 1)
        start = space + 1 if space > start - 30 else start
    end = min(len(text), start + width)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > end - 30 else end
    inside = [(s - start, e - start) for s, e in spans if s >= start and e <= end]
    return text[start:end], inside, start > 0, end < len(text)
