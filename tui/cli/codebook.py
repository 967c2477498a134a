"""`dossier codebook import FILE.qdc`: merge a REFI-QDA codebook into config.yaml's
topics (comments kept; index/codebook.py does the work)."""

from __future__ import annotations

import argparse
from pathlib import Path

from index.codebook import edit_topics, import_changes, read_codes
from index.config import Settings
from index.text import plural
from index.topics import tree

from .config import check_reader_keys
from .output import line


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("codebook", help="the codebook: import a REFI-QDA .qdc, list the tree")
    verbs = p.add_subparsers(dest="verb", metavar="VERB", required=True)
    imp = verbs.add_parser(
        "import", help="merge the codes of a .qdc (or a .qdpx's codebook) into config.yaml"
    )
    imp.add_argument("file", metavar="FILE.qdc")
    imp.set_defaults(run=cmd_import)
    show = verbs.add_parser("list", help="the topics as a tree, with keys and colours")
    show.set_defaults(run=cmd_list)


def cmd_import(settings: Settings, args) -> int:
    codes = read_codes(Path(args.file))
    result = edit_topics(settings.path, import_changes(settings, codes), check_reader_keys)
    if not result.changed:
        line(f"{plural(len(codes), 'code')} read; the codebook already has them all as given.")
        return 0
    for text in result.changes:
        line(text)
    line(f"{plural(len(result.changes), 'topic')} changed in {settings.path}")
    return 0


def cmd_list(settings: Settings, args) -> int:
    for topic, depth in tree(settings.topics):
        key = f"[{topic.key}]" if topic.key else "[ ]"
        line(f"{'  ' * depth}{key} {topic.id}: {topic.label}  {topic.colour}")
    return 0
