"""Coverage: how much each topic is tagged, by outlet, together with which other topics,
and over time (by week or month of the article's date).

The unit is the passage, as for `tag:` searches and for agreement: a tag counts for every
passage it overlaps (a span for the passages it crosses), a passage counts once per topic
however many tags carry it there, and orphaned tags are left out (and counted). Articles
are counted as those with at least one tagged passage. Outlets and periods with no tag
are listed with zeros, so a gap shows as a gap. Plain data: `dossier stats`, the Coverage
screen and the HTML briefing draw it.
"""

from __future__ import annotations

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from .model import UNDATED, UNKNOWN_OUTLET, ArticleInfo
from .tags.model import Anchored
from .text import csv_cell

PERIODS = ("month", "week")
DATE_PREFIX = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(value: str | None, what: str) -> None:
    """Raise ValueError (naming the value, saying how to write one) unless value is a
    real ISO date or a prefix of one: `2023-13` or `2023-02-30` are refused."""
    if value is None:
        return
    if DATE_PREFIX.match(value):
        padded = value + "-01-01"[len(value) - 4 :]  # 2023 -> 2023-01-01, 2023-05 -> 2023-05-01
        try:
            date.fromisoformat(padded)
            return
        except ValueError:
            pass
    raise ValueError(f"{what}: {value} is not a date: YYYY, YYYY-MM or YYYY-MM-DD")


@dataclass(frozen=True, slots=True)
class Filters:
    """Which articles and topics count. Dates are ISO prefixes, both ends inclusive
    (`2023-05` from the first of May, to its last day); an undated article is left out
    once either end is given."""

    outlet: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    topic: str | None = None
    by: str = "month"

    def keeps(self, outlet: str, day: str | None) -> bool:
        if self.outlet is not None and outlet != self.outlet:
            return False
        if self.date_from or self.date_to:
            if not day:
                return False
            if self.date_from and day[: len(self.date_from)] < self.date_from:
                return False
            if self.date_to and day[: len(self.date_to)] > self.date_to:
                return False
        return True

    def as_json(self) -> dict:
        return {
            "outlet": self.outlet,
            "from": self.date_from,
            "to": self.date_to,
            "topic": self.topic,
        }


def passage_topics(anchored: Iterable[Anchored]) -> dict[str, set[str]]:
    """Passage id (ARTICLE#N) -> the topics on it; orphaned tags left out."""
    out: dict[str, set[str]] = defaultdict(set)
    for a in anchored:
        if a.orphaned:
            continue
        for pid in a.pids:
            out[pid].update(a.entry.topics)
    return dict(out)


def period_of(day: str | None, by: str) -> str:
    """`2023-05` (month) or `2023-W18` (ISO week) of an ISO date; UNDATED without one."""
    if not day:
        return UNDATED
    if by == "month":
        return day[:7] if len(day) >= 7 else UNDATED
    try:
        y, w, _ = date.fromisoformat(day[:10]).isocalendar()
    except ValueError:
        return UNDATED
    return f"{y}-W{w:02d}"


def _months(first: str, last: str) -> list[str]:
    y, m = int(first[:4]), int(first[5:7])
    out = []
    while f"{y:04d}-{m:02d}" <= last:
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _weeks(first: str, last: str) -> list[str]:
    day = date.fromisocalendar(int(first[:4]), int(first[6:]), 1)
    out = []
    while (p := period_of(day.isoformat(), "week")) <= last:
        out.append(p)
        day += timedelta(days=7)
    return out


def timeline(periods: Iterable[str], by: str) -> list[str]:
    """Every period from the first to the last seen (gaps filled), then UNDATED if seen."""
    seen = set(periods)
    dated = sorted(seen - {UNDATED})
    out = (_months if by == "month" else _weeks)(dated[0], dated[-1]) if dated else []
    return out + ([UNDATED] if UNDATED in seen else [])


@dataclass(slots=True)
class Coverage:
    by: str
    filters: Filters
    topics: list[str]  # the rows: codebook order, then unknown topics
    all_topics: list[str]  # the co-occurrence columns
    outlets: dict[str, int] = field(default_factory=dict)  # outlet -> articles kept
    passages: dict[tuple[str, str], int] = field(default_factory=dict)  # (topic, outlet)
    articles: dict[tuple[str, str], int] = field(default_factory=dict)
    totals: dict[str, tuple[int, int]] = field(default_factory=dict)  # passages, articles
    cooccurrence: dict[tuple[str, str], int] = field(default_factory=dict)
    periods: list[str] = field(default_factory=list)
    over_time: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)
    orphaned: int = 0

    def series(self, topic: str) -> list[int]:
        """Tagged passages of topic in each period, for a chart."""
        return [self.over_time.get((topic, p), (0, 0))[0] for p in self.periods]


