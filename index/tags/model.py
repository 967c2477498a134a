"""What a tag is (TagEntry, Anchored) and the changes made to tags, as operations.

A change is a list of operations (add topics to a passage or span, remove topics, set a
note, remove an entry, put an entry back, dismiss a suggestion...). The store applies
them to the tag file's content as it is on disk at that moment, under the lock, so two
writers never undo each other: each operation is a set-add or set-remove on one entry,
found by id or by the text it anchors, never a whole entry computed from an older copy.
Applying an operation returns the operations that undo exactly what it did.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from ..anchoring import ORPHANED, Anchor
from ..errors import DossierError
from ..model import Article
from ..tagfile import TagDoc, text_of
from .ids import new_id, now_iso
from .memos import Memo as Memo
from .memos import MemoOp, PutMemo, RemoveMemo, SetMemo, apply_memo

DISMISS_QUOTE = 60  # characters of the passage kept with a dismissal, to find it again


class TagError(DossierError):
    """A tag request that cannot be carried out as asked (unknown topic, empty span)."""

    exit_code = 2


class TagNotSaved(TagError):
    """The change is made in memory but the tag file could not be written; the store
    keeps it and writes it on the next change or retry."""

    exit_code = 1


def short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


@dataclass(frozen=True, slots=True)
class TagEntry:
    id: str
    article: str
    topics: tuple[str, ...]
    note: str
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    article_hash: str = ""
    created: str = ""
    updated: str = ""
    coder: str = ""  # who made the entry ("" in files older than coders)

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.start, self.end, self.exact, self.prefix, self.suffix)

    @property
    def quote(self) -> str:
        return self.exact

    @classmethod
    def from_raw(cls, raw: dict) -> TagEntry:
        a = raw["anchor"]
        return cls(
            id=str(raw["id"]),
            article=str(raw["article"]),
            topics=topics_of(raw),
            note=text_of(raw, "note"),
            start=a["start"],
            end=a["end"],
            exact=a["exact"],
            prefix=a.get("prefix") or "",
            suffix=a.get("suffix") or "",
            article_hash=text_of(raw, "article_hash"),
            created=text_of(raw, "created"),
            updated=text_of(raw, "updated"),
            coder=text_of(raw, "coder"),
        )

    def to_raw(self) -> dict:
        raw = {
            "id": self.id,
            "article": self.article,
            "topics": list(self.topics),
            "note": self.note,
            "anchor": {
                "start": self.start,
                "end": self.end,
                "prefix": self.prefix,
                "exact": self.exact,
                "suffix": self.suffix,
            },
            "article_hash": self.article_hash,
            "created": self.created,
            "updated": self.updated,
        }
        if self.coder:
            raw["coder"] = self.coder
        return raw


def topics_of(raw: dict) -> tuple[str, ...]:
    topics = raw.get("topics") or []
    if isinstance(topics, str):
        topics = [topics]
    return tuple(str(t) for t in topics)


@dataclass(frozen=True, slots=True)
class Anchored:
    """An entry resolved against the article as it is now (in memory only)."""

    entry: TagEntry
    status: str  # exact, moved, fuzzy, orphaned
    start: int | None
    end: int | None
    passage_n: int | None  # first passage the span overlaps
    passages: tuple[int, ...] = ()  # every passage it overlaps
    score: float = 1.0
    reason: str = ""  # why it is orphaned

    @property
    def orphaned(self) -> bool:
        return self.status == ORPHANED

    @property
    def pids(self) -> list[str]:
        return [f"{self.entry.article}#{n}" for n in self.passages]

    def is_whole_passage(self, article: Article) -> bool:
        if self.passage_n is None or len(self.passages) != 1:
            return False
        p = article.passage(self.passage_n)
        return (self.start, self.end) == (p.start, p.end)


# --- what an operation applies to --------------------------------------------------


@dataclass(frozen=True, slots=True)
class Target:
    """A passage or span of an article (and, when known, the id of its entry). An
    operation finds its entry in the current file by id, else by the text it anchors:
    the same span of the same article is the same entry, whoever made it."""

    article_id: str
    anchor: Anchor
    article_hash: str = ""
    entry_id: str | None = None
    article: Article | None = field(default=None, compare=False, repr=False)

    @classmethod
    def of_raw(cls, raw: dict, article: Article | None = None) -> Target:
        e = TagEntry.from_raw(raw)
        return cls(e.article, e.anchor, e.article_hash, e.id, article)

    @classmethod
    def of_entry(cls, entry: TagEntry, article: Article | None = None) -> Target:
        return cls(entry.article, entry.anchor, entry.article_hash, entry.id, article)

    def new_raw(
        self, entry_id: str, topics: list[str], note: str, stamp: str, coder: str = ""
    ) -> dict:
        a = self.anchor
        return TagEntry(
            entry_id,
            self.article_id,
            tuple(topics),
            note,
            a.start,
            a.end,
            a.exact,
            a.prefix,
            a.suffix,
            self.article_hash,
            stamp,
            stamp,
            coder,
        ).to_raw()


# Finds the entries of the doc a target stands for (indexes into doc.entries); the
# store supplies it, as finding moved text needs the article and a cache.
Locate = Callable[[TagDoc, Target], list[int]]


# --- operations ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class AddTopics:
    """Topics (and a note line) onto the target's entry; the entry is made if none."""

    target: Target
    topics: tuple[str, ...]
    note: str = ""
    new_id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class RemoveTopics:
    """Topics off the target's entries; an entry left with none goes."""

    target: Target
    topics: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ToggleTopic:
    """Off when any entry of the target has it (as the file is now), else on."""

    target: Target
    topic: str


