"""The tag file's content in memory (TagDoc): entries grouped by article, each group
unpacked only when something asks for it, and where each entry's text is in the file's
bytes, so that a change to one tag of 50,000 neither builds the other 49,999 mappings
nor dumps them again.

The file lists entries by article, then offset, so each article's entries are one run
of text. A group read from the cache (tagcache.py) is Packed: where its mappings are
(marshalled, read from the cache file only when unpacked), its ids, and (Place) where
its run and each entry's text are in `raw`. Unpacking gives the list of mappings;
operations change only unpacked groups (of a copy: a TagDoc that readers see is never
changed), and replace a mapping rather than edit it, so a mapping that is still the one
unpacked still has its text in `raw` and is copied, not dumped.
"""

from __future__ import annotations

import marshal
import secrets
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

VERSION = 1


class Blob(Protocol):
    """Where a packed group's bytes are (a region of the cache file): read on demand."""

    def read(self) -> bytes: ...


@dataclass(frozen=True, slots=True)
class Packed:
    """A group not unpacked yet: its mappings (marshal, in file order; read only when
    unpacked), how many, and their ids (marshalled, read when asked for)."""

    blob: Blob
    ids_blob: bytes
    count: int
    token: str = ""  # names this content: groups with one token hold the same entries

    @property
    def ids(self) -> tuple[str, ...]:
        return marshal.loads(self.ids_blob)


@dataclass(frozen=True, slots=True)
class Place:
    """Where a group's text is in TagDoc.raw: entry k is raw[start + cuts[k] : start +
    cuts[k + 1]]. `entries` are the mappings that text is of, in file order (None while
    the group is packed)."""

    start: int
    cuts: array
    entries: tuple[dict, ...] | None = None
    token: str = ""  # the group's content token (Packed.token) while it is unchanged

    @property
    def end(self) -> int:
        return self.start + self.cuts[-1]


def entry_sort(raw: dict) -> tuple:
    a = raw.get("anchor") or {}
    return (str(raw.get("article")), a.get("start", 0), a.get("end", 0), str(raw.get("id")))


class TagDoc:
    """The file's content: raw mappings as parsed (unknown keys survive), entries by
    article. Safe to read from several threads; only a copy is ever changed."""

    __slots__ = (
        "dismissed",
        "extra",
        "groups",
        "key",
        "memos",
        "places",
        "plain",
        "raw",
        "reparse",
        "version",
    )

    def __init__(
        self,
        version: int = VERSION,
        entries: list[dict] | None = None,
        dismissed: list[dict] | None = None,
        memos: list[dict] | None = None,
        extra: dict | None = None,
        raw: bytes | None = None,
        plain: bool = False,
        groups: dict[str, list[dict] | Packed] | None = None,
        places: dict[str, Place] | None = None,
        reparse: Callable[[bytes], TagDoc] | None = None,
    ):
        self.version = version
        # how the file's bytes are read whole (index/tagfile.parse), for a cached group
        # whose bytes cannot be read back
        self.reparse = reparse
        self.groups: dict[str, list[dict] | Packed] = groups if groups is not None else {}
        for e in entries or ():
            self.groups.setdefault(str(e.get("article")), []).append(e)
        self.places: dict[str, Place] = places if places is not None else {}
        self.dismissed: list[dict] = dismissed if dismissed is not None else []
        self.memos: list[dict] = memos if memos is not None else []  # notes without a tag
        self.extra: dict = extra if extra is not None else {}  # unknown top-level keys
        self.raw = raw  # the bytes read or written, None when there was no file
        self.plain = plain  # only plain values (no dates...): can be cached (tagcache.py)
        self.key: tuple | None = None  # the file version raw is (tagfile.file_key), if known

    def copy(self) -> TagDoc:
        """A copy whose lists can change without touching this one. Entry mappings are
        shared: changes replace an entry's mapping, never edit it in place."""
        return TagDoc(
            version=self.version,
            dismissed=list(self.dismissed),
            memos=list(self.memos),
            extra=dict(self.extra),
            raw=self.raw,
            plain=self.plain,
            groups={a: g if isinstance(g, Packed) else list(g) for a, g in self.groups.items()},
            places=dict(self.places),
            reparse=self.reparse,
        )._keyed(self.key)

    def _keyed(self, key: tuple | None) -> TagDoc:
        self.key = key
        return self

    # reading -----------------------------------------------------------------------

    def articles(self) -> list[str]:
        return sorted(a for a, g in self.groups.items() if self.count(a))

    def count(self, article_id: str) -> int:
        g = self.groups.get(article_id)
        return 0 if g is None else g.count if isinstance(g, Packed) else len(g)

    def ids(self, article_id: str) -> list[str]:
        g = self.groups.get(article_id)
        if g is None:
            return []
        return list(g.ids) if isinstance(g, Packed) else [str(r.get("id")) for r in g]

    def entries_of(self, article_id: str) -> list[dict]:
        """The article's entry mappings (unpacked on first use). Do not change the list:
        changes go through editable()."""
        g = self.groups.get(article_id)
        if g is None:
            return []
        if isinstance(g, Packed):
            g = self._unpack(article_id, g)
        return g

    def _unpack(self, article_id: str, packed: Packed) -> list[dict]:
        try:
            entries = marshal.loads(packed.blob.read())
        except (OSError, ValueError, EOFError, TypeError):
            entries = self._from_text(article_id)
        place = self.places.get(article_id)
        if place is not None:
            token = place.token or packed.token
            self.places[article_id] = Place(place.start, place.cuts, tuple(entries), token)
        self.groups[article_id] = entries
        return entries

    def _from_text(self, article_id: str) -> list[dict]:
        """The article's mappings parsed from the file's text (its run of it, when known):
        for a cached group whose bytes are gone or not what was written."""
        from .yamlpos import safe_load

        place = self.places.get(article_id)
        if place is not None and self.raw is not None:
            run = safe_load(self.raw[place.start : place.end].decode("utf-8"))
            if isinstance(run, list) and len(run) == len(place.cuts) - 1:
                return run
        if self.reparse is None:  # a doc made from a cache is always given one
            raise ValueError("a packed tag group without the file's parser")
        return self.reparse(self.raw or b"").entries_of(article_id)

    @property
    def entries(self) -> list[dict]:
        """Every entry mapping, by article (unpacks every group: for whole-file work)."""
        return [r for a in sorted(self.groups) for r in self.entries_of(a)]

    def token(self, article_id: str) -> str:
        """The token of the article's entries, "" when unknown (changed, or never
        written by dossier with a cache)."""
        g, place = self.groups.get(article_id), self.places.get(article_id)
        if isinstance(g, Packed):
            return g.token or (place.token if place else "")
        if g is None or place is None or place.entries is None:
            return ""
        same = len(g) == len(place.entries) and all(map(_is, g, place.entries))
        return place.token if same else ""

    def same_group(self, other: TagDoc, article_id: str) -> bool:
        """True when the article's entries are known to be the same in both (quick: the
        same list, or the same content token); False means: compare them."""
        a, b = self.groups.get(article_id), other.groups.get(article_id)
        if a is b:
            return True
        token = self.token(article_id)
        return bool(token) and token == other.token(article_id)

    # changing (a copy) -------------------------------------------------------------

    def editable(self, article_id: str) -> list[dict]:
        """The article's entry list to change in place (made when there is none)."""
        g = self.groups.get(article_id)
        if g is None:
            g = self.groups[article_id] = []
        elif isinstance(g, Packed):
            g = self._unpack(article_id, g)
        return g


def _is(a: object, b: object) -> bool:
    return a is b


def new_token() -> str:
    return secrets.token_hex(8)
