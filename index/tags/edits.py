"""The named edits of the tag store (tag a span, toggle a topic on a passage, what the
topic picker does, remove, note, accept or dismiss a suggestion, write or remove a memo):
each one change (one undo step) built from operations (model.py) that the store applies
under the lock."""

from __future__ import annotations

from collections.abc import Iterable

from ..anchoring import make_anchor
from ..errors import NotFound
from ..model import Article
from .model import (
    DISMISS_QUOTE,
    AddTopics,
    Dismiss,
    Memo,
    Op,
    RemoveEntry,
    RemoveMemo,
    RemoveTopics,
    SetMemo,
    SetNote,
    TagEntry,
    TagError,
    Target,
    ToggleTopic,
    now_iso,
    short,
    topics_of,
)


class Edits:
    """Mixed into TagStore, which provides apply(), entry(), for_article(), _locate(),
    memo()."""

    def _check_topics(self, topics: Iterable[str], allow_empty: bool = False) -> list[str]:
        if isinstance(topics, str):
            topics = [topics]
        out: list[str] = []
        for t in topics:
            if self.settings.topic(t) is None:
                known = ", ".join(x.id for x in self.settings.topics) or "none"
                raise TagError(
                    f"no topic '{t}' in the codebook of {self.settings.path} (topics: {known})"
                )
            if t not in out:
                out.append(t)
        if not out and not allow_empty:
            raise TagError("a tag needs at least one topic")
        return out

    def _passage(self, article: Article, n: int):
        if not 1 <= n <= len(article.passages):
            raise NotFound(f"{article.id} has no passage {n} (it has {len(article.passages)})")
        return article.passage(n)

    def span_target(self, article: Article, start: int, end: int) -> Target:
        try:
            anchor = make_anchor(article.text, start, end)
        except ValueError as exc:
            raise TagError(f"{article.id}: cannot tag {exc}") from None
        return Target(article.id, anchor, article.content_hash, None, article)

    def passage_target(self, article: Article, n: int) -> Target:
        p = self._passage(article, n)
        return self.span_target(article, p.start, p.end)

    def _entry_at(self, target: Target) -> TagEntry | None:
        doc = self._snap.doc
        found = self._locate(doc, target)
        return TagEntry.from_raw(doc.entries[found[0]]) if found else None

    def _where(self, article_id: str, exact: str) -> str:
        return f"{article_id} “{short(exact)}”"

    def add(
        self, article: Article, start: int, end: int, topics: list[str], note: str = ""
    ) -> TagEntry:
        """Tag text[start:end] of article. The entry on exactly that span (whoever made
        it) gains the topics and the note instead of a second entry being made."""
        topics = self._check_topics(topics)
        target = self.span_target(article, start, end)
        self.apply(
            [AddTopics(target, tuple(topics), note or "")],
            f"tagged {', '.join(topics)} on {self._where(article.id, target.anchor.exact)}",
        )
        entry = self._entry_at(target)
        assert entry is not None
        return entry

    def add_passage(self, article: Article, n: int, topics: list[str], note: str = "") -> TagEntry:
        p = self._passage(article, n)
        return self.add(article, p.start, p.end, topics, note)

    def change_passage(
        self, article: Article, n: int, add: Iterable[str] = (), remove: Iterable[str] = ()
    ) -> TagEntry | None:
        """Topics on and off passage n in one change (one undo step): what the topic
        picker does. Topics others added meanwhile stay."""
        add_t, rm_t = self._check_topics(add, True), self._check_topics(remove, True)
        target = self.passage_target(article, n)
        ops: list[Op] = []
        if add_t:
            ops.append(AddTopics(target, tuple(add_t)))
        if rm_t:
            ops.append(RemoveTopics(target, tuple(rm_t)))
        what = ", ".join([f"+{t}" for t in add_t] + [f"-{t}" for t in rm_t])
        if ops:
            self.apply(ops, f"topics {what} on {article.id}#{n}")
        return self._entry_at(target)

    def remove(self, entry_id: str) -> TagEntry:
        entry = self.entry(entry_id)
        self.remove_entries([entry.id])
        return entry

    def remove_entries(self, entry_ids: Iterable[str]) -> list[TagEntry]:
        """Remove several entries in one change (one undo step)."""
        entries = [self.entry(i) for i in entry_ids]
        if not entries:
            return []
        what = (
            f"removed {', '.join(entries[0].topics)} from "
            f"{self._where(entries[0].article, entries[0].exact)}"
            if len(entries) == 1
            else f"removed {len(entries)} tags"
        )
        self.apply([RemoveEntry(Target.of_entry(e)) for e in entries], what)
        return entries

    def remove_topic(self, entry_id: str, topic: str) -> TagEntry | None:
        """Take one topic off an entry (the entry goes with its last topic: then None)."""
        entry = self.entry(entry_id)
        target = Target.of_entry(entry)
        self.apply(
            [RemoveTopics(target, (topic,))],
            f"removed {topic} from {self._where(entry.article, entry.exact)}",
        )
        return self._snap.get(entry.id)

    def set_note(self, entry_id: str, note: str) -> TagEntry:
        entry = self.entry(entry_id)
        self.apply(
            [SetNote(Target.of_entry(entry), note or "")],
            f"note on {self._where(entry.article, entry.exact)}",
        )
        return self._snap.get(entry.id) or entry

    def set_topics(self, entry_id: str, topics: list[str]) -> TagEntry:
        """Make the entry's topics these, as a difference from what it showed: listed
        ones it lacked go on, unlisted ones it had come off; topics another writer added
        meanwhile stay. None left removes it."""
        entry = self.entry(entry_id)
        topics = self._check_topics(topics, allow_empty=True)
        target = Target.of_entry(entry)
        ops: list[Op] = []
        gone = tuple(t for t in entry.topics if t not in topics)
        new = tuple(t for t in topics if t not in entry.topics)
        if new:
            ops.append(AddTopics(target, new))
        if gone:
            ops.append(RemoveTopics(target, gone))
        where = self._where(entry.article, entry.exact)
        self.apply(ops, f"topics {', '.join(topics) or 'none'} on {where}")
        return self._snap.get(entry.id) or entry

    def toggle_passage_topic(self, article: Article, n: int, topic: str) -> TagEntry | None:
        """Add topic to the whole-passage tag of passage n, or take it off when it is
        there in the file as it is now (the entry goes with its last topic: then None)."""
        self._check_topics([topic])
        target = self.passage_target(article, n)
        doc = self._snap.doc
        had = any(topic in topics_of(doc.entries[i]) for i in self._locate(doc, target))
        verb = "removed" if had else "tagged"
        self.apply([ToggleTopic(target, topic)], f"{verb} {topic} on {article.id}#{n}")
        return self._entry_at(target)

    def accept(self, article: Article, n: int, topic: str | Iterable[str]) -> TagEntry:
        """Accept suggestions: passage n gets the topics (never takes one off)."""
        topics = self._check_topics(topic)
        return self.add_passage(article, n, topics)

    def dismiss(self, article: Article, n: int, topic: str | Iterable[str]) -> None:
        """Remember that the suggestions of these topics on passage n were turned down."""
        topics = self._check_topics(topic)
        p = self._passage(article, n)
        stamp = now_iso()
        quote = p.text[:DISMISS_QUOTE]
        ops = [
            Dismiss(
                {"article": article.id, "passage": n, "topic": t, "quote": quote, "created": stamp}
            )
            for t in topics
        ]
        self.apply(ops, f"dismissed {', '.join(topics)} on {article.id}#{n}")

    def _memo_subject(
        self, article: str | None, topic: str | None
    ) -> tuple[str | None, str | None, str]:
        article = str(article) if article not in (None, "") else None
        topic = self._check_topics([topic])[0] if topic not in (None, "") else None
        if article is None and topic is None:
            raise TagError("a memo is about an article or a topic: name one")
        where = " · ".join(x for x in (article, topic) if x)
        return article, topic, where

    def set_memo(
        self, text: str, article: str | None = None, topic: str | None = None
    ) -> Memo | None:
        """The memo about this article and/or topic says text (made when there is none;
        empty text removes it). One change, one undo step. Returns the memo now there."""
        article, topic, where = self._memo_subject(article, topic)
        text = (text or "").strip()
        if not text:
            self.remove_memo(article, topic)
            return None
        self.apply([SetMemo(article, topic, text)], f"memo on {where}")
        return self.memo(article, topic)

    def remove_memo(self, article: str | None = None, topic: str | None = None) -> Memo | None:
        """Remove the memo about this subject; returns it (None when there was none)."""
        article, topic, where = self._memo_subject(article, topic)
        gone = self.memo(article, topic)
        self.apply([RemoveMemo(article, topic)], f"removed the memo on {where}")
        return gone
