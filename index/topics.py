"""The codebook as a tree: topics with `parent:` are sub-topics. The picker, the Tags
screen, its matrix and the exports show topics in tree order (each parent followed by
its children, codebook order among siblings) with their depth or their path
("Parent › Child"). config.py has already refused unknown parents and cycles."""

from __future__ import annotations

from collections.abc import Iterable

from .config import Topic

PATH_SEPARATOR = " › "


def tree(topics: Iterable[Topic]) -> list[tuple[Topic, int]]:
    """(topic, depth) depth-first: roots in codebook order, each followed by its
    children. A topic whose parent is missing is a root (it cannot be lost)."""
    topics = list(topics)
    ids = {t.id for t in topics}
    children: dict[str | None, list[Topic]] = {}
    for t in topics:
        children.setdefault(t.parent if t.parent in ids else None, []).append(t)
    out: list[tuple[Topic, int]] = []
    seen: set[str] = set()

    def walk(parent: str | None, depth: int) -> None:
        for t in children.get(parent, ()):
            if t.id in seen:  # a cycle config.py would refuse; never loop on it
                continue
            seen.add(t.id)
            out.append((t, depth))
            walk(t.id, depth + 1)

    walk(None, 0)
    out += [(t, 0) for t in topics if t.id not in seen]
    return out


def ancestors(topics: Iterable[Topic], topic_id: str) -> list[Topic]:
    """The topic's ancestors, the root first (empty for a root or an unknown id)."""
    by_id = {t.id: t for t in topics}
    out: list[Topic] = []
    at = by_id.get(topic_id)
    while at is not None and at.parent in by_id and by_id[at.parent] not in out:
        at = by_id[at.parent]
        out.insert(0, at)
    return out


def path_label(topics: Iterable[Topic], topic_id: str) -> str:
    """ "Parent › Child" for a sub-topic, the label for a root, the id for an unknown."""
    topics = list(topics)
    me = next((t for t in topics if t.id == topic_id), None)
    if me is None:
        return topic_id
    return PATH_SEPARATOR.join(t.label for t in [*ancestors(topics, topic_id), me])


def indented(topic: Topic, depth: int, indent: str = "  ") -> str:
    """The label indented by depth, as the picker and the matrix list it."""
    return indent * depth + topic.label
