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
from collections.abc import Iterable
from pathlib import Path

from . import querymodel as qm
from .atomic import write_atomic
from .model import ArticleInfo

FIELDS = ("text", "exact")  # the fields a plain word or phrase is searched in
STORE = "headlines.pickle"  # beside the index: read in ~50 ms where building takes seconds
VERSION = 1


class Unanswerable(Exception):
    """The query asks about something a headline does not hold (an outlet, a date, a tag)."""


class HeadlineIndex:
    """Word -> the headlines holding it, as compact arrays of article numbers (100,000
    headlines take a few MB); a phrase is checked on the few headlines holding all its
    words, read again then."""

    def __init__(
        self,
        infos: Iterable[ArticleInfo],
        analysis: qm.Analysis,
        tables: dict[str, dict[str, array]] | None = None,
    ):
        self._analysis = analysis
        self._infos = [i for i in infos if i.title]
        self._words = tables if tables is not None else self._read(analysis)

    def _read(self, analysis: qm.Analysis) -> dict[str, dict[str, array]]:
        out = {}
        for f in FIELDS:
            table: dict[str, list[int]] = {}
            for n, info in enumerate(self._infos):
                for w in set(analysis.words(f, info.title)):
                    table.setdefault(w, []).append(n)
            out[f] = {w: array("I", ns) for w, ns in table.items()}
        return out

    @classmethod
    def stored(
        cls, index_dir: Path, infos: Iterable[ArticleInfo], analysis: qm.Analysis, reading: str
    ) -> HeadlineIndex:
        """The table kept beside the index when it is of these headlines read this way
        (`reading`: what decides how words are normalised), else read anew and kept."""
        infos = list(infos)
        key = hashlib.sha1(reading.encode())
        for i in infos:
            key.update(f"{i.id}\t{i.title}\n".encode())
        path = Path(index_dir) / STORE
        try:
            with open(path, "rb") as fh:
                version, digest, tables = pickle.load(fh)
            if version == VERSION and digest == key.hexdigest():
                return cls(infos, analysis, tables)
        except (OSError, pickle.UnpicklingError, EOFError, ValueError, TypeError):
            pass
        made = cls(infos, analysis)
        with contextlib.suppress(OSError):  # a read-only index folder: read anew next time
            write_atomic(path, pickle.dumps((VERSION, key.hexdigest(), made._words), protocol=5))
        return made

    def matching(self, query: qm.Query) -> set[str]:
        """Ids of the articles whose headline matches the query; empty when the query
        asks about anything but words (a headline has no outlet, date or tags)."""
        try:
            return {self._infos[n].id for n in self._match(query)}
        except Unanswerable:
            return set()

    def _match(self, q: qm.Query) -> set[int]:
        if isinstance(q, qm.Term):
            return set(self._table(q.field).get(q.text, ()))
        if isinstance(q, qm.AnyOf):
            table = self._table(q.field)
            return set().union(*(table.get(w, ()) for w in q.words))
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
        table = self._table(q.field)
        if not q.words:
            return set()
        found = set.intersection(*(set(table.get(w, ())) for w in q.words))
        k = len(q.words)

        def holds(n: int) -> bool:
            seq = self._analysis.words(q.field, self._infos[n].title)
            return any(tuple(seq[i : i + k]) == q.words for i in range(len(seq) - k + 1))

        return {n for n in found if holds(n)}
