"""The tag store: the user's tag file, read into immutable snapshots, changed by
operations (model.py) merged under the file's lock, with undo and redo.

A change never writes a copy made earlier: under the lock the file is read as it is now,
the change's operations are applied to that content, and the result is written
atomically (tagfile.py). So tags another instance (the CLI, a second reader) saved in the
meantime are kept, and one passage or span keeps one entry whoever tagged it. Undo and
redo apply the inverse operations the same way.

Readers (the UI thread, the search worker asking `tag:`) see one snapshot at a time and
never a half-made change. A file that cannot be written keeps the change in memory
(TagNotSaved says so) and every later change or retry() tries again. poll() notices
changes others made to the file and says which articles they touched.

The store knows nothing of the index or the engine: it finds articles (to re-anchor)
through an ArticleSource, a callable id -> Article | None.

Kept as one module though over 400 lines: it is the one class `TagStore`, every method
reading or replacing its snapshot under the file's lock; the operations are in model.py
and edits.py.

Over 400 lines as one idea: the store's read-merge-write cycle, undo/redo and the
snapshot readers share its lock and state; the operations are in edits.py and model.py.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import tagfile
from ..anchoring import ORPHANED, resolve
from ..config import Settings
from ..errors import DossierError, NotFound, TagFileError
from ..model import Article
from ..tagfile import TagDoc
from .edits import Edits
from .model import (
    Anchored,
    Memo,
    Op,
    TagEntry,
    TagNotSaved,
    Target,
    apply,
    now_iso,
)
from .snapshot import Snapshot, TagDiff, diff

ArticleSource = Callable[[str], "Article | None"]


@dataclass(frozen=True, slots=True)
class Change:
    """One undo step: the operations done and those that undo them."""

    description: str
    ops: tuple[Op, ...]
    inverse: tuple[Op, ...]


class _ByMethod:
    """An ArticleSource over an object with .article(id) (a Library)."""

    def __init__(self, source: Any):
        self.source = source

    def __call__(self, article_id: str) -> Article | None:
        try:
            return self.source.article(article_id)
        except DossierError:
            return None

    def forget(self) -> None:
        pass


class TagsLoading(TagFileError):
    """The tag file is still being read: tagging starts when it is."""

    def __init__(self) -> None:
        super().__init__("loading tags… (tagging starts once the tag file is read)")


class TagStore(Edits):
    """The user's tags. Safe to read from several threads; changes are serialised."""

    def __init__(
        self,
        settings: Settings,
        doc: TagDoc | None = None,
        articles: ArticleSource | Any = None,
        error: TagFileError | None = None,
    ):
        self.settings = settings
        self.path = Path(settings.tags_file)
        self.error = error  # set when the file could not be read: tagging is off
        self.save_error: str | None = None  # set while changes wait to be written
        if articles is not None and not callable(articles):
            articles = _ByMethod(articles)
        self._articles: ArticleSource = articles or (lambda _id: None)
        self._mutex = threading.RLock()
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._pending: list[Op] = []  # applied in memory, not yet written
        self._resolved: dict[tuple, Anchored] = {}
        self._disk = doc if doc is not None else TagDoc()
        self._stat = self._disk.key or self._disk_stat()  # of the version read, if known
        self._snap = Snapshot(self._disk)

    # opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, articles: ArticleSource | Any = None) -> TagStore:
        """The store of settings.tags_file (none yet is fine). `articles` finds articles
        to re-anchor: a callable id -> Article | None, or an object with .article(id).
        Raises TagFileError when the file is unreadable; the file is not touched."""
        return cls(settings, tagfile.read(Path(settings.tags_file)), articles)

    @classmethod
    def loading(cls, settings: Settings, articles: ArticleSource | Any = None) -> TagStore:
        """A stand-in while the real store is read in the background: no tags, and every
        change refused with TagsLoading (the file is not read or touched)."""
        return cls(settings, TagDoc(), articles, error=TagsLoading())

    @property
    def is_loading(self) -> bool:
        return isinstance(self.error, TagsLoading)

    @classmethod
    def open_or_disabled(cls, settings: Settings, articles: ArticleSource | Any = None) -> TagStore:
        """Like open, but a bad file gives a read-only store with .error set (no tags
        shown, every change raises that error) instead of raising."""
        try:
            return cls.open(settings, articles)
        except TagFileError as exc:
            return cls(settings, TagDoc(), articles, error=exc)

    @property
    def read_only(self) -> bool:
        return self.error is not None

    @property
    def unsaved(self) -> bool:
        """True while changes are kept in memory because the file cannot be written."""
        return bool(self._pending)

    @property
    def backup_path(self) -> Path:
        return tagfile.backup_path(tagfile.real_path(self.path))

    def _disk_stat(self) -> tuple | None:
        return tagfile.key_now(self.path)

    # noticing other writers -------------------------------------------------------

    def poll(self) -> TagDiff | None:
        """Pick up changes another instance (or the user) made to the file: None when
        there are none, else what changed. Cheap when nothing did (one stat). Retries
        unsaved changes first. Raises TagFileError when the file no longer parses (the
        tags shown stay as they were)."""
        with self._mutex:
            if self._pending:
                with contextlib.suppress(TagNotSaved):
                    self.retry()
            stat = self._disk_stat()
            if stat == self._stat:
                return None
            self._stat = stat  # a broken file is read again only when it changes again
            disk = tagfile.read(self.path, self._disk)
            self.error = None
            if disk.raw == self._disk.raw and not self._pending:
                return None
            view = disk.copy()
            for op in self._pending:
                apply(view, op, self._locate, coder=self.settings.coder)
            before = self._snap
            self._disk = disk
            self._set_view(view)
            return diff(before, self._snap)

    def reload(self) -> bool:
        """poll() as a yes/no: True when the file changed. A file that no longer parses
        leaves the tags as they were (False); changes then say why they cannot save."""
        try:
            return self.poll() is not None
        except TagFileError:
            return False

    def refresh_articles(self) -> None:
        """Forget resolved anchors (call after the corpus or index changed)."""
        self._resolved.clear()
        self._snap.pids = None
        forget = getattr(self._articles, "forget", None)
        if forget:
            forget()

    def _set_view(self, doc: TagDoc) -> None:
        self._snap = Snapshot(doc)

    # reading ----------------------------------------------------------------------

    def entries(self, topic: str | None = None) -> list[TagEntry]:
        return [e for e in self._snap.entries if topic is None or topic in e.topics]

    def entry(self, ref: str) -> TagEntry:
        """The entry with this id (or unique id prefix). Raises NotFound."""
        snap = self._snap
        hit = snap.get(ref)
        if hit is not None:
            return hit
        matches = [e for e in snap.entries if e.id.startswith(ref)] if ref else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NotFound(f"'{ref}' names {len(matches)} tags; give more of the id")
        raise NotFound(f"no tag '{ref}' in {self.path}")

    def anchored(self, entry: TagEntry, article: Article | None = None) -> Anchored:
        if article is None:
            article = self._articles(entry.article)
        if article is None:
            reason = f"article '{entry.article}' is not in the corpus"
            return Anchored(entry, ORPHANED, None, None, None, score=0.0, reason=reason)
        key = (entry, article.id, article.content_hash)
        hit = self._resolved.get(key)
        if hit is not None:
            return hit
        res = resolve(entry.anchor, article.text)
        if not res.found:
            reason = "the quote is no longer in the article"
            out = Anchored(entry, ORPHANED, None, None, None, score=0.0, reason=reason)
        else:
            ns = tuple(p.n for p in article.passages if p.start < res.end and res.start < p.end)
            out = Anchored(
                entry, res.status, res.start, res.end, ns[0] if ns else None, ns, res.score
            )
        if len(self._resolved) > 200_000:
            self._resolved.clear()
        self._resolved[key] = out
        return out

    def resolve_all(self, topic: str | None = None) -> list[Anchored]:
        return [self.anchored(e) for e in self.entries(topic)]

    def orphans(self) -> list[Anchored]:
        return [a for a in self.resolve_all() if a.orphaned]

    def for_article(self, article: Article) -> list[Anchored]:
        """The article's tags, resolved against its current text, in reading order
        (orphaned ones last)."""
        mine = self._snap.for_article(article.id)
        out = [self.anchored(e, article) for e in mine]
        return sorted(out, key=lambda a: (a.start is None, a.start or 0, a.end or 0, a.entry.id))

    def topics_of_passage(self, article: Article, n: int) -> list[str]:
        """Topics on passage n, from whole-passage and span tags, in codebook order."""
        found = {t for a in self.for_article(article) if n in a.passages for t in a.entry.topics}
        return self.in_codebook_order(found)

    def in_codebook_order(self, topics: Iterable[str]) -> list[str]:
        order = {t.id: i for i, t in enumerate(self.settings.topics)}
        return sorted(set(topics), key=lambda t: (order.get(t, len(order)), t))

    def lookup(self, topic: str) -> set[str] | None:
        """Passage ids carrying topic (span tags count for the passages they overlap;
        orphaned entries do not count); None for a topic the codebook does not have.
        Safe to call from another thread."""
        if self.settings.topic(topic) is None:
            return None
        snap = self._snap
        if snap.pids is None:
            index: dict[str, set[str]] = {}
            for e in snap.entries:
                a = self.anchored(e)
                if a.orphaned:
                    continue
                for t in e.topics:
                    index.setdefault(t, set()).update(a.pids)
            snap.pids = index
        return set(snap.pids.get(topic, ()))

    def memos(self, article: str | None = None, topic: str | None = None) -> list[Memo]:
        """The memos (notes on an article or topic, without a tag), by subject; only
        those about this article and/or topic when given."""
        return [
            m
            for m in self._snap.memos
            if (article is None or m.article == article) and (topic is None or m.topic == topic)
        ]

    def memo(self, article: str | None = None, topic: str | None = None) -> Memo | None:
        """The memo about exactly this subject (article, topic, or both), if any."""
        return next((m for m in self._snap.memos if m.about == (article, topic)), None)

    def counts(self) -> dict[str, int]:
        """Tags per article id (quick: no entry is unpacked)."""
        doc = self._snap.doc
        return {a: doc.count(a) for a in doc.articles()}

    def dismissed(self) -> list[dict]:
        return [dict(d) for d in self._snap.doc.dismissed]

    def dismissed_for(self, article: Article) -> set[tuple[int, str]]:
        """(passage n, topic) dismissed in this article. A dismissal follows its passage
        by the quote kept with it when passage numbers changed."""
        out: set[tuple[int, str]] = set()
        for (aid, n, topic), quote in self._snap.dismissed.items():
            if aid != article.id:
                continue
            if not quote:
                out.add((n, topic))
                continue
            if 1 <= n <= len(article.passages) and article.passage(n).text.startswith(quote):
                out.add((n, topic))
                continue
            m = next((p.n for p in article.passages if p.text.startswith(quote)), None)
            if m is not None:
                out.add((m, topic))
        return out

    def is_dismissed(self, article: Article | str, n: int, topic: str) -> bool:
        if isinstance(article, Article):
            return (n, topic) in self.dismissed_for(article)
        return (article, n, topic) in self._snap.dismissed

    def passage_entry(self, article: Article, n: int) -> TagEntry | None:
        """The tag on exactly passage n, if any."""
        p = self._passage(article, n)
        for a in self.for_article(article):
            if (a.start, a.end) == (p.start, p.end):
                return a.entry
        return None

    # finding an operation's entry in the file as it is now -------------------------

    def _locate(self, doc: TagDoc, target: Target) -> list[int]:
        """Indexes into doc.entries_of(target.article_id)."""
        entries = doc.entries_of(target.article_id)
        if target.entry_id is not None:
            for i, raw in enumerate(entries):
                if raw.get("id") == target.entry_id:
                    return [i]
        a = target.anchor
        out = []
        for i, raw in enumerate(entries):
            ra = raw.get("anchor") or {}
            if (ra.get("start"), ra.get("end"), ra.get("exact")) == (a.start, a.end, a.exact):
                out.append(i)
            elif target.article_hash and raw.get("article_hash") == target.article_hash:
                continue  # made on this very text: its offsets are where it is
            elif target.article is not None:
                found = self.anchored(TagEntry.from_raw(raw), target.article)
                if not found.orphaned and (found.start, found.end) == (a.start, a.end):
                    out.append(i)
        return out

    # changing ---------------------------------------------------------------------

    def apply(self, ops: Iterable[Op], description: str) -> Change | None:
        """Apply ops as one change (one undo step), merged into the file as it is now.
        None when they changed nothing. Raises TagNotSaved when the file cannot be
        written: the change is then kept in memory (and on the undo list)."""
        ops = tuple(ops)
        with self._mutex:
            try:
                inverse = self._commit(ops)
            except TagNotSaved as exc:
                self._record(Change(description, ops, tuple(exc.inverse)))
                raise
            if not inverse:
                return None
            return self._record(Change(description, ops, tuple(inverse)))

    def _record(self, change: Change) -> Change:
        if change.inverse:
            self._undo.append(change)
            self._redo.clear()
        return change

    def retry(self) -> bool:
        """Write changes kept in memory. True when there were some and they are saved.
        Raises TagNotSaved when the file still cannot be written."""
        with self._mutex:
            if not self._pending:
                return False
            self._commit(())
            return True

    def _as_on_disk(self) -> TagDoc:
        """The file's content now (under the lock): what this store read or wrote last,
        when the file is still that version (one read per command), else read again."""
        known = self._disk
        if known.key is not None and known.raw is not None and self._disk_stat() == known.key:
            return known.copy()
        return tagfile.read(self.path, known)

    def _commit(self, ops: tuple[Op, ...]) -> list[Op]:
        """Apply pending and new ops to the file's current content under the lock and
        write it. Returns the new ops' inverse (in the order that undoes them)."""
        if isinstance(self.error, TagsLoading):
            raise self.error
        if self.error is not None:
            try:  # the user may have fixed the file since
                self.poll()
            except TagFileError as exc:
                self.error = exc
                raise exc from None
            if self.error is not None:
                raise self.error
        stamp = now_iso()
        try:
            with tagfile.locked(self.path):
                disk = self._as_on_disk()
                new = disk.copy()
                for op in self._pending:
                    apply(new, op, self._locate, stamp, self.settings.coder)
                inverse: list[Op] = []
                for op in ops:
                    inverse[:0] = apply(new, op, self._locate, stamp, self.settings.coder)
                if inverse or self._pending:
                    new.raw = tagfile.write(self.path, new, disk.raw)
                else:
                    new = disk
                self._stat = self._disk_stat()
        except tagfile.Unwritable as exc:
            view = self._snap.doc.copy()
            inverse = []
            for op in ops:
                inverse[:0] = apply(view, op, self._locate, stamp, self.settings.coder)
            self._pending.extend(ops)
            self._set_view(view)
            self.save_error = (
                f"{exc.path}: cannot be written ({exc.reason}); "
                f"{len(self._pending)} tag change(s) kept in memory, saved as soon as it can "
                "be written (retried every few seconds)"
            )
            err = TagNotSaved(self.save_error)
            err.inverse = inverse
            raise err from None
        self._pending.clear()
        self.save_error = None
        self._disk = new
        self._set_view(new)
        return inverse

    # undo -------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> str | None:
        """Undo the last change of this session (saved at once). Returns what it was."""
        return self._replay(self._undo, self._redo)

    def redo(self) -> str | None:
        return self._replay(self._redo, self._undo)

    def _replay(self, source: list[Change], target: list[Change]) -> str | None:
        with self._mutex:
            if not source:
                return None
            change = source.pop()
            try:
                inverse = self._commit(change.inverse)
            except TagNotSaved as exc:
                target.append(Change(change.description, change.inverse, tuple(exc.inverse)))
                raise
            except BaseException:
                source.append(change)
                raise
            target.append(Change(change.description, change.inverse, tuple(inverse)))
            return change.description
