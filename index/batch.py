"""Many queries in one run (`dossier search --queries FILE`): one result a query, made
as each finishes, so a long watch list shows progress and a bad line stops nothing."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from . import querymodel as qm
from .query import TagLookup
from .search import SearchEngine, SearchResult


@dataclass(slots=True)
class BatchRow:
    line: int  # 1-based line of the query in its file
    query: str
    result: SearchResult | None = None  # None when the line could not be searched
    error: str | None = None
    took_ms: float = 0.0


def query_lines(lines: Iterable[str]) -> Iterator[tuple[int, str]]:
    """(line number, query) of every line that is not blank."""
    for n, text in enumerate(lines, 1):
        text = text.rstrip("\r\n")
        if text.strip():
            yield n, text


def run_queries(
    engine: SearchEngine,
    lines: Iterable[str],
    limit: int = 10,
    tags: TagLookup | None = None,
) -> Iterator[BatchRow]:
    """Each query searched in turn. A query with nothing left to search (`OR`, `x:`,
    an unknown topic) is an error row; a query searched in a lenient reading carries
    the note in its result's message."""
    for n, text in query_lines(lines):
        t0 = time.perf_counter()
        parsed = engine.parse(text, tags)
        if parsed.query is qm.NOTHING and parsed.problems:
            yield BatchRow(n, text, error=parsed.message, took_ms=_ms(t0))
            continue
        result = engine.search(text, limit=limit, tags=tags)
        yield BatchRow(n, text, result=result, took_ms=_ms(t0))


def _ms(t0: float) -> float:
    return round((time.perf_counter() - t0) * 1000, 1)
