"""Evidence rows: each tag resolved against its article, with the article's title,
outlet and date, as the Tags screen, `dossier tags --json` and the exports show it."""

from __future__ import annotations

from collections.abc import Mapping

from ..config import Settings
from ..model import ArticleInfo
from ..topics import path_label, tree
from .model import Anchored
from .store import TagStore

Infos = Mapping[str, ArticleInfo]


def record(a: Anchored, infos: Infos | None) -> dict:
    """One tag (all its topics) as plain data."""
    e = a.entry
    info = infos.get(e.article) if infos is not None else None
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
        "coder": e.coder,
        "status": a.status,
        "reason": a.reason or None,
        "start": a.start,
        "end": a.end,
        "anchor": {"start": e.start, "end": e.end},
        "quote": e.quote,
        "created": e.created,
        "updated": e.updated,
    }


def rows(
    store: TagStore,
    infos: Infos | None,
    settings: Settings,
    topic: str | None = None,
    outlet: str | None = None,
) -> list[dict]:
    """One row per (tag, topic), in codebook order, then by date, article, position;
    each row is record() plus topic, topic_label ("Parent › Child" for a sub-topic) and
    outlet_name (never empty). Codebook order is tree order: each parent, then its
    children."""
    order = {t.id: i for i, (t, _) in enumerate(tree(settings.topics))}
    out = []
    for a in store.resolve_all(topic):
        rec = record(a, infos)
        outlet_name = rec["outlet"] or "unknown outlet"
        if outlet is not None and outlet != outlet_name:
            continue
        for t in a.entry.topics:
            if topic and t != topic:
                continue
            out.append(
                {
                    **rec,
                    "topic": t,
                    "topic_label": path_label(settings.topics, t),
                    "outlet_name": outlet_name,
                }
            )
    out.sort(
        key=lambda r: (
            order.get(r["topic"], len(order)),
            r["date"] or "",
            r["article"],
            r["start"] or 0,
        )
    )
    return out


def topic_order(settings: Settings, rows: list[dict]) -> list[str]:
    """Topics present in rows: codebook (tree) order, then unknown ones alphabetically."""
    order = [t.id for t, _ in tree(settings.topics)]
    present = {r["topic"] for r in rows}
    return [t for t in order if t in present] + sorted(present - set(order))
