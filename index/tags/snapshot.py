"""One version of the tag file as readers see it (a Snapshot, never changed once made:
threads read it without a lock), and what changed between two versions (TagDiff)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from .. import tagfile
from ..tagfile import TagDoc
from .model import Memo, TagEntry, dismiss_key


@dataclass(frozen=True, slots=True)
class TagDiff:
    """What changed in the file since the store last saw it (another writer's work)."""

    articles: frozenset[str]  # whose tags, dismissals or memos changed
    before: dict[str, TagEntry] = field(default_factory=dict)  # changed or gone entries
    after: dict[str, TagEntry] = field(default_factory=dict)  # changed or new entries


class Snapshot:
    """The tags as of one version of the file (plus unsaved changes); never changed.
    Its indexes are made when first asked for (a `dossier tag` on a file of 50,000
    tags reads the entries of one article only)."""

    def __init__(self, doc: TagDoc):
        self.doc = doc
        self.pids: dict[str, set[str]] | None = None  # topic -> passage ids, on demand
        self._made: dict[str, TagEntry] = {}
        self._articles: dict[str, list[TagEntry]] = {}

    @cached_property
    def raws_by_id(self) -> dict[str, dict]:
        return {str(r["id"]): r for r in self.doc.entries}

    @cached_property
    def raws_by_article(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {}
        for r in self.doc.entries:
            out.setdefault(str(r["article"]), []).append(r)
        return out

    def get(self, entry_id: str) -> TagEntry | None:
        hit = self._made.get(entry_id)
        if hit is None:
            raw = self.raws_by_id.get(entry_id)
            if raw is None:
                return None
            hit = self._made[entry_id] = TagEntry.from_raw(raw)
        return hit

    @cached_property
    def entries(self) -> list[TagEntry]:
        made = [self.get(i) for i in self.raws_by_id]
        return sorted(made, key=lambda e: (e.article, e.start, e.end, e.id))

    def for_article(self, article_id: str) -> list[TagEntry]:
        hit = self._articles.get(article_id)
        if hit is None:
            raws = self.raws_by_article.get(article_id, ())
            hit = self._articles[article_id] = [self.get(str(r["id"])) for r in raws]
        return hit

    @cached_property
    def memos(self) -> list[Memo]:
        made = [Memo.from_raw(r) for r in self.doc.memos]
        return sorted(made, key=lambda m: (m.article or "", m.topic or "", m.id))

    @cached_property
    def dismissed(self) -> dict[tuple[str, int, str], str]:
        return {dismiss_key(d): tagfile.text_of(d, "quote") for d in self.doc.dismissed}


def diff(old: Snapshot, new: Snapshot) -> TagDiff:
    """Entries that differ (the same mapping object is the same entry: quick)."""
    a, b = old.raws_by_id, new.raws_by_id
    before = {i: old.get(i) for i, r in a.items() if b.get(i) is not r and b.get(i) != r}
    after = {i: new.get(i) for i, r in b.items() if a.get(i) is not r and a.get(i) != r}
    articles = {e.article for e in before.values()} | {e.article for e in after.values()}
    dis = set(old.dismissed) ^ set(new.dismissed)
    articles |= {k[0] for k in dis}
    if old.doc.memos != new.doc.memos:
        memos = set(old.memos) ^ set(new.memos)
        articles |= {m.article for m in memos if m.article}
    return TagDiff(frozenset(articles), before, after)
