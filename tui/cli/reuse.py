"""CLI commands: quotations across articles, shared text, stories."""

from __future__ import annotations

import argparse
import sys

from index.config import Settings
from index.model import date_label, outlet_label
from index.quotes import QuoteGroup, Variant
from index.reuse import Reuse
from index.reuse_store import Analysis, analyse
from index.text import percent

from .corpus import open_library
from .output import ProgressBar, emit_json, line, styled


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "quotes",
        help="quotations carried by several articles, with their speaker and how each "
        "variant differs from the earliest",
    )
    p.add_argument("--all", action="store_true", help="also quotations found in one article")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_quotes)
    p = sub.add_parser(
        "reuse", help="passages shared between articles, clustered; each outlet's shared share"
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_reuse)
    p = sub.add_parser("stories", help="articles about the same event, grouped")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_stories)


def _analysis(settings: Settings) -> Analysis:
    lib = open_library(settings)
    bar = ProgressBar()
    try:
        return analyse(lib, progress=bar)
    finally:
        bar.close()


def _share(shared: int, total: int) -> float:
    return round(shared / total, 4) if total else 0.0


def variant_json(v: Variant) -> dict:
    q = v.quote
    return {
        "article": q.article,
        "passage": f"{q.article}#{q.n}",
        "outlet": v.outlet,
        "date": v.date,
        "speaker": q.speaker,
        "text": q.text,
        "start": q.start,
        "end": q.end,
        "diff": [{"was": c.was, "now": c.now, "start": c.start, "end": c.end} for c in v.diff],
    }


def quotes_json(groups: list[QuoteGroup]) -> dict:
    return {
        "quotes": [
            {
                "speaker": g.speaker,
                "articles": g.articles,
                "variants": [variant_json(v) for v in g.variants],
            }
            for g in groups
        ]
    }


def reuse_json(reuse: Reuse, about: dict) -> dict:
    def outlet(aid: str) -> str | None:
        return (about.get(aid) or (None, None))[0]

    def date(aid: str) -> str | None:
        return (about.get(aid) or (None, None))[1]

    return {
        "reuse": {
            "clusters": [
                {
                    "articles": c.articles,
                    "first": c.first,
                    "outlets": list(dict.fromkeys(outlet_label(outlet(a)) for a in c.articles)),
                    "dates": [date(a) for a in c.articles],
                    "passages": [
                        {
                            "id": p.pid,
                            "article": p.article,
                            "outlet": outlet(p.article),
                            "date": date(p.article),
                            "text": p.text,
                            "shared_words": p.shared_words,
                            "words": p.words,
                        }
                        for p in c.passages
                    ],
                }
                for c in reuse.clusters
            ],
            "articles": {
                aid: {"shared_words": s, "words": t, "share": _share(s, t)}
                for aid, (s, t) in sorted(reuse.articles.items())
                if s
            },
            "outlets": {
                o: {"shared_words": s, "words": t, "share": _share(s, t)}
                for o, (s, t) in reuse.outlets.items()
            },
        }
    }


def cmd_quotes(settings: Settings, args) -> int:
    result = _analysis(settings)
    groups = result.all_quotes if args.all else result.quotes
    if args.json:
        emit_json(quotes_json(groups))
        return 0
    if not groups:
        line("No quotation is carried by more than one article.")
        return 0
    for g in groups:
        line()
        line(f"{g.speaker or 'unknown speaker'} · {len(g.articles)} articles")
        for v in g.variants:
            q = v.quote
            line(f"  {q.article}#{q.n}  [{outlet_label(v.outlet)}, {date_label(v.date)}]")
            spans = [(c.start, c.end) for c in v.diff if c.end > c.start]
            sys.stdout.write("    “" + styled(q.text, spans) + "”\n")
            for c in v.diff:
                line(f"    {c.was or '(nothing)'} → {c.now or '(nothing)'}")
    return 0


def cmd_reuse(settings: Settings, args) -> int:
    result = _analysis(settings)
    reuse = result.reuse
    if args.json:
        emit_json(reuse_json(reuse, result.about))
        return 0
    if not reuse.clusters:
        line("No text is shared between articles.")
        return 0
    line(f"{len(reuse.clusters)} passages shared between articles")
    for c in reuse.clusters:
        line()
        line(f"first carried by {c.first} · {len(c.articles)} articles")
        for p in c.passages:
            o, d = result.about.get(p.article) or (None, None)
            line(
                f"  {p.pid}  [{outlet_label(o)}, {date_label(d)}]  "
                f"{p.shared_words}/{p.words} words shared"
            )
        line(f"    {c.passages[0].text[:300]}")
    line()
    line("share of each outlet's text also found elsewhere:")
    for o, (s, t) in sorted(reuse.outlets.items(), key=lambda kv: -_share(*kv[1])):
        line(f"  {o}: {percent(_share(s, t))} ({s:,} of {t:,} words)")
    return 0


def cmd_stories(settings: Settings, args) -> int:
    result = _analysis(settings)
    if args.json:
        emit_json(
            {
                "stories": [
                    {"articles": s.articles, "first": s.first, "links": s.links}
                    for s in result.stories
                ]
            }
        )
        return 0
    if not result.stories:
        line("No two articles share text or a quotation within a few days.")
        return 0
    for s in result.stories:
        line()
        line(f"story of {len(s.articles)} articles, first {s.first}")
        for aid in s.articles:
            o, d = result.about.get(aid) or (None, None)
            line(f"  {aid}  [{outlet_label(o)}, {date_label(d)}]")
    return 0
