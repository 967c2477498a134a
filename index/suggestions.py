"""Suggested topics: passages a topic's query matches that do not carry it yet. Above
search (it asks the engine); the tag store below knows nothing of it."""

from __future__ import annotations

from collections.abc import Iterable

from .config import Topic
from .model import Article
from .tags import TagStore


def suggestions(
    article: Article, engine, store: TagStore, topics: Iterable[Topic] | None = None
) -> dict[int, list[str]]:
    """Passage n -> topics whose query matches it, leaving out passages that already
    carry the topic and suggestions the user dismissed."""
    topics = list(store.settings.topics if topics is None else topics)
    tagged = {
        (n, t)
        for a in store.for_article(article)
        if not a.orphaned
        for n in a.passages
        for t in a.entry.topics
    }
    dismissed = store.dismissed_for(article)
    out: dict[int, list[str]] = {}
    for topic in topics:
        if not topic.query.strip():
            continue
        for pid in engine.matching_pids(topic.query, tags=store.lookup, article_id=article.id):
            n = int(pid.rsplit("#", 1)[1])
            if (n, topic.id) in tagged or (n, topic.id) in dismissed:
                continue
            out.setdefault(n, []).append(topic.id)
    return dict(sorted(out.items()))
