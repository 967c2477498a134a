"""Hits per article. Each passage's article is kept as a number and hits are counted by
number: counting ids was twice as slow (each id is a string object somewhere else in
memory, read for its hash), and at 100k articles a common word's count was a fifth of
its search. Ids are looked up only for the articles a search lists."""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Container, Iterable, Iterator, Mapping


class DocArticles:
    """The article of every document number: `ordinal[docnum]` numbers it,
    `names[ordinal]` is its id."""

    def __init__(self, article_of_each_doc: Iterable[str]):
        index: dict[str, int] = {}
        self.ordinal: list[int] = [index.setdefault(a, len(index)) for a in article_of_each_doc]
        self.index = index
        self.names: list[str] = list(index)

    def __len__(self) -> int:
        return len(self.ordinal)

    def __getitem__(self, docnum: int) -> str:
        return self.names[self.ordinal[docnum]]

    def count(self, docs: Iterable[int]) -> ArticleCounts:
        """The documents `docs` (numbers) counted per article. In document order: an
        OR's passages come word by word, and counting them so read the article numbers
        all over memory (71,000 passages of `bank*` at 100k: 12 ms, sorted 1 + 5 ms)."""
        return ArticleCounts(Counter(map(self.ordinal.__getitem__, sorted(docs))), self)


class ArticleCounts(Mapping[str, int]):
    """Hits per article id, kept by article number (see the module's docstring)."""

    def __init__(self, by_ordinal: Counter, articles: DocArticles):
        self.by_ordinal = by_ordinal
        self._articles = articles

    def __getitem__(self, aid: str) -> int:
        i = self._articles.index.get(aid)
        if i is None or i not in self.by_ordinal:
            raise KeyError(aid)
        return self.by_ordinal[i]

    def __contains__(self, aid: object) -> bool:
        i = self._articles.index.get(aid)  # type: ignore[call-overload]
        return i is not None and i in self.by_ordinal

    def __iter__(self) -> Iterator[str]:
        return map(self._articles.names.__getitem__, self.by_ordinal)

    def __len__(self) -> int:
        return len(self.by_ordinal)

    def values(self):  # the counter's own view, read at C speed
        return self.by_ordinal.values()

    def most(self, room: int, skip: Container[str]) -> list[str]:
        """The `room` articles with most hits, not in `skip` (a few), ties by id. The
        count they need is found first; then one pass over the counts picks the
        articles at or above it (up to every article: one hit each)."""
        if room <= 0:
            return []
        counted, names = self.by_ordinal, self._articles.names
        index = self._articles.index
        skipped = {index[a] for a in skip if a in index}
        if len(counted) <= 8 * (room + len(skipped)):
            pool = [i for i in counted if i not in skipped]
            picked = heapq.nsmallest(room, pool, key=lambda i: (-counted[i], names[i]))
            return list(map(names.__getitem__, picked))
        cut = heapq.nlargest(room + len(skipped), counted.values())[-1]
        picked = [i for i, n in counted.items() if n >= cut and i not in skipped]
        above = sorted(
            (i for i in picked if counted[i] > cut), key=lambda i: (-counted[i], names[i])
        )
        at = heapq.nsmallest(room - len(above), (names[i] for i in picked if counted[i] == cut))
        return [names[i] for i in above[:room]] + at
