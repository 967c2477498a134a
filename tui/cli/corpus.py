"""CLI commands over the corpus: index, search, show."""

from __future__ import annotations

import argparse
import sys

from index.config import Settings
from index.errors import DossierError, NotFound
from index.fetch import AddError, copy_or_fetch, read_list
from index.highlight import snippet
from index.library import Library
from index.model import date_label, outlet_label
from index.reading_text import reading_text
from index.tags import TagStore
from index.text import plural, safe_for_terminal

from .batch import search_queries
from .output import ProgressBar, emit_json, emit_jsonl, line, styled


class UsageError(DossierError):
    """Arguments that do not go together."""

    exit_code = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("index", help="build or update the search index")
    p.add_argument("--rebuild", action="store_true", help="rebuild from scratch")
    p.set_defaults(run=cmd_index)

    p = sub.add_parser("search", help="search passages (see README: the query language)")
    p.add_argument("query", nargs="?")
    p.add_argument("--limit", type=int, default=10, help="passages to show (default 10)")
    p.add_argument("--json", action="store_true", help="print one JSON object (a line a query)")
    p.add_argument(
        "--queries", metavar="FILE", help="one query a line (- for stdin): counts for each"
    )
    p.set_defaults(run=cmd_search)

    p = sub.add_parser("show", help="print a cleaned article with numbered passages")
    p.add_argument("article", nargs="?", help="article id (or a unique prefix of it)")
    p.add_argument("--json", action="store_true")
    p.add_argument("--raw", action="store_true", help="mark what cleaning removed")
    p.add_argument("--all", action="store_true", help="every article (with --jsonl)")
    p.add_argument("--jsonl", action="store_true", help="one JSON object a line, for pipelines")
    p.set_defaults(run=cmd_show)

    p = sub.add_parser("add", help="add web pages (URLs) or files to the corpus and index them")
    p.add_argument("sources", nargs="*", metavar="URL|FILE")
    p.add_argument(
        "--from", dest="from_list", metavar="LIST", help="a file of URLs/paths, - for stdin"
    )
    p.add_argument("--timeout", type=float, default=20.0, help="seconds per URL (default 20)")
    p.set_defaults(run=cmd_add)


def open_library(settings: Settings, announce: bool = False) -> Library:
    """The library with its index brought up to date (quietly when nothing changed)."""
    lib = Library(settings)
    bar = ProgressBar()
    report, note = lib.update_for_reading(progress=_with_notes(bar))
    bar.close()
    if note:
        print(f"dossier: note: {note}", file=sys.stderr)
    if announce and report and (report.reindexed or report.removed or report.rebuilt):
        print(f"dossier: index {report.summary()}", file=sys.stderr)
    return lib


def _with_notes(bar: ProgressBar):
    """The progress bar, with phases that have no count (waiting for another writer)
    said on a line of their own, tty or not."""

    def progress(done: int, total: int, label: str) -> None:
        if total:
            bar(done, total, label)
        else:
            print(f"dossier: {label}", file=sys.stderr, flush=True)

    return progress


def cmd_index(settings: Settings, args) -> int:
    lib = Library(settings)
    bar = ProgressBar()
    report = lib.update(rebuild=args.rebuild, progress=_with_notes(bar))
    bar.close()
    for w in report.warnings:
        line(f"warning: {w}")
    if report.reason:
        line(f"full rebuild ({report.reason})")
    line(report.summary())
    return 0


def cmd_search(settings: Settings, args) -> int:
    if (args.query is None) == (args.queries is None):
        raise UsageError("search needs a query, or --queries FILE (one query a line)")
    lib = open_library(settings)
    store = TagStore.open_or_disabled(settings, lib)
    if args.queries is not None:
        tags = None if store.read_only else store.lookup
        return search_queries(lib.engine, args.queries, args.limit, args.json, tags)
    result = lib.engine.search(
        args.query, limit=max(1, args.limit), tags=None if store.read_only else store.lookup
    )
    if args.json:
        emit_json(
            {
                "query": result.query,
                "reading": result.reading,
                "message": result.message,
                "total": result.total,
                "articles": [
                    {
                        "id": a.id,
                        "title": a.title,
                        "source": a.source,
                        "date": a.date,
                        "hits": a.hits,
                        "also_in": a.also_in,
                    }
                    for a in result.articles
                ],
                "passages": [
                    {
                        "id": p.pid,
                        "article": p.article_id,
                        "n": p.n,
                        "text": p.text,
                        "score": round(p.score, 4),
                        "highlights": [list(s) for s in p.spans],
                    }
                    for p in result.passages
                ],
                "suggestions": result.suggestions,
                "complete": result.complete,
                "headline_only": [
                    {"id": a.id, "title": a.title, "source": a.source, "date": a.date}
                    for a in result.headline_only
                ],
            }
        )
        return 0
    if result.message:
        line(f"note: {result.message}")
    if not result.total:
        hint = f" Did you mean: {', '.join(result.suggestions)}?" if result.suggestions else ""
        line(f"No passages match '{args.query}'.{hint}")
        _print_headlines(result)
        return 0
    line(
        f"{plural(result.total, 'passage')} in {plural(result.total_articles, 'article')}"
        f" (showing the best {len(result.passages)})"
    )
    for p in result.passages:
        info = lib.infos.get(p.article_id)
        title = info.title if info else p.article_id
        line()
        line(
            f"{p.pid}  {title}  [{outlet_label(info and info.source)}, "
            f"{date_label(info and info.date)}]"
        )
        text, spans, cut_left, cut_right = snippet(p.text, p.spans)
        print("    " + ("…" if cut_left else "") + styled(text, spans) + ("…" if cut_right else ""))
    _print_headlines(result)
    return 0


