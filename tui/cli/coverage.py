"""CLI commands over the tags as a whole: `agree` (two coders) and `stats` (coverage)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from index.agreement import agree, figures, open_tag_file
from index.article_source import LibraryArticles
from index.config import Settings
from index.errors import DossierError
from index.model import outlet_label
from index.stats import PERIODS, Filters, check_date, coverage, to_csv, to_json
from index.text import label_width, percent, plural
from index.topics import tree

from .corpus import open_library
from .output import emit_json, line
from .tags import _check_topic, _store


class CliUsage(DossierError):
    exit_code = 2


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("agree", help="agreement of two coders' tag files (κ, α, disagreements)")
    p.add_argument("a", metavar="A.yaml", help="the first coder's tag file")
    p.add_argument("b", metavar="B.yaml", help="the second coder's tag file")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=cmd_agree)

    p = sub.add_parser("stats", help="coverage: topic × outlet, co-occurrence, over time")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print one JSON object")
    out.add_argument("--csv", action="store_true", help="print CSV (one figure a row)")
    p.add_argument("--outlet", help="only articles of this outlet")
    p.add_argument("--from", dest="date_from", metavar="DATE", help="from this date (ISO)")
    p.add_argument("--to", dest="date_to", metavar="DATE", help="to this date (ISO)")
    p.add_argument("--topic", help="only this topic")
    p.add_argument("--by", choices=PERIODS, default="month", help="period (default: month)")
    p.set_defaults(run=cmd_stats)


# --- agree ---------------------------------------------------------------------------


def _num(value: float | None, pct: bool = False) -> str:
    if value is None:
        return "n/a"
    return percent(value) if pct else f"{value:.3f}"


def cmd_agree(settings: Settings, args) -> int:
    lib = open_library(settings)
    articles = LibraryArticles(settings, lib)
    a = open_tag_file(settings, Path(args.a), articles)
    b = open_tag_file(settings, Path(args.b), articles)
    result = agree(a, b, lib.infos)
    if args.json:
        emit_json(result.to_json())
        return 0
    line(
        f"A: {result.coder_a} ({args.a}) · B: {result.coder_b} ({args.b}) · "
        f"{plural(result.units, 'passage')}"
    )
    if not result.tables:
        line("Neither file tags anything.")
        return 0
    overall = result.overall()
    shown = {t: figures(tab) for t, tab in result.tables.items()} | {"overall": overall}
    labels = {t: settings.topic(t).label if settings.topic(t) else t for t in shown}
    w = label_width(labels.values())
    head = f"{'topic':<{w}} {'agreement':>9} {'kappa':>7} {'alpha':>7} {'both':>5} "
    line(head + f"{'A only':>7} {'B only':>7}")
    for topic, f in shown.items():
        line(
            f"{labels[topic][:w]:<{w}} {_num(f['agreement'], True):>9} {_num(f['kappa']):>7} "
            f"{_num(f['alpha']):>7} {f['both']:>5} {f['a_only']:>7} {f['b_only']:>7}"
        )
    if any(v is None for f in shown.values() for v in (f["kappa"], f["alpha"])):
        line("(n/a: no variance — both coders tagged every passage or none)")
    line()
    line(f"{plural(len(result.disagreements), 'disagreement')}:")
    for d in result.disagreements:
        line(f"  {d.passage}  {d.topic}  only {d.coder}")
    return 0


# --- stats ---------------------------------------------------------------------------


def _check_date(value: str | None, flag: str) -> None:
    try:
        check_date(value, flag)
    except ValueError as exc:
        raise CliUsage(str(exc)) from None


def cmd_stats(settings: Settings, args) -> int:
    _check_topic(settings, args.topic)
    _check_date(args.date_from, "--from")
    _check_date(args.date_to, "--to")
    lib = open_library(settings)
    store = _store(settings, lib)
    filters = Filters(args.outlet, args.date_from, args.date_to, args.topic, args.by)
    order = [t.id for t, _ in tree(settings.topics)]
    cov = coverage(store.resolve_all(), lib.infos, order, filters)
    if args.outlet and args.outlet not in cov.outlets:
        known = sorted({outlet_label(i.source) for i in lib.infos.values()})
        raise CliUsage(f"no articles of outlet '{args.outlet}' (outlets: {', '.join(known)})")
    if args.json:
        emit_json(to_json(cov, {t.id: t.label for t in settings.topics}))
        return 0
    if args.csv:
        sys.stdout.write(to_csv(cov))
        return 0
    _print_stats(settings, cov)
    return 0


def _print_stats(settings: Settings, cov) -> None:
    labels = {t: settings.topic(t).label if settings.topic(t) else t for t in cov.all_topics}
    w = label_width(labels.values(), least=10)

    def label(t: str) -> str:
        return labels.get(t, t)[:w]

    orphans = plural(cov.orphaned, "orphaned tag")
    line(f"Tagged passages (articles) by topic and outlet · {orphans} left out")
    outlets = list(cov.outlets)
    line(f"{'':<{w}} " + " ".join(f"{o[:14]:>14}" for o in outlets) + f" {'total':>10}")
    for t in cov.topics:
        cells = [f"{cov.passages[t, o]} ({cov.articles[t, o]})" for o in outlets]
        total = f"{cov.totals[t][0]} ({cov.totals[t][1]})"
        line(f"{label(t):<{w}} " + " ".join(f"{c:>14}" for c in cells) + f" {total:>10}")
    line()
    line("Passages tagged with both")
    line(f"{'':<{w}} " + " ".join(f"{label(u):>{w}}" for u in cov.all_topics))
    for t in cov.topics:
        cells = [str(cov.cooccurrence.get((t, u), 0)) for u in cov.all_topics]
        line(f"{label(t):<{w}} " + " ".join(f"{c:>{w}}" for c in cells))
    line()
    line(f"Tagged passages by {cov.by}")
    line(f"{'':<10} " + " ".join(f"{label(t):>{w}}" for t in cov.topics))
    for i, p in enumerate(cov.periods):
        line(f"{p:<10} " + " ".join(f"{cov.series(t)[i]:>{w}}" for t in cov.topics))
