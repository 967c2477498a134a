"""What a view of one article draws for its tags: topic marks per passage, span
highlights, the status words for the passage under the cursor, and what a change made by
another writer did to it. Plain data; the faces turn it into pictures."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..model import Article
from .model import short
from .store import TagDiff, TagStore

Mark = tuple[str, str]  # label, colour


@dataclass(slots=True)
class ArticleMarks:
    marks: dict[int, list[Mark]] = field(default_factory=dict)  # passage n -> topic marks
    spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)  # in passage


def topic_mark(store: TagStore, topic_id: str) -> Mark:
    topic = store.settings.topic(topic_id)
    return (topic.label, topic.colour) if topic else (topic_id, "grey50")


def article_marks(store: TagStore, article: Article) -> ArticleMarks:
    out = ArticleMarks()
    for a in store.for_article(article):
        if a.orphaned or a.start is None or a.end is None:
            continue
        if not a.is_whole_passage(article):
            colour = topic_mark(store, a.entry.topics[0])[1] if a.entry.topics else "grey50"
            for n in a.passages:
                p = article.passage(n)
                s, e = max(a.start, p.start), min(a.end, p.end)
                if s < e:
                    out.spans.setdefault(n, []).append((s - p.start, e - p.start, colour))
        for n in a.passages:
            for tid in a.entry.topics:
                mark = topic_mark(store, tid)
                if mark not in out.marks.setdefault(n, []):
                    out.marks[n].append(mark)
    return out


def suggestion_marks(store: TagStore, sugg: dict[int, list[str]]) -> dict[int, list[Mark]]:
    known = {t.id for t in store.settings.topics}
    return {n: [topic_mark(store, t) for t in ts if t in known] for n, ts in sugg.items()}


def passage_words(store: TagStore, article: Article, n: int) -> list[str]:
    """The tags on passage n as the status line says them."""
    parts = []
    for a in store.for_article(article):
        if n not in a.passages or a.orphaned:
            continue
        labels = ", ".join(topic_mark(store, t)[0] for t in a.entry.topics)
        what = "tags" if a.is_whole_passage(article) else f"span “{short(a.entry.exact, 30)}”"
        note = f" — note: {short(a.entry.note, 50)}" if a.entry.note else ""
        parts.append(f"{what}: {labels}{note}")
    return parts


def entries_on_passage(store: TagStore, article: Article, n: int):
    """Entries to remove with `d` on passage n: the whole-passage tag when there is one,
    else the span tags on it."""
    here = [a for a in store.for_article(article) if n in a.passages and not a.orphaned]
    whole = [a.entry for a in here if a.is_whole_passage(article)]
    return whole or [a.entry for a in here]


def describe_change(store: TagStore, diff: TagDiff, article: Article, limit: int = 3) -> str:
    """'tags changed on disk: 002#14 now border, corridor' for the passages of article
    that another writer's change touched; '' when it touched none of them."""
    if article.id not in diff.articles:
        return ""
    touched: set[int] = set()
    for entry in [*diff.before.values(), *diff.after.values()]:
        if entry.article == article.id:
            a = store.anchored(entry, article)
            touched.update(a.passages)
    if not touched:
        return "tags changed on disk for this article"
    said = []
    for n in sorted(touched)[:limit]:
        labels = [topic_mark(store, t)[0] for t in store.topics_of_passage(article, n)]
        said.append(f"{article.id}#{n} now {', '.join(labels) if labels else 'untagged'}")
    more = f" (+{len(touched) - limit} more)" if len(touched) > limit else ""
    return "tags changed on disk: " + "; ".join(said) + more