def _print_headlines(result) -> None:
    if result.headline_only:
        line()
        line(f"In the headline only: {plural(len(result.headline_only), 'article')}")
        for a in result.headline_only:
            line(f"  {a.id}  {a.title}  [{outlet_label(a.source)}, {date_label(a.date)}]")


def cmd_show(settings: Settings, args) -> int:
    lib = open_library(settings)
    if args.all or args.jsonl:
        if not (args.all and args.jsonl) or args.article:
            raise UsageError("use `show --all --jsonl` (every article) or `show ID [--jsonl]`")
        for aid in lib.infos:
            try:
                emit_jsonl(article_record(lib.article(aid)))
            except NotFound as exc:
                print(f"dossier: {exc.message}", file=sys.stderr)
        return 0
    if not args.article:
        raise UsageError("show needs an article id (or --all --jsonl)")
    a = lib.article(args.article)
    if args.json:
        emit_json(
            {
                "id": a.id,
                "title": a.title,
                "source": a.source,
                "date": a.date,
                "url": a.url,
                "path": a.path,
                "title_only": a.title_only,
                "also_in": lib.also_in.get(a.id, []),
                "meta": {k: str(v) for k, v in a.meta.items()},
                "passages": [
                    {"id": p.pid, "n": p.n, "start": p.start, "end": p.end, "text": p.text}
                    for p in a.passages
                ],
                "removed": [
                    {
                        "start": r.start,
                        "end": r.end,
                        "reason": r.reason,
                        "text": a.text[r.start : r.end],
                    }
                    for r in a.removed
                ],
                "warnings": a.warnings,
            }
        )
        return 0
    line(a.title)
    line(f"{outlet_label(a.source)} · {date_label(a.date)} · {a.path}")
    copies = lib.also_in.get(a.id)
    if copies:
        line(f"same text as: {', '.join(copies)}")
    line()
    if args.raw:
        _print_raw(a)
        return 0
    for p in a.passages:
        line(f"[{p.n}] {p.text}")
        line()
    return 0


def article_record(a) -> dict:
    """One article for pipelines (`show --all --jsonl`)."""
    return {
        "id": a.id,
        "title": a.title,
        "source": a.source,
        "date": a.date,
        "url": a.url,
        "author": a.meta.get("author"),
        "path": a.path,
        "passages": [
            {"n": p.n, "start": p.start, "end": p.end, "text": p.text} for p in a.passages
        ],
        "text": reading_text(a).text,  # what QDPX sources hold too
    }


def cmd_add(settings: Settings, args) -> int:
    refs = list(args.sources)
    if args.from_list:
        refs += read_list(args.from_list)
    if not refs:
        raise UsageError("add needs a URL or a file (or --from LIST)")
    many = len(refs) > 1
    added, failed = [], []
    for i, ref in enumerate(refs, 1):
        if many:
            print(f"[{i}/{len(refs)}] {safe_for_terminal(ref)}", file=sys.stderr)
        try:
            added.append(copy_or_fetch(settings, ref, timeout=args.timeout))
        except AddError as exc:
            failed.append(ref)
            print(f"dossier: {safe_for_terminal(exc.message)}", file=sys.stderr)
    if added:
        lib = open_library(settings)
        for a in added:
            info = lib.infos.get(a.article_id)
            title = info.title if info else a.title
            note = "  (already in the corpus)" if a.existed else ""
            line(f"{a.article_id}  {title}{note}")
    if many:
        line(f"added {len(added)} of {plural(len(refs), 'item')}; {len(failed)} failed")
    return 1 if failed else 0


def _print_raw(a) -> None:
    """The whole text; what cleaning removed is marked with its reason."""
    tty = sys.stdout.isatty()
    marks = sorted(
        [(r.start, r.end, f"removed: {r.reason}") for r in a.removed]
        + [(p.start, p.end, f"passage {p.n}") for p in a.passages]
    )
    pos = 0
    for start, end, label in marks:
        gap = a.text[pos:start].strip("\n")
        if gap.strip():
            line(gap)
        chunk = styled(a.text[start:end], tty=tty)
        if label.startswith("removed") and tty:
            chunk = f"\x1b[9;2m{chunk}\x1b[0m"
        print(f"{'✗' if label.startswith('removed') else ' '} ({label}) {chunk}")
        pos = end
    tail = a.text[pos:].strip()
    if tail:
        line(tail)
