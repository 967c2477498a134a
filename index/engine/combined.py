"""Scores of several words put together, at C speed (dict and list operations, no loop
over documents in Python): an OR's sum, an AND's, and the best passages of a sum. The
layer above `wordscores`' one word's scores; `fastpath` puts them to use."""

from __future__ import annotations

import heapq
import operator
from collections.abc import Iterable
from itertools import compress, filterfalse
from typing import Protocol


class Scored(Protocol):
    """A word's scores as `wordscores.TermScores` keeps them: lists in document order
    (`docs`, `listed`) when read so, and a dict (`scores`)."""

    docs: list[int] | None
    listed: list[float] | None

    @property
    def scores(self) -> dict[int, float]: ...

    @property
    def size(self) -> int: ...


def summed(each: list[Scored]) -> dict[int, float]:
    """Each document's scores summed over the terms that hold it, in term order (as
    Whoosh's union matchers add them), at C speed: dict and set operations, no loop
    over documents in Python. One term's scores are returned as they are (shared).
    The sum starts from a copy of the largest term's scores, the terms before it summed
    first: started from the first term, `shar*` walked `shares` (54,000 passages at
    100k articles) five times, 17 ms instead of 5. A term read as lists is added from
    them (no dict of it made)."""
    if len(each) == 1:
        return each[0].scores
    big = max(range(len(each)), key=lambda i: each[i].size)
    first = each[big]
    if first.docs is not None and first.listed is not None:
        total = dict(zip(first.docs, first.listed, strict=True))
    else:
        total = dict(first.scores)
    if big:
        _add_held(total, summed(each[:big]))
    for part in each[big + 1 :]:
        if part.docs is not None and part.listed is not None:
            _add_listed(total, part.docs, part.listed)
        else:
            _add_held(total, part.scores)
    return total


def _add_listed(total: dict[int, float], docs: list[int], scores: list[float]) -> None:
    """Add a word's scores, read as lists, to `total` (its score first, then the
    total's: two floats add alike in either order)."""
    inside = list(map(total.__contains__, docs))
    both = list(compress(docs, inside))
    add = map(operator.add, compress(scores, inside), map(total.__getitem__, both))
    total.update(zip(both, add, strict=True))
    total.update(compress(zip(docs, scores, strict=True), map(operator.not_, inside)))


def _add_held(total: dict[int, float], held: dict[int, float]) -> None:
    """`_add_listed` for scores in a dict."""
    # (filter, not set operations on the keys: those walk the growing total)
    both = list(filter(total.__contains__, held))
    add = map(operator.add, map(held.__getitem__, both), map(total.__getitem__, both))
    fresh = list(filterfalse(total.__contains__, held))
    total.update(zip(both, add, strict=True))
    total.update(zip(fresh, map(held.__getitem__, fresh), strict=True))


def summed_where_all(each: list[dict[int, float]]) -> dict[int, float]:
    """The summed scores of the documents every term holds (an AND)."""
    rarest = min(each, key=len)
    return summed_at(each, set(rarest).intersection(*(s.keys() for s in each if s is not rarest)))


def summed_at(each: list[dict[int, float]], docs: Iterable[int]) -> dict[int, float]:
    """The scores of `docs`, each held by every term, summed in term order (as Whoosh's
    intersection matchers add them)."""
    docs = list(docs)
    sums = map(each[0].__getitem__, docs)
    for scores in each[1:]:
        sums = map(operator.add, sums, map(scores.__getitem__, docs))
    return dict(zip(docs, sums, strict=True))


def best(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    """The `limit` highest (docnum, score), ties by docnum. The limit-th highest score is
    found first, so only the few at or above it are ranked by score and number."""
    if len(scores) > 8 * limit:
        cut = heapq.nlargest(limit, scores.values())[-1] if limit else float("inf")
        top = [(d, s) for d, s in scores.items() if s >= cut]
        return heapq.nlargest(limit, top, key=lambda kv: (kv[1], -kv[0]))
    return heapq.nlargest(limit, scores.items(), key=lambda kv: (kv[1], -kv[0]))


def best_listed(docs: list[int], scores: list[float], limit: int) -> list[tuple[int, float]]:
    """`best` of scores read as lists (passages, scores)."""
    pairs: Iterable[tuple[int, float]] = zip(docs, scores, strict=True)
    if len(scores) > 8 * limit:
        cut = heapq.nlargest(limit, scores)[-1] if limit else float("inf")
        pairs = [(d, s) for d, s in pairs if s >= cut]
    return heapq.nlargest(limit, pairs, key=lambda kv: (kv[1], -kv[0]))
