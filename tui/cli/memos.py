"""CLI commands over memos (notes on an article or a topic, without a tag): memo, memos."""

from __future__ import annotations

import argparse
import sys

from index.config import Settings
from index.errors import DossierError, NotFound
from index.tags import TagStore
from index.tags.model import Memo

from .corpus import open_library
from .output import emit_json, line

REMOVE_HELP = "remove the memo (undo: write it again)"


class MemoUsage(DossierError):
    exit_code = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "memo",
        help="write, show or remove the memo on an article or a topic",
        description=(
            "dossier memo ARTICLE 'text' writes the memo on an article; "
            "dossier memo --topic T 'text' on a topic; dossier memo ARTICLE --topic T 'text' "
            "on a topic in one article. Without text it prints the memo; '-' reads the text "
            "from stdin (several lines); empty text or --remove removes it."
        ),
    )
    p.add_argument("words", nargs="*", metavar="[ARTICLE] [TEXT]")
    p.add_argument("--topic", help="the memo is on this topic")
    p.add_argument("--remove", action="store_true", help=REMOVE_HELP)
    p.set_defaults(run=cmd_memo, intermixed=True)

    p = sub.add_parser("memos", help="list the memos (notes on articles and topics)")
    p.add_argument("--article", help="only memos on this article (id or unique prefix)")
    p.add_argument("--topic", help="only memos on this topic")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_memos)


def _subject(settings: Settings, args) -> tuple[str | None, str | None]:
    """(article ref, text) from the positional words."""
    words = list(args.words)
    unknown = [w for w in words if w.startswith("-") and w != "-"]
    if unknown:
        raise MemoUsage(
            f"unknown option {unknown[0]} (text that starts with - : use '-' and stdin)"
        )
    if len(words) > 2:
        raise MemoUsage("give at most ARTICLE and TEXT (quote the text)")
    if args.topic and len(words) == 1 and not args.remove:
        return None, words[0]  # `memo --topic T TEXT`; show one with `memos --topic T`
    if not words:
        if not args.topic:
            raise MemoUsage("give an article id or --topic T")
        return None, None
    return words[0], (words[1] if len(words) == 2 else None)


def _article_id(settings: Settings, ref: str | None) -> str | None:
    if ref is None:
        return None
    return open_library(settings).article(ref).id


def _show(m: Memo) -> None:
    by = f" by {m.coder}" if m.coder else ""
    line(f"{m.id}  {m.label}{by}  (updated {m.updated or m.created or 'unknown'})")
    for text_line in m.text.split("\n"):
        line(f"    {text_line}")


def cmd_memo(settings: Settings, args) -> int:
    ref, text = _subject(settings, args)
    if args.remove and text is not None:
        raise MemoUsage("--remove takes no text")
    article = _article_id(settings, ref)
    store = TagStore.open(settings)
    where = " · ".join(x for x in (article, args.topic) if x)
    if args.remove or text == "":
        gone = store.remove_memo(article, args.topic)
        line(f"removed the memo on {where}" if gone else f"no memo on {where}")
        return 0
    if text is None:
        memo = store.memo(article, args.topic)
        if memo is None:
            raise NotFound(f"no memo on {where} (write one: dossier memo … 'text')")
        _show(memo)
        return 0
    if text == "-":
        text = sys.stdin.read()
    memo = store.set_memo(text, article, args.topic)
    if memo is None:
        line(f"removed the memo on {where}")
    else:
        line(f"{memo.id}  memo on {where} saved")
    return 0


def cmd_memos(settings: Settings, args) -> int:
    article = _article_id(settings, args.article)
    if args.topic and settings.topic(args.topic) is None:
        known = ", ".join(t.id for t in settings.topics) or "none"
        raise MemoUsage(f"no topic '{args.topic}' in the codebook (topics: {known})")
    store = TagStore.open(settings)
    memos = store.memos(article, args.topic)
    if args.json:
        emit_json({"file": str(store.path), "memos": [m.to_raw() for m in memos]})
        return 0
    if not memos:
        line(f"No memos in {store.path}.")
        return 0
    for m in memos:
        _show(m)
    return 0
