"""Articles whose headline a query matches.

A headline is not a passage: a word found only in an article's title ("constructive"
in "US points to … “constructive” contacts") would otherwise find nothing unless the
user wrote `title:`. The search lists such articles after those whose text matches.
The headlines are read the way the index reads passages (querymodel.Analysis: the same
folding, variants and stemming), into a word → articles table, and a query is answered
from it with set operations, so it costs little as one types.
"""

from __future__ import annotations

import contextlib
import hashlib
import pickle
from array import array
from collections.abc import Iterable, Iterator
from itertools import repeat
from operator import rshift
from pathlib import Path

from . import querymodel as qm
from .atomic import write_atomic
from .model import ArticleInfo

FIELDS = ("text", "exact")  # the fields a plain word or phrase is searched in
STORE = "headlines.pickle"  # beside the index: read in ~50 ms where building takes seconds
VERSION = 3  # 2: headline ids and titles kept, for updates; 3: word positions kept
# A table entry is a headline's number and the word's place in it, in one int; places
# past _LAST share it (a phrase there may be found where it is not: no title is so long).
_SHIFT = 10
_LAST = (1 << _SHIFT) - 1


def _load(path: Path, digest: str):
    """(ids, titles, tables) of the table kept at `path`, if read the way `digest` says."""
    try:
        with open(path, "rb") as fh:
            version, kept_digest, ids, titles, tables = pickle.load(fh)
    except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
        return None
    if version != VERSION or kept_digest != digest or len(ids) != len(titles):
        return None
    return ids, titles, tables


class Unanswerable(Exception):
    """The query asks about something a headline does not hold (an outlet, a date, a tag)."""


