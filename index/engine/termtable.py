"""Finding the words of the index within an edit distance, fast."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable

from whoosh.support.levenshtein import damerau_levenshtein


class TermTable:
    """Every word of one field, bucketed by length with a letter-set bit mask, to find
    the words within an edit distance quickly: the index's own lookup checks the
    distance of every word (several hundred ms a query on a multi-segment index)."""

    def __init__(self, words: Iterable[str]):
        self.by_len: dict[int, list[tuple[int, str]]] = {}
        self.ordered: list[str] = []  # in the index's order (its words' UTF-8 bytes)
        for word in words:
            self.by_len.setdefault(len(word), []).append((_mask(word), word))
            self.ordered.append(word)

    def starting(self, head: str) -> list[str]:
        """The words that start with `head`, in the index's order: found by bisection
        (the index's own expansion walks every segment's word list)."""
        ordered = self.ordered
        lo = bisect_left(ordered, head)
        hi = lo
        while hi < len(ordered) and ordered[hi].startswith(head):
            hi += 1
        return ordered[lo:hi]

    def within(self, text: str, maxdist: int, prefix: int = 0) -> list[str]:
        # Each edit changes at most two letters of the letter set, and the length by one.
        qmask, n, head = _mask(text), len(text), text[:prefix]
        limit = 2 * maxdist
        out = []
        for length in range(max(0, n - maxdist), n + maxdist + 1):
            for m, word in self.by_len.get(length, ()):
                if (
                    (m ^ qmask).bit_count() <= limit
                    and word.startswith(head)
                    and damerau_levenshtein(word, text, limit=maxdist) <= maxdist
                ):
                    out.append(word)
        return out


def lexicon(reader, fieldname: str) -> list[str]:
    fieldobj = reader.schema[fieldname]
    return [
        fieldobj.from_bytes(b) if isinstance(b, bytes) else b for b in reader.lexicon(fieldname)
    ]


def _mask(word: str) -> int:
    m = 0
    for ch in word:
        m |= 1 << (ord(ch) & 63)
    return m
