"""CLI commands over the tag file: tags, tag, untag, export."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from index.article_source import LibraryArticles, indexed_article
from index.config import Settings
from index.errors import DossierError, NotFound
from index.tags import TagError, TagStore
from index.tags.model import short
from index.text import plural

from .output import emit_json, line

if TYPE_CHECKING:
    from index.library import Library

# The index, the engine and the exporters are imported by the commands that use them:
# `dossier tag` reads one article and the tag file, and starts in a fraction of the time.


def _open_library(settings: Settings) -> Library:
    from .corpus import open_library

    return open_library(settings)


class _Formats:
    """The export formats (the exporters' registry) as argparse choices, looked up only
    when `export` is parsed or its help shown."""

    def __iter__(self):
        from index.exports import EXPORTERS

        return iter(EXPORTERS)

    def __contains__(self, name: object) -> bool:
        return name in list(self)


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

    p = sub.add_parser(
        "export",
        help="export tags as CSV, a Markdown briefing, YAML, a REFI-QDA project (qdpx) "
        "or the codebook alone (qdc), or an HTML briefing (html)",
    )
    p.add_argument(
        "--format",
        choices=_Formats(),
        default="md",
        metavar="FORMAT",
        help="%(choices)s; default: md",
    )
    p.add_argument("-o", "--output", metavar="FILE", help="write to FILE (default: stdout)")
    p.add_argument("--topic", help="only this topic")
    p.add_argument(
        "--bom", action="store_true", help="CSV: start with a UTF-8 byte-order mark (for Excel)"
    )
    p.set_defaults(run=cmd_export)


class CliUsage(DossierError):
    exit_code = 2


def _store(settings: Settings, lib=None) -> TagStore:
    return TagStore.open(settings, LibraryArticles(settings, lib))


def _check_topic(settings: Settings, topic: str | None) -> None:
    if topic and settings.topic(topic) is None:
        known = ", ".join(t.id for t in settings.topics) or "none"
        raise TagError(f"no topic '{topic}' in the codebook (topics: {known})")


def cmd_tags(settings: Settings, args) -> int:
    _check_topic(settings, args.topic)
    from index.tags.evidence import record

    lib = _open_library(settings)
    store = _store(settings, lib)
    resolved = store.resolve_all(args.topic)
    if args.orphans:
        resolved = [a for a in resolved if a.orphaned]
    if args.json:
        emit_json(
            {
                "file": str(store.path),
                "entries": [record(a, lib.infos) for a in resolved],
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
        line(f"    {_quoted(a.entry.quote, 300)}")
        if a.entry.note:
            first, *more = a.entry.note.split("\n")
            line(f"    note: {first}")
            for text in more:
                line(f"          {text}")
    line()
    line(f"{plural(len(resolved), 'tag')}: " + ", ".join(f"{n} {s}" for s, n in counts.items()))
    return 0


def _quoted(text: str, width: int) -> str:
    """The text in one line, cut to width, between quotation marks unless it opens
    with one of its own (a quotation tagged whole)."""
    text = short(text, width)
    return text if text[:1] in _OPENING_QUOTES else f"“{text}”"


_OPENING_QUOTES = "“\"«„‘'"


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
    # The article as indexed when its file is unchanged; else the index is brought up
    # to date first (new or changed files), as every reading command does.
    lib = None
    article = indexed_article(settings, ref)
    if article is None:
        lib = _open_library(settings)
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
        left = store.remove_topic(entry.id, args.topic)
        if left is not None:
            line(f"{entry.id}: removed {args.topic} (left: {', '.join(left.topics)})")
            return 0
        line(f"{entry.id}: removed ({args.topic}, its last topic) {_quoted(entry.quote, 80)}")
        return 0
    store.remove(entry.id)
    line(f"{entry.id}: removed ({', '.join(entry.topics)}) {_quoted(entry.quote, 80)}")
    return 0


# --- export --------------------------------------------------------------------------


def cmd_export(settings: Settings, args) -> int:
    from index.exports import (
        BINARY,
        BOM,
        BOM_FORMATS,
        export_context,
        export_text,
        left_out_lines,
        write_export,
    )
    from index.tags.evidence import memos_for, rows
    from index.text import safe_for_terminal

    _check_topic(settings, args.topic)
    if args.format in BINARY and not args.output:
        raise CliUsage(f"--format {args.format} writes a file: give -o FILE.{args.format}")
    if args.bom and args.format not in BOM_FORMATS:
        raise CliUsage(f"--bom is for --format {' or '.join(sorted(BOM_FORMATS))}")
    lib = _open_library(settings)
    store = _store(settings, lib)
    found = rows(store, lib.infos, settings, args.topic)
    context = export_context(settings, store, lib)
    context.memos = memos_for(list(context.memos), found, args.topic)
    if args.output:
        target = Path(args.output)
        n = write_export(found, args.format, target, settings, context, bom=args.bom)
        if args.format == "qdc":
            line(f"codebook of {plural(len(settings.topics), 'topic')} exported to {target}")
            return 0
        line(f"{plural(n, 'tag')} exported to {target}")
        for text in left_out_lines(context.left_out):
            line(text)
        return 0
    text = export_text(found, args.format, settings, context)
    bom = BOM if args.bom else ""
    print(bom + safe_for_terminal(text), end="" if text.endswith("\n") else "\n")
    return 0
