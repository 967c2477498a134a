"""One version of the tag file as readers see it (a Snapshot, never changed once made:
threads read it without a lock), and what changed between two versions (TagDiff)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import tagfile
from ..tagfile import TagDoc
from .model import TagEntry, dismiss_key


@dataclass(frozen=True, slots=True)
class TagDiff:
    """What changed in the file since the store last saw it (another writer's work)."""

    articles: frozenset[str]
    before: dict[str, TagEntry] = field(default_factory=dict)  # changed or gone entries
    after: dict[str, TagEntry] = field(default_factory=dict)  # changed or new entries


class Snapshot:
    """The tags as of one version of the file (plus unsaved changes); never changed."""

    def __init__(self, doc: TagDoc):
        self.doc = doc
        self.entries = sorted(
            (TagEntry.from_raw(r) for r in doc.entries),
            key=lambda e: (e.article, e.start, e.end, e.id),
        )
        self.by_id = {e.id: e for e in self.entries}
        self.raw_by_id = {str(r["id"]): r for r in doc.entries}
        self.by_article: dict[str, list[TagEntry]] = {}
        for e in self.entries:
            self.by_article.setdefault(e.article, []).append(e)
        self.dismissed: dict[tuple[str, int, str], str] = {
            dismiss_key(d): tagfile.text_of(d, "quote") for d in doc.dismissed
        }
        self.pids: dict[str, set[str]] | None = None  # topic -> passage ids, on demand


def diff(old: Snapshot, new: Snapshot) -> TagDiff:
    before = {i: e for i, e in old.by_id.items() if new.by_id.get(i) != e}
    after = {i: e for i, e in new.by_id.items() if old.by_id.get(i) != e}
    articles = {e.article for e in before.values()} | {e.article for e in after.values()}
    dis = set(old.dismissed) ^ set(new.dismissed)
    articles |= {k[0] for k in dis}
    return TagDiff(frozenset(articles), before, after)
