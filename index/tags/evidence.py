"""Evidence rows: each tag resolved against its article, with the article's title,
outlet and date, as the Tags screen, `dossier tags --json` and the exports show it."""

from __future__ import annotations

from collections.abc import Mapping

from ..config import Settings
from ..model import ArticleInfo, outlet_label
from ..topics import path_label, tree
from .model import Anchored, Memo
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
        "status": a.status,
        "reason": a.reason or None,
        "start": a.start,
        "end": a.end,
        "anchor": {"start": e.start, "end": e.end},
        "quote": e.quote,
        "coder": e.coder,
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
    labels = {t.id: path_label(settings.topics, t.id) for t in settings.topics}
    out = []
    for a in store.resolve_all(topic):
        rec = record(a, infos)
        outlet_name = outlet_label(rec["outlet"])
        if outlet is not None and outlet != outlet_name:
            continue
        for t in a.entry.topics:
            if topic and t != topic:
                continue
            out.append(
                {
                    **rec,
                    "topic": t,
                    "topic_label": labels.get(t, t),
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


def memos_for(memos: list[Memo], rows: list[dict], topic: str | None = None) -> list[Memo]:
    """The memos that go with rows: all of them, or for one topic the memos on that
    topic and those on the articles of rows (alone or with that topic)."""
    if topic is None:
        return memos
    articles = {r["article"] for r in rows}
    return [
        m for m in memos if m.topic == topic or (m.article in articles and m.topic in (None, topic))
    ]


def memo_about(memo: Memo, infos: Infos | None, settings: Settings) -> str:
    """What a memo is on, in words: the article's title and/or the topic's label."""
    about = []
    if memo.article:
        info = infos.get(memo.article) if infos is not None else None
        about.append(info.title if info and info.title else memo.article)
    if memo.topic:
        known = settings.topic(memo.topic)
        about.append(known.label if known else memo.topic)
    return " · ".join(about)
