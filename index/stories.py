"""Stories: articles about the same event. Two articles belong to one story when they
share text (a reuse cluster) or carry the same quotation, and their dates are at most
STORY_DAYS apart (an undated article goes by what it shares alone). A story is a
connected set of such articles; an article shares a story with an article it never
quotes if both share with a third.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date

from .quotes import QuoteGroup
from .reuse import Reuse

STORY_DAYS = 3


@dataclass
class Story:
    articles: list[str]  # earliest first (by date, then id)
    first: str
    links: int  # shared clusters and quotations between its articles


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "")[:10])
    except ValueError:
        return None


def close_in_time(a: str | None, b: str | None, days: int = STORY_DAYS) -> bool:
    da, db = _day(a), _day(b)
    return da is None or db is None or abs((da - db).days) <= days


def find_stories(
    reuse: Reuse,
    quotes: list[QuoteGroup],
    about: dict[str, tuple[str | None, str | None]],
    days: int = STORY_DAYS,
) -> list[Story]:
    """Stories of two articles or more, the largest first."""
    parent: dict[str, str] = {}
    pairs: list[str] = []  # one article of each linked pair

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def date_of(aid: str) -> str | None:
        return (about.get(aid) or (None, None))[1]

    parsed: dict[str, date | None] = {}

    def day_of(aid: str) -> date | None:  # an article is in many clusters: parsed once
        if aid not in parsed:
            parsed[aid] = _day(date_of(aid))
        return parsed[aid]

    def union(a: str, b: str) -> None:
        parent.setdefault(a, a)
        parent.setdefault(b, b)
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
        pairs.append(a)

    def link(ids: list[str]) -> None:
        """Join the articles that are close in time: in date order, each to the next
        when close (as connected as joining every close pair); an undated one to the
        first."""
        dated = sorted((d, a) for a in ids if (d := day_of(a)) is not None)
        undated = [a for a in ids if day_of(a) is None]
        for (da, a), (db, b) in itertools.pairwise(dated):
            if (db - da).days <= days:
                union(a, b)
        for a in undated:
            for b in ids[:2]:
                if a != b:
                    union(a, b)

    for cluster in reuse.clusters:
        link(cluster.articles)
    for group in quotes:
        link(group.articles)
    members: dict[str, list[str]] = {}
    for aid in parent:
        members.setdefault(find(aid), []).append(aid)
    links: dict[str, int] = {}
    for a in pairs:
        links[find(a)] = links.get(find(a), 0) + 1
    stories = []
    for root, ids in members.items():
        if len(ids) < 2:
            continue
        ids.sort(key=lambda a: (date_of(a) or "9999", a))
        stories.append(Story(ids, ids[0], links.get(root, 0)))
    stories.sort(key=lambda s: (-len(s.articles), date_of(s.first) or "9999", s.first))
    return stories
