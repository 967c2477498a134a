"""The tag store: topics from the codebook on passages and spans, notes, dismissed
suggestions, undo and redo, kept in the user's tag file (see tagfile.py for the file and
anchoring.py for finding tagged text again after an article changed).

Every change is saved at once: under the lock, the file is read again from disk, the one
change is applied to what is there (so changes made by another instance are kept), and
the result is written atomically. Resolving anchors never writes anything.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import tagfile
from .anchoring import EXACT, FUZZY, MOVED, ORPHANED, Anchor, make_anchor, resolve
from .config import Settings, Topic
from .errors import DossierError, NotFound, TagFileError
from .model import Article
from .tagfile import TagDoc

__all__ = [
    "EXACT",
    "FUZZY",
    "MOVED",
    "ORPHANED",
    "Anchored",
    "TagEntry",
    "TagError",
    "TagStore",
    "suggestions",
]

ArticleSource = Callable[[str], "Article | None"]
_CROCKFORD = "0123456789abcdefghjkmnpqrstvwxyz"
DISMISS_QUOTE = 60  # characters of the passage kept with a dismissal, to find it again


class TagError(DossierError):
    """A tag request that cannot be carried out as asked (unknown topic, empty span)."""

    exit_code = 2


def new_id() -> str:
    """14 characters: milliseconds (sortable) then randomness, Crockford base32."""
    n = int(time.time() * 1000)
    head = "".join(_CROCKFORD[(n >> (5 * i)) & 31] for i in reversed(range(9)))
    return head + "".join(secrets.choice(_CROCKFORD) for _ in range(5))


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


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

    @property
    def anchor(self) -> Anchor:
        return Anchor(self.start, self.end, self.exact, self.prefix, self.suffix)

    @property
    def quote(self) -> str:
        return self.exact

    @classmethod
    def from_raw(cls, raw: dict) -> TagEntry:
        a = raw["anchor"]
        topics = raw.get("topics") or []
        if isinstance(topics, str):
            topics = [topics]
        return cls(
            id=str(raw["id"]),
            article=str(raw["article"]),
            topics=tuple(str(t) for t in topics),
            note=tagfile.text_of(raw, "note"),
            start=a["start"],
            end=a["end"],
            exact=a["exact"],
            prefix=a.get("prefix") or "",
            suffix=a.get("suffix") or "",
            article_hash=tagfile.text_of(raw, "article_hash"),
            created=tagfile.text_of(raw, "created"),
            updated=tagfile.text_of(raw, "updated"),
        )

    def to_raw(self) -> dict:
        return {
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


# --- changes -------------------------------------------------------------------------
# An op is applied to a fresh copy of the file's content:
#   ("put", raw)                    add, or replace the entry with raw's id
#   ("delete", id)                  remove (no-op when already gone)
#   ("patch", id, fields, fallback) set fields; when the entry is gone, put fallback+fields
#   ("dismiss", raw) / ("undismiss", (article, passage, topic))

Op = tuple


@dataclass(frozen=True, slots=True)
class Change:
    description: str
    op: Op
    inverse: Op


def _apply(doc: TagDoc, op: Op) -> None:
    kind = op[0]
    if kind == "put":
        raw = dict(op[1])
        i = doc.index_of(raw["id"])
        if i is None:
            doc.entries.append(raw)
        else:
            doc.entries[i] = raw
    elif kind == "delete":
        i = doc.index_of(op[1])
        if i is not None:
            del doc.entries[i]
    elif kind == "patch":
        _, eid, fields, fallback = op
        i = doc.index_of(eid)
        if i is None:
            doc.entries.append({**fallback, **fields})
        else:
            doc.entries[i] = {**doc.entries[i], **fields}
    elif kind == "dismiss":
        key = _dkey(op[1])
        if not any(_dkey(d) == key for d in doc.dismissed):
            doc.dismissed.append(dict(op[1]))
    elif kind == "undismiss":
        doc.dismissed = [d for d in doc.dismissed if _dkey(d) != op[1]]
    else:  # pragma: no cover - programming error
        raise ValueError(f"unknown op {kind}")


def _dkey(raw: dict) -> tuple[str, int, str]:
    return (str(raw.get("article")), int(raw.get("passage", 0)), str(raw.get("topic")))


def _short(text: str, width: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


# --- articles ------------------------------------------------------------------------


class _CorpusArticles:
    """Articles by exact id: through a Library (its cache, its index manifest) and, for
    ids the manifest does not know, by scanning the corpus folder once."""

    def __init__(self, settings: Settings, library=None):
        self.settings = settings
        self._library = library
        self._paths: dict[str, Any] | None = None

    @property
    def library(self):
        if self._library is None:
            from .library import Library

            self._library = Library(self.settings)
        return self._library

    def __call__(self, article_id: str) -> Article | None:
        lib = self.library
        if article_id in lib.infos:
            try:
                return lib.article(article_id)
            except NotFound:
                return None
        from .corpus import Unreadable, read_article, scan
        from .metadata import load_sidecar

        if self._paths is None:
            self._paths = {f.id: f for f in scan(self.settings.corpus).files}
        src = self._paths.get(article_id)
        if src is None:
            return None
        try:
            return read_article(src, self.settings, load_sidecar(self.settings.corpus)[0])
        except Unreadable:
            return None

    def forget(self) -> None:
        self._paths = None


# --- the store -----------------------------------------------------------------------


class TagStore:
    """The user's tags. Not for use by two threads at once (two processes are fine)."""

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
        self._doc = doc if doc is not None else TagDoc()
        if articles is None or not callable(articles):
            self._articles: ArticleSource = _CorpusArticles(settings, articles)
        else:
            self._articles = articles
        self._undo: list[Change] = []
        self._redo: list[Change] = []
        self._resolved: dict[tuple, Anchored] = {}
        self._stat = self._disk_stat()
        self._rebuild()

    # opening ----------------------------------------------------------------------

    @classmethod
    def open(cls, settings: Settings, articles: ArticleSource | Any = None) -> TagStore:
        """The store of settings.tags_file (none yet is fine). `articles` is a Library
        or a callable id -> Article | None used to re-anchor; by default a Library.
        Raises TagFileError when the file is unreadable; the file is not touched."""
        return cls(settings, tagfile.read(Path(settings.tags_file)), articles)

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
    def backup_path(self) -> Path:
        return tagfile.backup_path(tagfile.real_path(self.path))

    def _disk_stat(self) -> tuple | None:
        try:
            st = self.path.stat()
        except OSError:
            return None
        return (st.st_ino, st.st_size, st.st_mtime_ns)

    def reload(self) -> bool:
        """Pick up changes another instance (or the user) made to the file. True if it
        changed. Raises TagFileError when it no longer parses (the view stays as it was)."""
        stat = self._disk_stat()
        if stat == self._stat and not self.error:
            return False
        doc = tagfile.read(self.path)
        self._stat = stat
        self.error = None
        changed = doc.raw != self._doc.raw
        self._doc = doc
        self._rebuild()
        return changed

    def refresh_articles(self) -> None:
        """Forget resolved anchors (call after the corpus or index changed)."""
        self._resolved.clear()
        self._pids = None
        forget = getattr(self._articles, "forget", None)
        if forget:
            forget()

    def _rebuild(self) -> None:
        self._entries = sorted(
            (TagEntry.from_raw(r) for r in self._doc.entries),
            key=lambda e: (e.article, e.start, e.end, e.id),
        )
        self._by_id = {e.id: e for e in self._entries}
        self._raw_by_id = {str(r["id"]): r for r in self._doc.entries}
        self._dismissed: dict[tuple[str, int, str], str] = {
            _dkey(d): tagfile.text_of(d, "quote") for d in self._doc.dismissed
        }
        self._pids: dict[str, set[str]] | None = None

    # reading ----------------------------------------------------------------------

    def entries(self, topic: str | None = None) -> list[TagEntry]:
        return [e for e in self._entries if topic is None or topic in e.topics]

    def entry(self, ref: str) -> TagEntry:
        """The entry with this id (or unique id prefix). Raises NotFound."""
        hit = self._by_id.get(ref)
        if hit is not None:
            return hit
        matches = [e for e in self._entries if e.id.startswith(ref)] if ref else []
        if len(matches) == 1:
            return matches[0]
        if matches:
            raise NotFound(f"'{ref}' names {len(matches)} tags; give more of the id")
        raise NotFound(f"no tag '{ref}' in {self.path}")

    def anchored(self, entry: TagEntry, article: Article | None = None) -> Anchored:
        if article is None:
            article = self._articles(entry.article)
        if article is None:
            return Anchored(
                entry,
                ORPHANED,
                None,
                None,
                None,
                score=0.0,
                reason=f"article '{entry.article}' is not in the corpus",
            )
        key = (
            entry.id,
            entry.start,
            entry.end,
            entry.exact,
            entry.prefix,
            entry.suffix,
            tuple(entry.topics),
            entry.note,
            entry.updated,
            article.id,
            article.content_hash,
        )
        hit = self._resolved.get(key)
        if hit is not None:
            return hit
        res = resolve(entry.anchor, article.text)
        if not res.found:
            out = Anchored(
                entry,
                ORPHANED,
                None,
                None,
                None,
                score=0.0,
                reason="the quote is no longer in the article",
            )
        else:
            ns = tuple(p.n for p in article.passages if p.start < res.end and res.start < p.end)
            out = Anchored(
                entry, res.status, res.start, res.end, ns[0] if ns else None, ns, res.score
            )
        if len(self._resolved) > 50_000:
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
        out = [self.anchored(e, article) for e in self._entries if e.article == article.id]
        return sorted(out, key=lambda a: (a.start is None, a.start or 0, a.end or 0, a.entry.id))

    def topics_of_passage(self, article: Article, n: int) -> list[str]:
        """Topics on passage n, from whole-passage and span tags, in codebook order."""
        found = {t for a in self.for_article(article) if n in a.passages for t in a.entry.topics}
        order = [t.id for t in self.settings.topics]
        return sorted(found, key=lambda t: (order.index(t) if t in order else len(order), t))

    def lookup(self, topic: str) -> set[str] | None:
        """Passage ids carrying topic (span tags count for the passages they overlap;
        orphaned entries do not count); None for a topic the codebook does not have."""
        if self.settings.topic(topic) is None:
            return None
        if self._pids is None:
            index: dict[str, set[str]] = {}
            for e in self._entries:
                a = self.anchored(e)
                if a.orphaned:
                    continue
                for t in e.topics:
                    index.setdefault(t, set()).update(a.pids)
            self._pids = index
        return set(self._pids.get(topic, ()))

    def dismissed(self) -> list[dict]:
        return [dict(d) for d in self._doc.dismissed]

    def dismissed_for(self, article: Article) -> set[tuple[int, str]]:
        """(passage n, topic) dismissed in this article. A dismissal follows its passage
        by the quote kept with it when passage numbers changed."""
        out: set[tuple[int, str]] = set()
        for (aid, n, topic), quote in self._dismissed.items():
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
        return (article, n, topic) in self._dismissed

    # changing ---------------------------------------------------------------------

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

    def _commit(self, change: Change, op: Op | None = None) -> None:
        """Apply one op to the file as it is on disk now, under the lock, atomically."""
        op = change.op if op is None else op
        if self.error is not None:
            try:  # the user may have fixed the file since
                self.reload()
            except TagFileError as exc:
                self.error = exc
                raise exc from None
        with tagfile.locked(self.path):
            disk = tagfile.read(self.path, self._doc)
            new = disk.copy()
            _apply(new, op)
            new.raw = tagfile.write(self.path, new, disk.raw)
            self._stat = self._disk_stat()
        self._doc = new
        self._rebuild()

    def _do(self, change: Change) -> None:
        self._commit(change)
        self._undo.append(change)
        self._redo.clear()

    def _where(self, entry: TagEntry) -> str:
        return f"{entry.article} “{_short(entry.exact)}”"

    def add(
        self, article: Article, start: int, end: int, topics: list[str], note: str = ""
    ) -> TagEntry:
        """Tag text[start:end] of article. A tag on exactly that span already gains the
        topics (and the note) instead of a second entry being made."""
        topics = self._check_topics(topics)
        try:
            anchor = make_anchor(article.text, start, end)
        except ValueError as exc:
            raise TagError(f"{article.id}: cannot tag {exc}") from None
        for a in self.for_article(article):
            if (a.start, a.end) == (start, end) and not a.orphaned:
                merged = list(a.entry.topics) + [t for t in topics if t not in a.entry.topics]
                new_note = a.entry.note
                if note and note != new_note:
                    new_note = f"{new_note}\n{note}" if new_note else note
                return self._edit(
                    a.entry,
                    {"topics": merged, "note": new_note},
                    f"tagged {', '.join(topics)} on {self._where(a.entry)}",
                )
        stamp = now_iso()
        entry = TagEntry(
            new_id(),
            article.id,
            tuple(topics),
            note or "",
            anchor.start,
            anchor.end,
            anchor.exact,
            anchor.prefix,
            anchor.suffix,
            article.content_hash,
            stamp,
            stamp,
        )
        self._do(
            Change(
                f"tagged {', '.join(topics)} on {self._where(entry)}",
                ("put", entry.to_raw()),
                ("delete", entry.id),
            )
        )
        return self._by_id[entry.id]

    def add_passage(self, article: Article, n: int, topics: list[str], note: str = "") -> TagEntry:
        p = self._passage(article, n)
        return self.add(article, p.start, p.end, topics, note)

    def _passage(self, article: Article, n: int):
        if not 1 <= n <= len(article.passages):
            raise NotFound(f"{article.id} has no passage {n} (it has {len(article.passages)})")
        return article.passage(n)

    def remove(self, entry_id: str) -> TagEntry:
        entry = self.entry(entry_id)
        raw = dict(self._raw_by_id[entry.id])
        self._do(
            Change(
                f"removed {', '.join(entry.topics)} from {self._where(entry)}",
                ("delete", entry.id),
                ("put", raw),
            )
        )
        return entry

    def _edit(self, entry: TagEntry, fields: dict, description: str) -> TagEntry:
        raw = self._raw_by_id[entry.id]
        old = {k: raw.get(k) for k in fields}
        old["updated"] = raw.get("updated")
        new = {**fields, "updated": now_iso()}
        if all(raw.get(k) == v for k, v in fields.items()):
            return entry  # nothing changes: no save, nothing to undo
        self._do(
            Change(
                description,
                ("patch", entry.id, new, dict(raw)),
                ("patch", entry.id, old, dict(raw)),
            )
        )
        return self._by_id[entry.id]

    def set_note(self, entry_id: str, note: str) -> TagEntry:
        entry = self.entry(entry_id)
        return self._edit(entry, {"note": note or ""}, f"note on {self._where(entry)}")

    def set_topics(self, entry_id: str, topics: list[str]) -> TagEntry:
        """Replace the entry's topics; an empty list removes the entry."""
        entry = self.entry(entry_id)
        topics = self._check_topics(topics, allow_empty=True)
        if not topics:
            return self.remove(entry.id)
        return self._edit(
            entry, {"topics": topics}, f"topics {', '.join(topics)} on {self._where(entry)}"
        )

    def passage_entry(self, article: Article, n: int) -> TagEntry | None:
        """The tag on exactly passage n, if any."""
        p = self._passage(article, n)
        for a in self.for_article(article):
            if (a.start, a.end) == (p.start, p.end):
                return a.entry
        return None

    def toggle_passage_topic(self, article: Article, n: int, topic: str) -> TagEntry | None:
        """Add topic to the whole-passage tag of passage n, or take it off when it is
        there (the entry goes when its last topic does: then None)."""
        self._check_topics([topic])
        entry = self.passage_entry(article, n)
        if entry is None:
            return self.add_passage(article, n, [topic])
        if topic in entry.topics:
            rest = [t for t in entry.topics if t != topic]
            if not rest:
                self.remove(entry.id)
                return None
            return self._edit(entry, {"topics": rest}, f"removed {topic} from {self._where(entry)}")
        return self._edit(
            entry, {"topics": [*entry.topics, topic]}, f"tagged {topic} on {self._where(entry)}"
        )

    def accept(self, article: Article, n: int, topic: str) -> TagEntry:
        """Accept a suggestion: passage n gets topic (never takes it off)."""
        self._check_topics([topic])
        entry = self.passage_entry(article, n)
        if entry is not None and topic in entry.topics:
            return entry
        return self.add_passage(article, n, [topic])

    def dismiss(self, article: Article, n: int, topic: str) -> None:
        """Remember that the suggestion of topic on passage n was turned down."""
        self._check_topics([topic])
        p = self._passage(article, n)
        if self.is_dismissed(article, n, topic):
            return
        raw = {
            "article": article.id,
            "passage": n,
            "topic": topic,
            "quote": p.text[:DISMISS_QUOTE],
            "created": now_iso(),
        }
        self._do(
            Change(
                f"dismissed {topic} on {article.id}#{n}",
                ("dismiss", raw),
                ("undismiss", _dkey(raw)),
            )
        )

    # undo -------------------------------------------------------------------------

    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    @property
    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo(self) -> str | None:
        """Undo the last change of this session (saved at once). Returns what it was."""
        return self._replay(self._undo, self._redo, undo=True)

    def redo(self) -> str | None:
        return self._replay(self._redo, self._undo, undo=False)

    def _replay(self, source: list[Change], target: list[Change], undo: bool) -> str | None:
        if not source:
            return None
        change = source[-1]
        self._commit(change, change.inverse if undo else change.op)
        target.append(source.pop())
        return change.description


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
