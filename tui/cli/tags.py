"""CLI commands over the tag file: tags, tag, untag, export."""

from __future__ import annotations

import argparse
import csv
import io
import os
from pathlib import Path

import yaml

from index.config import Settings
from index.errors import DossierError, NotFound
from index.tags import Anchored, TagError, TagStore, now_iso
from index.text import safe_for_terminal

from .corpus import open_library
from .output import emit_json, line

FORMATS = ("csv", "md", "yaml")
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


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("tags", help="list tagged passages and spans with their anchor status")
    p.add_argument("--topic", help="only this topic")
    p.add_argument("--orphans", action="store_true", help="only tags whose text is gone")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_tags)

    p = sub.add_parser("tag", help="tag a passage with a topic (for scripts)")
    p.add_argument("passage", metavar="ARTICLE#N", help="passage id, e.g. 000_0d42#3")
    p.add_argument("topic", help="topic id (several: comma-separated)")
    p.add_argument("--note", default="", help="a note to keep with the tag")
    p.set_defaults(run=cmd_tag)

    p = sub.add_parser("untag", help="remove a tag by its id (or one topic of it)")
    p.add_argument("id", help="tag id (or a unique prefix), as `dossier tags` lists it")
    p.add_argument("--topic", help="remove only this topic from the tag")
    p.set_defaults(run=cmd_untag)

    p = sub.add_parser("export", help="export tags as CSV, a Markdown briefing or YAML")
    p.add_argument("--format", choices=FORMATS, default="md", help="default: md")
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--topic", help="only this topic")
    p.set_defaults(run=cmd_export)


class CliUsage(DossierError):
    exit_code = 2


def _store(settings: Settings, lib=None) -> TagStore:
    return TagStore.open(settings, lib)


def _check_topic(settings: Settings, topic: str | None) -> None:
    if topic and settings.topic(topic) is None:
        known = ", ".join(t.id for t in settings.topics) or "none"
        raise TagError(f"no topic '{topic}' in the codebook (topics: {known})")


def _record(a: Anchored, lib, settings: Settings) -> dict:
    e = a.entry
    info = lib.infos.get(e.article) if lib is not None else None
    return {
        "id": e.id,
        "article": e.article,
        "passage": a.passage_n,
        "pid": f"{e.article}#{a.passage_n}" if a.passage_n else None,
        "title": info.title if info else None,
        "outlet": info.source if info else None,
        "date": info.date if info else None,
        "topics": list(e.topics),
        "note": e.note,
        "status": a.status,
        "reason": a.reason or None,
        "start": a.start,
        "end": a.end,
        "anchor": {"start": e.start, "end": e.end},
        "quote": e.quote,
        "created": e.created,
        "updated": e.updated,
    }


