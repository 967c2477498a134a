"""The coverage figures worked out from `dossier tags --json` and `show --json` alone, to
check `dossier stats` and the Coverage screen against (tests/test_stats*.py)."""

from __future__ import annotations

import json
from collections import defaultdict

from index.stats import period_of


def expected_from_tags(dossier, by: str = "month") -> dict:
    """dossier(*argv) -> stdout of the command. Returns matrix[topic][outlet] and
    time[topic][period] as [passages, set of articles], co[topic][topic] and orphans."""
    entries = json.loads(dossier("tags", "--json"))["entries"]
    shows: dict[str, dict] = {}
    pid_topics: dict[str, set[str]] = defaultdict(set)
    where: dict[str, tuple[str, str]] = {}
    orphans = 0
    for e in entries:
        if e["status"] == "orphaned":
            orphans += 1
            continue
        aid = e["article"]
        if aid not in shows:
            shows[aid] = json.loads(dossier("show", aid, "--json"))
        where[aid] = (e["outlet"] or "unknown outlet", e["date"])
        for p in shows[aid]["passages"]:
            if p["start"] < e["end"] and e["start"] < p["end"]:
                pid_topics[p["id"]].update(e["topics"])
    matrix: dict = defaultdict(lambda: defaultdict(lambda: [0, set()]))
    time: dict = defaultdict(lambda: defaultdict(lambda: [0, set()]))
    co: dict = defaultdict(lambda: defaultdict(int))
    for pid, topics in pid_topics.items():
        aid = pid.rpartition("#")[0]
        outlet, day = where[aid]
        for t in topics:
            matrix[t][outlet][0] += 1
            matrix[t][outlet][1].add(aid)
            time[t][period_of(day, by)][0] += 1
            time[t][period_of(day, by)][1].add(aid)
            for u in topics:
                co[t][u] += 1
    return {"matrix": matrix, "time": time, "co": co, "orphans": orphans}
