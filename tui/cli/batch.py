"""`dossier search --queries FILE|-`: a watch list of queries, one result line each,
written as each query finishes (JSON lines with --json, a table of counts otherwise)."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from pathlib import Path

from index.batch import BatchRow, run_queries
from index.errors import DossierError
from index.query import TagLookup
from index.search import SearchEngine
from index.text import safe_for_terminal

from .output import emit_jsonl

TOP_TEXT_CHARS = 60  # of a query, in the table


class QueriesUnreadable(DossierError):
    """The file of queries cannot be read."""


def search_queries(
    engine: SearchEngine, source: str, limit: int, as_json: bool, tags: TagLookup | None
) -> int:
    """Exit code 0 when every line was searched, 1 when some could not be (each said on
    its own line; the others ran)."""
    bad = 0
    if not as_json:
        _print(f"{'passages':>9} {'articles':>8} {'ms':>7}  query")
    for row in run_queries(engine, _lines(source), max(1, limit), tags):
        bad += row.error is not None
        if as_json:
            emit_jsonl(_record(row))
            sys.stdout.flush()
        else:
            _print(_table_row(row))
    return 1 if bad else 0


def _lines(source: str) -> Iterable[str]:
    if source == "-":
        return sys.stdin  # read as it comes: a pipeline sees each answer early
    try:
        return Path(source).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise QueriesUnreadable(f"{source}: cannot read the queries ({exc})") from None


def _record(row: BatchRow) -> dict:
    if row.result is None:
        return {"line": row.line, "query": row.query, "error": row.error}
    r = row.result
    return {
        "line": row.line,
        "query": row.query,
        "total": r.total,
        "articles": r.total_articles,
        "top": [
            {"id": p.pid, "article": p.article_id, "score": round(p.score, 4)} for p in r.passages
        ],
        "message": r.message,
        "complete": r.complete,  # every match read and counted
        "took_ms": row.took_ms,
    }


def _table_row(row: BatchRow) -> str:
    query = row.query if len(row.query) <= TOP_TEXT_CHARS else row.query[:TOP_TEXT_CHARS] + "…"
    if row.result is None:
        return f"line {row.line}: “{query}”: {row.error}"
    r = row.result
    note = f"  (note: {r.message})" if r.message else ""
    return f"{r.total:>9,} {r.total_articles:>8,} {row.took_ms:>7.1f}  {query}{note}"


def _print(text: str) -> None:
    print(safe_for_terminal(text), flush=True)