def cmd_tags(settings: Settings, args) -> int:
    _check_topic(settings, args.topic)
    lib = open_library(settings)
    store = _store(settings, lib)
    resolved = store.resolve_all(args.topic)
    if args.orphans:
        resolved = [a for a in resolved if a.orphaned]
    if args.json:
        emit_json(
            {
                "file": str(store.path),
                "entries": [_record(a, lib, settings) for a in resolved],
                "dismissed": store.dismissed(),
            }
        )
        return 0
    if not resolved:
        what = "orphaned tags" if args.orphans else "tags"
        line(f"No {what}{f' for {args.topic}' if args.topic else ''} in {store.path}.")
        return 0
    counts: dict[str, int] = {}
    for a in resolved:
        counts[a.status] = counts.get(a.status, 0) + 1
        where = f"{a.entry.article}#{a.passage_n}" if a.passage_n else a.entry.article
        line(
            f"{a.entry.id}  {where}  [{', '.join(a.entry.topics)}]  {a.status}"
            + (f" ({a.reason})" if a.reason else "")
        )
        line(f"    “{_clip(a.entry.quote, 300)}”")
        if a.entry.note:
            line(f"    note: {a.entry.note}")
    line()
    line(f"{len(resolved)} tags: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _parse_pid(ref: str) -> tuple[str, int]:
    art, sep, num = ref.rpartition("#")
    if not sep or not art or not num.isdigit() or int(num) < 1:
        raise CliUsage(f"'{ref}' is not a passage id: write ARTICLE#N, e.g. 000_0d42#3")
    return art, int(num)


def cmd_tag(settings: Settings, args) -> int:
    ref, n = _parse_pid(args.passage)
    topics = [t.strip() for t in args.topic.split(",") if t.strip()]
    for t in topics:
        _check_topic(settings, t)
    if not topics:
        raise CliUsage("give a topic id")
    lib = open_library(settings)
    article = lib.article(ref)
    store = _store(settings, lib)
    entry = store.add_passage(article, n, topics, args.note)
    line(f"{entry.id}  {article.id}#{n}  [{', '.join(entry.topics)}]")
    return 0


def cmd_untag(settings: Settings, args) -> int:
    _check_topic(settings, args.topic)
    store = _store(settings)
    entry = store.entry(args.id)
    if args.topic:
        if args.topic not in entry.topics:
            raise NotFound(
                f"tag {entry.id} has no topic '{args.topic}' (it has {', '.join(entry.topics)})"
            )
        rest = [t for t in entry.topics if t != args.topic]
        if rest:
            store.set_topics(entry.id, rest)
            line(f"{entry.id}: removed {args.topic} (left: {', '.join(rest)})")
            return 0
    store.remove(entry.id)
    line(f"{entry.id}: removed ({', '.join(entry.topics)}) “{_clip(entry.quote, 80)}”")
    return 0


# --- export --------------------------------------------------------------------------


def _rows(store: TagStore, lib, settings: Settings, topic: str | None) -> list[dict]:
    rows = []
    for a in store.resolve_all(topic):
        rec = _record(a, lib, settings)
        for t in a.entry.topics:
            if topic and t != topic:
                continue
            known = settings.topic(t)
            rows.append({**rec, "topic": t, "topic_label": known.label if known else t})
    return rows


def export_csv(rows: list[dict]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for r in rows:
        w.writerow(["" if r.get(c) is None else r.get(c) for c in CSV_COLUMNS])
    return buf.getvalue()


def _topic_order(settings: Settings, rows: list[dict]) -> list[str]:
    order = [t.id for t in settings.topics]
    extra = sorted({r["topic"] for r in rows} - set(order))
    return [t for t in order + extra if any(r["topic"] == t for r in rows)]


def export_md(rows: list[dict], settings: Settings) -> str:
    out = ["# Tagged evidence", ""]
    entries = len({r["id"] for r in rows})
    out += [f"_{entries} tagged passages and spans · exported {now_iso()}_", ""]
    if not rows:
        out += ["Nothing is tagged yet.", ""]
    for t in _topic_order(settings, rows):
        mine = sorted(
            (r for r in rows if r["topic"] == t),
            key=lambda r: (r["date"] or "", r["article"], r["start"] or 0),
        )
        topic = settings.topic(t)
        out += [f"## {topic.label if topic else t} ({len(mine)})", ""]
        if topic and topic.description:
            out += [f"_{topic.description}_", ""]
        for r in mine:
            out += ["> " + q for q in r["quote"].split("\n")]
            out.append("")
            where = f"`{r['pid']}`" if r["pid"] else f"`{r['article']}`"
            status = "" if r["status"] == "exact" else f" · {r['status']}"
            if r["reason"]:
                status += f" ({r['reason']})"
            out.append(
                f"— *{r['title'] or r['article']}*, {r['outlet'] or 'unknown outlet'}, "
                f"{r['date'] or 'undated'} · {where}{status}"
            )
            if r["note"]:
                out += ["", "Note: " + r["note"].replace("\n", "  \n")]
            out.append("")
    return "\n".join(out)


def export_yaml(rows: list[dict], settings: Settings) -> str:
    by_id: dict[str, dict] = {}
    for r in rows:
        rec = by_id.setdefault(
            r["id"], {k: v for k, v in r.items() if k not in ("topic", "topic_label")}
        )
        rec["topics"] = [
            t for t in rec["topics"] if any(x["id"] == r["id"] and x["topic"] == t for x in rows)
        ]
    return yaml.safe_dump(
        {"exported": now_iso(), "entries": list(by_id.values())},
        sort_keys=False,
        allow_unicode=True,
        width=1 << 20,
    )


def cmd_export(settings: Settings, args) -> int:
    _check_topic(settings, args.topic)
    lib = open_library(settings)
    store = _store(settings, lib)
    rows = _rows(store, lib, settings, args.topic)
    if args.format == "csv":
        text = export_csv(rows)
    elif args.format == "md":
        text = export_md(rows, settings)
    else:
        text = export_yaml(rows, settings)
    if args.output:
        target = Path(args.output)
        tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
        try:
            tmp.write_text(text, encoding="utf-8", newline="")
            os.replace(tmp, target)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise DossierError(f"{target}: cannot write ({exc.strerror})") from None
        line(f"{len({r['id'] for r in rows})} tags exported to {target}")
        return 0
    print(safe_for_terminal(text), end="" if text.endswith("\n") else "\n")
    return 0
