"""Memos: notes on an article or on a topic (or on a topic within an article) that need
no tag, kept in the tag file's top-level `memos:` list.

A memo is found by what it is about, (article, topic): one memo per subject in a file,
whoever wrote it, as one span keeps one entry. Like the tag operations (model.py), the
memo operations are applied to the file as it is on disk, under its lock, and each
returns the operations that undo it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..tagfile import TagDoc, text_of
from .ids import new_id


def _subject(value: object) -> str | None:
    return None if value is None or str(value) == "" else str(value)


@dataclass(frozen=True, slots=True)
class Memo:
    id: str
    text: str
    article: str | None = None  # the article it is about (None: not one article)
    topic: str | None = None  # the topic it is about (None: not one topic)
    coder: str = ""  # who wrote it first
    created: str = ""
    updated: str = ""

    @property
    def about(self) -> tuple[str | None, str | None]:
        return (self.article, self.topic)

    @property
    def label(self) -> str:
        """What it is about, for lists: 'article a1', 'topic border', 'a1 · border'."""
        if self.article and self.topic:
            return f"{self.article} · {self.topic}"
        return f"article {self.article}" if self.article else f"topic {self.topic}"

    @classmethod
    def from_raw(cls, raw: dict) -> Memo:
        return cls(
            id=str(raw["id"]),
            text=text_of(raw, "text"),
            article=_subject(raw.get("article")),
            topic=_subject(raw.get("topic")),
            coder=text_of(raw, "coder"),
            created=text_of(raw, "created"),
            updated=text_of(raw, "updated"),
        )

    def to_raw(self) -> dict:
        raw: dict = {"id": self.id}
        if self.article:
            raw["article"] = self.article
        if self.topic:
            raw["topic"] = self.topic
        raw["text"] = self.text
        if self.coder:
            raw["coder"] = self.coder
        raw["created"], raw["updated"] = self.created, self.updated
        return raw


def about_of(raw: dict) -> tuple[str | None, str | None]:
    return (_subject(raw.get("article")), _subject(raw.get("topic")))


@dataclass(frozen=True, slots=True)
class SetMemo:
    """The memo about (article, topic) says text; it is made when there is none."""

    article: str | None
    topic: str | None
    text: str
    new_id: str = field(default_factory=new_id)


@dataclass(frozen=True, slots=True)
class RemoveMemo:
    """The memo(s) about (article, topic) go."""

    article: str | None
    topic: str | None


@dataclass(frozen=True, slots=True)
class PutMemo:
    """A memo back as it was (undo of a removal); its text goes into the memo now
    about the same subject, if another writer made one meanwhile."""

    raw: dict = field(hash=False)


MemoOp = SetMemo | RemoveMemo | PutMemo


def _found(doc: TagDoc, about: tuple[str | None, str | None]) -> list[int]:
    return [i for i, raw in enumerate(doc.memos) if about_of(raw) == about]


def apply_memo(doc: TagDoc, op: MemoOp, stamp: str, coder: str) -> list[MemoOp]:
    """Apply op to doc in place; returns the ops that undo it."""
    if isinstance(op, PutMemo):
        about = about_of(op.raw)
        if _found(doc, about):
            return apply_memo(doc, SetMemo(*about, text_of(op.raw, "text")), stamp, coder)
        doc.memos.append(dict(op.raw))
        return [RemoveMemo(*about)]
    about = (_subject(op.article), _subject(op.topic))
    found = _found(doc, about)
    if isinstance(op, RemoveMemo):
        undo: list[MemoOp] = [PutMemo(dict(doc.memos[i])) for i in found]
        for i in reversed(found):
            del doc.memos[i]
        return undo
    if found:
        raw = doc.memos[found[0]]
        old = text_of(raw, "text")
        if old == op.text:
            return []
        doc.memos[found[0]] = {**raw, "text": op.text, "updated": stamp}
        return [SetMemo(*about, old)]
    if not op.text:
        return []
    taken = {str(m.get("id")) for m in doc.memos}
    memo = Memo(
        op.new_id if op.new_id not in taken else new_id(),
        op.text,
        *about,
        coder=coder,
        created=stamp,
        updated=stamp,
    )
    doc.memos.append(memo.to_raw())
    return [RemoveMemo(*about)]
