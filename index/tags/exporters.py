"""Exports of the evidence rows, one registry: EXPORTERS[name](rows, settings) -> text,
or bytes for a zip (QDPX). A new format is one function and one line in the registry.
An exporter that also writes memos takes a keyword `memos` (a list of Memo); one that
needs more than the rows (the articles' text: QDPX) takes a keyword `context`, an
ExportContext, which also collects what the export left out. export_text passes each
exporter what it takes.
Article text, titles and notes are untrusted: CSV cells from them that start with = + - @ tab
or CR get a leading ' (OWASP: never read as a formula); Markdown escapes them (md_text)."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import yaml

from ..config import Settings
from ..model import Article, date_label, outlet_label
from ..text import csv_cell
from ..topics import path_label
from .evidence import topic_order
from .model import Memo, now_iso
from .qdpx import Progress, export_qdc, export_qdpx


@dataclass
class ExportContext:
    """What an exporter may need besides the rows: articles by id (their text), the ids
    of every article (sources without tags), the memos; `left_out` collects the tags an
    export could not carry (id -> why), for the face to report."""

    articles: Callable[[str], Article | None] = field(default=lambda _id: None)
    article_ids: Iterable[str] = ()
    memos: Iterable[Memo] = ()
    project: str = "dossier"
    left_out: dict[str, str] = field(default_factory=dict)
    progress: Progress | None = None  # (phase, done, total), for long exports (QDPX)


CSV_COLUMNS = (
    "id",
    "topic",
    "topic_label",
    "article",
    "passage",
    "title",
    "outlet",
    "date",
    "status",
    "start",
    "end",
    "quote",
    "note",
    "created",
    "updated",
)
# Cells whose text comes from an article or the user, not from us.
CSV_UNTRUSTED = frozenset({"quote", "note", "title", "outlet"})


def export_csv(rows: list[dict], settings: Settings, context: ExportContext | None = None) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow(
            [
                csv_cell(r.get(c)) if c in CSV_UNTRUSTED else "" if r.get(c) is None else r.get(c)
                for c in CSV_COLUMNS
            ]
        )
    return buf.getvalue()


# Markdown: & < > become entities (no raw HTML); punctuation that opens code, emphasis,
# links, images, tables or strikethrough is backslash-escaped, and so is `(` after `]`;
# a line that would start a heading, quote, list, rule or setext underline is escaped.
_MD_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MD_INLINE = re.compile(r"[&<>\\`*_\[\]|~]")
_MD_LINE_START = re.compile(r"^(?:[#+=-]|\d+(?=[.)]))")


def _md_line(line: str) -> str:
    line = line.strip()  # leading spaces would make an indented code block
    line = _MD_INLINE.sub(lambda m: _MD_HTML.get(m[0], "\\" + m[0]), line)
    line = line.replace("\\](", "\\]\\(")
    m = _MD_LINE_START.match(line)
    if m:
        end = m.end()
        line = line[:end] + "\\" + line[end:] if m[0][0].isdigit() else "\\" + line
    return line


def md_text(text: str | None) -> list[str]:
    """Untrusted text as Markdown lines that render as the same words, never as markup."""
    return [_md_line(ln) for ln in (text or "").split("\n")]


def md_inline(text: str | None) -> str:
    """Untrusted text escaped for one line of Markdown (newlines become spaces)."""
    return " ".join(ln for ln in md_text(text) if ln)


def _md_memo(memo: Memo, about: str = "") -> list[str]:
    by = f" ({md_inline(memo.coder)})" if memo.coder else ""
    return [f"**Memo**{about}{by}: " + "  \n".join(md_text(memo.text)), ""]


def _md_article_memos(memos: list[Memo], rows: list[dict]) -> list[str]:
    """Memos on articles (and on a topic in an article), with the article's title."""
    titles = {r["article"]: r["title"] for r in rows if r.get("title")}
    mine = [m for m in memos if m.article]
    if not mine:
        return []
    out = ["## Memos on articles", ""]
    for m in mine:
        title = md_inline(titles.get(m.article)) or md_inline(m.article)
        about = f" on *{title}* `{m.article}`" + (f" · {md_inline(m.topic)}" if m.topic else "")
        out += _md_memo(m, about)
    return out


def export_md(rows: list[dict], settings: Settings, memos: list[Memo] | None = None) -> str:
    """The briefing: tags by topic (each topic's memo under its heading), then the memos
    on articles."""
    memos = memos or []
    out = ["# Tagged evidence", ""]
    entries = len({r["id"] for r in rows})
    out += [f"_{entries} tagged passages and spans · exported {now_iso()}_", ""]
    if not rows:
        out += ["Nothing is tagged yet.", ""]
    on_topic = {m.topic: m for m in memos if m.topic and not m.article}
    topics = topic_order(settings, rows)
    topics += [t for t in on_topic if t not in topics]
    for t in topics:
        mine = sorted(
            (r for r in rows if r["topic"] == t),
            key=lambda r: (r["date"] or "", r["article"], r["start"] or 0),
        )
        topic = settings.topic(t)
        out += [f"## {md_inline(path_label(settings.topics, t))} ({len(mine)})", ""]
        if topic and topic.description:
            out += [f"_{topic.description}_", ""]
        if t in on_topic:
            out += _md_memo(on_topic[t])
        for r in mine:
            out += [("> " + q).rstrip() for q in md_text(r["quote"])]
            out.append("")
            where = f"`{r['pid']}`" if r["pid"] else f"`{r['article']}`"
            status = "" if r["status"] == "exact" else f" · {r['status']}"
            if r["reason"]:
                status += f" ({r['reason']})"
            out.append(
                f"— *{md_inline(r['title']) or r['article']}*, "
                f"{outlet_label(md_inline(r['outlet']))}, "
                f"{date_label(md_inline(r['date']))} · {where}{status}"
            )
            if r["note"]:
                out += ["", "Note: " + "  \n".join(md_text(r["note"]))]
            out.append("")
    out += _md_article_memos(memos, rows)
    return "\n".join(out)


def export_yaml(rows: list[dict], settings: Settings, context: ExportContext | None = None) -> str:
    by_id: dict[str, dict] = {}
    kept: dict[str, set[str]] = {}
    for r in rows:
        by_id.setdefault(
            r["id"],
            {k: v for k, v in r.items() if k not in ("topic", "topic_label", "outlet_name")},
        )
        kept.setdefault(r["id"], set()).add(r["topic"])
    for rid, rec in by_id.items():
        rec["topics"] = [t for t in rec["topics"] if t in kept[rid]]
    return yaml.safe_dump(
        {"exported": now_iso(), "entries": list(by_id.values())},
        sort_keys=False,
        allow_unicode=True,
        width=1 << 20,
    )


def export_qdpx_zip(
    rows: list[dict], settings: Settings, context: ExportContext | None = None
) -> bytes:
    context = context or ExportContext()
    data, report = export_qdpx(
        rows,
        settings,
        context.articles,
        context.article_ids,
        context.memos,
        context.project,
        context.progress,
    )
    context.left_out.update(report.left_out)
    return data


def export_qdc_codebook(rows: list[dict], settings: Settings) -> bytes:
    return export_qdc(settings)
