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
    tags unpacks the entries of one article only)."""

    def __init__(self, doc: TagDoc):
        self.doc = doc
        self.pids: dict[str, set[str]] | None = None  # topic -> passage ids, on demand
        self._made: dict[str, TagEntry] = {}
        self._articles: dict[str, list[TagEntry]] = {}
        self._by_article: dict[str, dict[str, dict]] = {}  # article -> entry id -> mapping

    @cached_property
    def ids(self) -> dict[str, str]:
        """Entry id -> its article (from the packed ids: nothing is unpacked)."""
        return {i: a for a in self.doc.groups for i in self.doc.ids(a)}

    def _raws_of(self, article_id: str) -> dict[str, dict]:
        hit = self._by_article.get(article_id)
        if hit is None:
            raws = self.doc.entries_of(article_id)
            hit = self._by_article[article_id] = {str(r["id"]): r for r in raws}
        return hit

    def get(self, entry_id: str) -> TagEntry | None:
        hit = self._made.get(entry_id)
        if hit is None:
            article = self.ids.get(entry_id)
            raw = None if article is None else self._raws_of(article).get(entry_id)
            if raw is None:
                return None
            hit = self._made[entry_id] = TagEntry.from_raw(raw)
        return hit

    @cached_property
    def entries(self) -> list[TagEntry]:
        made = [self.get(i) for a in self.doc.articles() for i in self._raws_of(a)]
        return sorted(made, key=lambda e: (e.article, e.start, e.end, e.id))

    def for_article(self, article_id: str) -> list[TagEntry]:
        hit = self._articles.get(article_id)
        if hit is None:
            raws = self._raws_of(article_id)
            hit = self._articles[article_id] = [self.get(i) for i in raws]
        return hit

    @cached_property
    def memos(self) -> list[Memo]:
        made = [Memo.from_raw(r) for r in self.doc.memos]
        return sorted(made, key=lambda m: (m.article or "", m.topic or "", m.id))

    @cached_property
    def dismissed(self) -> dict[tuple[str, int, str], str]:
        return {dismiss_key(d): tagfile.text_of(d, "quote") for d in self.doc.dismissed}


def diff(old: Snapshot, new: Snapshot) -> TagDiff:
    """Entries that differ, article by article (an article whose entries are the same
    list or the same packed bytes is skipped without unpacking; the same mapping object
    is the same entry)."""
    before: dict[str, TagEntry] = {}
    after: dict[str, TagEntry] = {}
    for article in set(old.doc.groups) | set(new.doc.groups):
        if old.doc.same_group(new.doc, article):
            continue
        a, b = old._raws_of(article), new._raws_of(article)
        before.update((i, old.get(i)) for i, r in a.items() if b.get(i) is not r and b.get(i) != r)
        after.update((i, new.get(i)) for i, r in b.items() if a.get(i) is not r and a.get(i) != r)
    articles = {e.article for e in before.values()} | {e.article for e in after.values()}
    dis = set(old.dismissed) ^ set(new.dismissed)
    articles |= {k[0] for k in dis}
    if old.doc.memos != new.doc.memos:
        memos = set(old.memos) ^ set(new.memos)
        articles |= {m.article for m in memos if m.article}
    return TagDiff(frozenset(articles), before, after)
