"""Exports of the evidence: the formats by name (each written by index/tags/exporters.py,
the HTML briefing by index/briefing.py, which draws on the coverage figures), the
context they need beyond the tag rows, and an export written atomically. The CLI's
`export` and the app's Export dialog both go through here."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from pathlib import Path

from .atomic import write_atomic
from .briefing import briefing_html
from .config import Settings
from .errors import DossierError
from .tags.exporters import (
    ExportContext,
    export_csv,
    export_md,
    export_qdc_codebook,
    export_qdpx_zip,
    export_yaml,
)


def export_html(rows: list[dict], settings: Settings, context: ExportContext | None = None) -> str:
    """The HTML briefing (index/briefing.py)."""
    context = context or ExportContext()
    return briefing_html(rows, settings, context.articles, context.memos)


Exporter = Callable[..., "str | bytes"]  # (rows, settings[, memos=][, context=])
EXPORTERS: dict[str, Exporter] = {
    "csv": export_csv,
    "md": export_md,
    "yaml": export_yaml,
    "qdpx": export_qdpx_zip,
    "qdc": export_qdc_codebook,
    "html": export_html,
}
BINARY = frozenset({"qdpx", "qdc"})  # written as bytes; never printed to a terminal
BOM = "\ufeff"  # UTF-8 byte-order mark: spreadsheet programs then read CSV as UTF-8
BOM_FORMATS = frozenset({"csv"})


def export_context(settings: Settings, store, library) -> ExportContext:
    """What the exporters need beyond the rows, from a Library and the TagStore (the
    CLI's and the app's exports are made the same way)."""
    from .article_source import LibraryArticles

    return ExportContext(
        articles=LibraryArticles(settings, library),
        article_ids=tuple(library.infos),
        memos=tuple(store.memos()),
        project=settings.path.parent.name or "dossier",
    )


def left_out_lines(left_out: dict[str, str], limit: int = 20) -> list[str]:
    """What an export could not carry: a count, then each tag id and why."""
    if not left_out:
        return []
    n = len(left_out)
    out = [f"left out {n} tag{'' if n == 1 else 's'}:"]
    out += [f"  {tid}  {why}" for tid, why in list(left_out.items())[:limit]]
    if n > limit:
        out.append(f"  … and {n - limit} more (dossier tags --orphans lists them)")
    return out


def export_text(
    rows: list[dict], fmt: str, settings: Settings, context: ExportContext | None = None
) -> str | bytes:
    """rows as format fmt (text, or bytes for a zip), with the memos and context for the
    exporters that take them."""
    if fmt not in EXPORTERS:
        raise DossierError(f"unknown export format '{fmt}' (one of {', '.join(EXPORTERS)})")
    exporter = EXPORTERS[fmt]
    takes = inspect.signature(exporter).parameters
    extra: dict = {}
    if context is not None and "memos" in takes:
        extra["memos"] = list(context.memos)
    if "context" in takes:
        extra["context"] = context
    return exporter(rows, settings, **extra)


def write_export(
    rows: list[dict],
    fmt: str,
    target: Path,
    settings: Settings,
    context: ExportContext | None = None,
    bom: bool = False,
) -> int:
    """Write rows (and the context's memos) as `fmt` to target atomically (a temp file
    beside it, then a rename: an old export is never left half-written). Returns the
    number of tags written (those left out are in context.left_out); raises DossierError
    with the path when it cannot write. bom: start a CSV with the UTF-8 byte-order mark
    (EF BB BF)."""
    context = context or ExportContext()
    out = export_text(rows, fmt, settings, context)
    if bom and fmt in BOM_FORMATS and isinstance(out, str):
        out = BOM + out
    data = out if isinstance(out, bytes) else out.encode("utf-8")
    try:
        write_atomic(target, data)
    except OSError as exc:
        raise DossierError(f"{target}: cannot write ({exc.strerror})") from None
    return len({r["id"] for r in rows} - set(context.left_out))
