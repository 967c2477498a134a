"""CLI command: compare two articles passage by passage."""

from __future__ import annotations

import argparse

from index.align import SAME_EVENT, align, word_diff
from index.config import Settings
from index.model import date_label, outlet_label
from index.text import variant_map

from .corpus import open_library
from .output import emit_json, line, styled


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare",
        help="align the passages of two articles that report "
        "the same thing, and mark the words that differ",
    )
    p.add_argument("left", help="article id (or a unique prefix of it)")
    p.add_argument("right", help="article id (or a unique prefix of it)")
    p.add_argument(
        "--threshold",
        type=_unit,
        default=SAME_EVENT,
        help=f"lowest score of a pair to show, 0..1 (default {SAME_EVENT})",
    )
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_compare)


def _unit(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"must be a number from 0 to 1, not '{text}'")
    return value


def _about(a) -> dict:
    return {
        "id": a.id,
        "title": a.title,
        "source": a.source,
        "date": a.date,
        "passages": len(a.passages),
    }


def cmd_compare(settings: Settings, args) -> int:
    lib = open_library(settings)
    left, right = lib.article(args.left), lib.article(args.right)
    variants = variant_map(settings.variants)
    result = align(left, right, variants, threshold=args.threshold)
    rows = []
    for ln, rn, score in result.pairs:
        lt, rt = left.passage(ln).text, right.passage(rn).text
        ld, rd = word_diff(lt, rt, variants)
        rows.append((ln, rn, score, lt, rt, ld, rd))
    if args.json:
        emit_json(
            {
                "left": _about(left),
                "right": _about(right),
                "threshold": args.threshold,
                "pairs": [
                    {
                        "left": ln,
                        "right": rn,
                        "score": score,
                        "left_id": f"{left.id}#{ln}",
                        "right_id": f"{right.id}#{rn}",
                        "left_text": lt,
                        "right_text": rt,
                        "left_diff": [list(s) for s in ld],
                        "right_diff": [list(s) for s in rd],
                        "left_words": [lt[s:e] for s, e in ld],
                        "right_words": [rt[s:e] for s, e in rd],
                    }
                    for ln, rn, score, lt, rt, ld, rd in rows
                ],
            }
        )
        return 0
    for tag, a in (("left ", left), ("right", right)):
        line(f"{tag}  {a.id}  {a.title}  [{outlet_label(a.source)}, {date_label(a.date)}]")
    if not rows:
        line(f"No passages align (threshold {args.threshold:.2f}).")
        return 0
    line(f"{len(rows)} aligned pairs (threshold {args.threshold:.2f}), best first")
    for ln, rn, score, lt, rt, ld, rd in rows:
        line()
        line(f"#{ln} ↔ #{rn}  score {score:.2f}")
        print("  L: " + styled(lt, ld))
        print("  R: " + styled(rt, rd))
        if not ld and not rd:
            line("  same words")
        else:
            line(
                f"  differs: {' '.join(lt[s:e] for s, e in ld) or '-'}"
                f"  |  {' '.join(rt[s:e] for s, e in rd) or '-'}"
            )
    return 0
