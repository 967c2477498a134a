"""Which words two renderings of one passage do not share, as character spans.

Words are compared folded (case, accents, spelling variants) but not stemmed, so a quote
that two outlets render with "agreement" and "agreements" is marked, while "Lachín" and
"Lachin" are not. Punctuation and spacing never count as a difference.
"""

from __future__ import annotations

from collections.abc import Callable
from difflib import SequenceMatcher

from .engine import normalizer
from .text import words

Span = tuple[int, int]

_PLAIN = normalizer(stem=False)
_NORMALIZERS: dict[tuple, Callable[[str], str]] = {}


def _normalizer(variants: dict[str, str] | None) -> Callable[[str], str]:
    if not variants:
        return _PLAIN
    key = tuple(sorted(variants.items()))
    hit = _NORMALIZERS.get(key)
    if hit is None:
        hit = _NORMALIZERS[key] = normalizer(variants, stem=False)
    return hit


def word_diff(
    a: str, b: str, variants: dict[str, str] | None = None
) -> tuple[list[Span], list[Span]]:
    """Spans (start, end offsets into a and into b) of the words that differ.

    One span per differing word (replaced, deleted or inserted), in text order."""
    norm = _normalizer(variants)
    ta, tb = words(a), words(b)
    sa = [norm(w) for _, _, w in ta]
    sb = [norm(w) for _, _, w in tb]
    left: list[Span] = []
    right: list[Span] = []
    if sa == sb:
        return left, right
    matcher = SequenceMatcher(None, sa, sb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op != "equal":
            left.extend((s, e) for s, e, _ in ta[i1:i2])
            right.extend((s, e) for s, e, _ in tb[j1:j2])
    return left, right