@dataclass(frozen=True, slots=True)
class SetNote:
    target: Target
    note: str


@dataclass(frozen=True, slots=True)
class RemoveEntry:
    target: Target


@dataclass(frozen=True, slots=True)
class PutEntry:
    """An entry back as it was (undo of a removal); merged into the entry now on the
    same text, if another writer made one meanwhile."""

    raw: dict = field(hash=False)


@dataclass(frozen=True, slots=True)
class Dismiss:
    raw: dict = field(hash=False)


@dataclass(frozen=True, slots=True)
class Undismiss:
    key: tuple[str, int, str]


TagOp = (
    AddTopics | RemoveTopics | ToggleTopic | SetNote | RemoveEntry | PutEntry | Dismiss | Undismiss
)
Op = TagOp | MemoOp


def dismiss_key(raw: dict) -> tuple[str, int, str]:
    return (str(raw.get("article")), int(raw.get("passage", 0)), str(raw.get("topic")))


def apply(
    doc: TagDoc, op: Op, locate: Locate, stamp: str | None = None, coder: str = ""
) -> list[Op]:
    """Apply op to doc in place; returns the ops that undo what it did (in order). An
    entry or memo it makes records `coder`."""
    stamp = stamp or now_iso()
    if isinstance(op, SetMemo | RemoveMemo | PutMemo):
        return list(apply_memo(doc, op, stamp, coder))
    if isinstance(op, AddTopics):
        return _add(doc, op.target, list(op.topics), op.note, op.new_id, locate, stamp, coder)
    if isinstance(op, RemoveTopics):
        return _remove(doc, locate(doc, op.target), set(op.topics), stamp)
    if isinstance(op, ToggleTopic):
        found = locate(doc, op.target)
        if any(op.topic in topics_of(doc.entries[i]) for i in found):
            return _remove(doc, found, {op.topic}, stamp)
        return _add(doc, op.target, [op.topic], "", new_id(), locate, stamp, coder)
    if isinstance(op, SetNote):
        found = locate(doc, op.target)
        if not found:
            return []
        raw = doc.entries[found[0]]
        old = text_of(raw, "note")
        if old == op.note:
            return []
        doc.entries[found[0]] = {**raw, "note": op.note, "updated": stamp}
        return [SetNote(Target.of_raw(raw, op.target.article), old)]
    if isinstance(op, RemoveEntry):
        found = locate(doc, op.target)
        undo = [PutEntry(dict(doc.entries[i])) for i in found]
        for i in sorted(found, reverse=True):
            del doc.entries[i]
        return undo
    if isinstance(op, PutEntry):
        raw = op.raw
        if doc.index_of(raw["id"]) is not None:
            return []
        target = Target.of_raw(raw)
        if locate(doc, target):  # another writer tagged the same text meanwhile
            note = text_of(raw, "note")
            return _add(doc, target, list(topics_of(raw)), note, raw["id"], locate, stamp, coder)
        doc.entries.append(dict(raw))
        return [RemoveEntry(target)]
    if isinstance(op, Dismiss):
        key = dismiss_key(op.raw)
        if any(dismiss_key(d) == key for d in doc.dismissed):
            return []
        doc.dismissed.append(dict(op.raw))
        return [Undismiss(key)]
    if isinstance(op, Undismiss):
        gone = [d for d in doc.dismissed if dismiss_key(d) == op.key]
        doc.dismissed = [d for d in doc.dismissed if dismiss_key(d) != op.key]
        return [Dismiss(dict(d)) for d in gone]
    raise TypeError(f"not a tag operation: {op!r}")  # pragma: no cover


def _add(
    doc: TagDoc,
    target: Target,
    topics: list[str],
    note: str,
    eid: str,
    locate: Locate,
    stamp: str,
    coder: str = "",
) -> list[Op]:
    found = locate(doc, target)
    if not found:
        raw = target.new_raw(eid, topics, note, stamp, coder)
        doc.entries.append(raw)
        return [RemoveTopics(Target.of_raw(raw, target.article), tuple(topics))]
    have = {t for i in found for t in topics_of(doc.entries[i])}
    i = found[0]
    raw = doc.entries[i]
    added = [t for t in dict.fromkeys(topics) if t not in have]
    old_note = text_of(raw, "note")
    new_note = old_note
    if note and note not in old_note.split("\n"):
        new_note = f"{old_note}\n{note}" if old_note else note
    if not added and new_note == old_note:
        return []
    doc.entries[i] = {
        **raw,
        "topics": [*topics_of(raw), *added],
        "note": new_note,
        "updated": stamp,
    }
    me = Target.of_raw(raw, target.article)
    undo: list[Op] = []
    if added:
        undo.append(RemoveTopics(me, tuple(added)))
    if new_note != old_note:
        undo.append(SetNote(me, old_note))
    return undo


def _remove(doc: TagDoc, found: list[int], topics: set[str], stamp: str) -> list[Op]:
    undo: list[Op] = []
    gone: list[int] = []
    for i in found:
        raw = doc.entries[i]
        have = topics_of(raw)
        removed = [t for t in have if t in topics]
        if not removed:
            continue
        rest = [t for t in have if t not in topics]
        if rest:
            doc.entries[i] = {**raw, "topics": rest, "updated": stamp}
            undo.append(AddTopics(Target.of_raw(raw), tuple(removed), new_id=str(raw["id"])))
        else:
            gone.append(i)
            undo.append(PutEntry(dict(raw)))
    for i in sorted(gone, reverse=True):
        del doc.entries[i]
    return undo