class HeadlineIndex:
    """Word -> the headlines holding it, as compact arrays of headline numbers (100,000
    headlines take a few MB); a phrase is checked on the few headlines holding all its
    words, read again then. A headline's number is its place in `_infos`, where a
    headline gone or edited since the table was made is None (its number is not reused
    until the table is made anew)."""

    def __init__(
        self,
        infos: Iterable[ArticleInfo | None],
        analysis: qm.Analysis,
        tables: dict[str, dict[str, array]] | None = None,
    ):
        self._infos: list[ArticleInfo | None] = (
            list(infos) if tables is not None else [i for i in infos if i and i.title]
        )
        self._words = tables if tables is not None else self._read(analysis, self._infos)
        self._rank, self._order = self._by_date(self._infos)

    @staticmethod
    def _by_date(infos: list[ArticleInfo | None]) -> tuple[list[int], list[int]]:
        """(each headline's place newest first, the headlines in that order): by date,
        then id; holes last."""
        order = sorted(
            (n for n, i in enumerate(infos) if i is not None),
            key=lambda n: (infos[n].date or "", infos[n].id),  # type: ignore[union-attr]
            reverse=True,
        )
        order += [n for n, i in enumerate(infos) if i is None]
        rank = [0] * len(infos)
        for place, n in enumerate(order):
            rank[n] = place
        return rank, order

    @staticmethod
    def _read(
        analysis: qm.Analysis, infos: list[ArticleInfo | None], start: int = 0, into=None
    ) -> dict[str, dict[str, array]]:
        """The word tables of infos[start:] (added to `into`'s, if given)."""
        out = into if into is not None else {f: {} for f in FIELDS}
        for f in FIELDS:
            table = out[f]
            for n in range(start, len(infos)):
                info = infos[n]
                if info is None:
                    continue
                at = n << _SHIFT
                for p, w in enumerate(analysis.words(f, info.title)):
                    found = table.get(w)
                    if found is None:
                        table[w] = array("I", (at | min(p, _LAST),))
                    else:
                        found.append(at | min(p, _LAST))
        return out

    @classmethod
    def stored(
        cls, index_dir: Path, infos: Iterable[ArticleInfo], analysis: qm.Analysis, reading: str
    ) -> HeadlineIndex:
        """The table kept beside the index, brought up to date with `infos` (headlines
        gone or edited dropped, new ones added: an update of a few articles costs a few
        headlines, not all of them), if it was read the same way (`reading`: what
        decides how words are normalised); else read anew. Kept again when changed."""
        current = {i.id: i for i in infos if i.title}
        digest = hashlib.sha1(reading.encode()).hexdigest()
        path = Path(index_dir) / STORE
        kept = _load(path, digest)
        if kept is None:
            made = cls(current.values(), analysis)
        else:
            ids, titles, tables = kept
            made = cls._updated(ids, titles, tables, current, analysis)
            if made is None:  # nothing changed
                return cls([current[i] if i is not None else None for i in ids], analysis, tables)
        ids = [i.id if i else None for i in made._infos]
        titles = [i.title if i else "" for i in made._infos]
        with contextlib.suppress(OSError):  # a read-only index folder: read anew next time
            blob = pickle.dumps((VERSION, digest, ids, titles, made._words), protocol=5)
            write_atomic(path, blob)
        return made

    @classmethod
    def _updated(
        cls,
        ids: list[str | None],
        titles: list[str],
        tables: dict[str, dict[str, array]],
        current: dict[str, ArticleInfo],
        analysis: qm.Analysis,
    ) -> HeadlineIndex | None:
        """The kept table with `current`'s changes, or None when there are none."""
        slots: list[ArticleInfo | None] = []
        placed: set[str] = set()
        changed = False
        for aid, title in zip(ids, titles, strict=True):
            info = current.get(aid) if aid is not None else None
            if info is not None and info.title == title:
                slots.append(info)
                placed.add(aid)
            else:
                slots.append(None)
                changed = changed or aid is not None
        new = [info for aid, info in current.items() if aid not in placed]
        if not new and not changed:
            return None
        gone = sum(1 for s in slots if s is None)
        if gone > len(current) // 2:  # mostly holes: made anew, smaller
            return cls(current.values(), analysis)
        start = len(slots)
        slots.extend(new)
        cls._read(analysis, slots, start, into=tables)
        return cls(slots, analysis, tables)

    def newest(self, query: qm.Query) -> Iterator[ArticleInfo]:
        """The articles whose headline matches the query, newest first (by date, then
        id), read as far as the caller reads: a search lists the first few its text did
        not find, of up to thousands."""
        try:
            found = self._match(query)
        except Unanswerable:
            return iter(())
        places = sorted(map(self._rank.__getitem__, found))
        return filter(None, map(self._infos.__getitem__, map(self._order.__getitem__, places)))

    def _match(self, q: qm.Query) -> set[int]:
        if isinstance(q, qm.Term):
            return _headlines(self._table(q.field).get(q.text, ()))
        if isinstance(q, qm.AnyOf):
            table = self._table(q.field)
            return set().union(*(_headlines(table.get(w, ())) for w in q.words))
        if isinstance(q, qm.Phrase):
            return self._phrase(q)
        if isinstance(q, qm.And):
            found = [self._match(c) for c in q.children]
            return set.intersection(*found) if found else set()
        if isinstance(q, qm.Or):
            return set().union(*(self._match(c) for c in q.children))
        if isinstance(q, qm.Not):
            return set(range(len(self._infos))) - self._match(q.child)
        if isinstance(q, qm.AndNot):
            return self._match(q.positive) - self._match(q.negative)
        if isinstance(q, qm.AndMaybe):
            return self._match(q.required)
        if isinstance(q, qm.Nothing):
            return set()
        raise Unanswerable  # a pattern not expanded, a range: not a headline's words

    def _table(self, field: str) -> dict[str, array]:
        if field not in FIELDS:
            raise Unanswerable
        return self._words[field]

    def _phrase(self, q: qm.Phrase) -> set[int]:
        """The headlines where the words stand side by side, from the places kept in
        the table: a headline read again for it cost ~50 µs a word not seen before."""
        table = self._table(q.field)
        starts: set[int] | None = None
        for i, w in enumerate(q.words):
            here = {e - i for e in table.get(w, ()) if e & _LAST >= i}
            starts = here if starts is None else starts & here
            if not starts:
                return set()
        return _headlines(starts or ())


def _headlines(entries: Iterable[int]) -> set[int]:
    """The headline numbers of table entries."""
    return set(map(rshift, entries, repeat(_SHIFT)))