def coverage(
    anchored: list[Anchored],
    infos: Mapping[str, ArticleInfo],
    codebook: list[str],
    filters: Filters = Filters(),
) -> Coverage:
    """The coverage figures of the tags in `anchored` over the articles in `infos`."""
    orphaned = sum(1 for a in anchored if a.orphaned)
    return coverage_of(passage_topics(anchored), infos, codebook, filters, orphaned)


def coverage_of(
    by_pid: Mapping[str, set[str]],
    infos: Mapping[str, ArticleInfo],
    codebook: list[str],
    filters: Filters = Filters(),
    orphaned: int = 0,
) -> Coverage:
    """The coverage figures of passages (id -> topics) over the articles in `infos`."""
    if filters.by not in PERIODS:
        raise ValueError(f"by must be one of {', '.join(PERIODS)}")

    def where(aid: str) -> tuple[str, str | None]:
        info = infos.get(aid)
        return ((info.source or UNKNOWN_OUTLET) if info else UNKNOWN_OUTLET), (
            info.date if info else None
        )

    kept = {aid for aid in infos if filters.keeps(*where(aid))}
    by_pid = {pid: ts for pid, ts in by_pid.items() if pid.rpartition("#")[0] in kept}
    used = {t for ts in by_pid.values() for t in ts}
    everything = list(codebook) + sorted(used - set(codebook))
    rows = [t for t in everything if filters.topic in (None, t)]
    cov = Coverage(filters.by, filters, rows, everything)
    cov.orphaned = orphaned
    for aid in sorted(kept):
        outlet = where(aid)[0]
        cov.outlets[outlet] = cov.outlets.get(outlet, 0) + 1
    cov.outlets = dict(sorted(cov.outlets.items()))
    cov.periods = timeline((period_of(where(aid)[1], filters.by) for aid in kept), filters.by)

    pids: dict[tuple[str, str], int] = defaultdict(int)
    arts: dict[tuple[str, str], set[str]] = defaultdict(set)
    time_p: dict[tuple[str, str], int] = defaultdict(int)
    time_a: dict[tuple[str, str], set[str]] = defaultdict(set)
    for pid, topics in by_pid.items():
        aid = pid.rpartition("#")[0]
        outlet, day = where(aid)
        when = period_of(day, filters.by)
        for t in topics:
            pids[t, outlet] += 1
            arts[t, outlet].add(aid)
            time_p[t, when] += 1
            time_a[t, when].add(aid)
            for u in topics:
                cov.cooccurrence[t, u] = cov.cooccurrence.get((t, u), 0) + 1
    for t in rows:
        for o in cov.outlets:
            cov.passages[t, o] = pids.get((t, o), 0)
            cov.articles[t, o] = len(arts.get((t, o), ()))
        for p in cov.periods:
            cov.over_time[t, p] = (time_p.get((t, p), 0), len(time_a.get((t, p), ())))
        cov.totals[t] = (
            sum(cov.passages[t, o] for o in cov.outlets),
            len({a for o in cov.outlets for a in arts.get((t, o), ())}),
        )
    return cov


def to_json(cov: Coverage, labels: Mapping[str, str] | None = None) -> dict:
    labels = labels or {}
    return {
        "by": cov.by,
        "filters": cov.filters.as_json(),
        "topics": [{"id": t, "label": labels.get(t, t)} for t in cov.topics],
        "outlets": {o: {"articles": n} for o, n in cov.outlets.items()},
        "matrix": {
            t: {
                o: {"passages": cov.passages[t, o], "articles": cov.articles[t, o]}
                for o in cov.outlets
            }
            for t in cov.topics
        },
        "totals": {
            t: {"passages": cov.totals[t][0], "articles": cov.totals[t][1]} for t in cov.topics
        },
        "cooccurrence": {
            t: {u: cov.cooccurrence.get((t, u), 0) for u in cov.all_topics} for t in cov.topics
        },
        "periods": cov.periods,
        "over_time": {
            t: {
                p: {"passages": cov.over_time[t, p][0], "articles": cov.over_time[t, p][1]}
                for p in cov.periods
            }
            for t in cov.topics
        },
        "orphaned": cov.orphaned,
    }


CSV_COLUMNS = ("table", "topic", "column", "passages", "articles")


def to_csv(cov: Coverage) -> str:
    """The figures of to_json in long form, one a row: `table` is matrix (column: the
    outlet), total, cooccurrence (column: the other topic; passages only) or over_time
    (column: the period). Outlet names come from articles: formula-safe cells."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(CSV_COLUMNS)
    for t in cov.topics:
        for o in cov.outlets:
            w.writerow(["matrix", t, csv_cell(o), cov.passages[t, o], cov.articles[t, o]])
        w.writerow(["total", t, "", *cov.totals[t]])
        for u in cov.all_topics:
            w.writerow(["cooccurrence", t, u, cov.cooccurrence.get((t, u), 0), ""])
        for p in cov.periods:
            w.writerow(["over_time", t, p, *cov.over_time[t, p]])
    return buf.getvalue()
