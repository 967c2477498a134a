"""A disposable copy of the tag file as parsed, so a large file opens without parsing
YAML again (PyYAML builds its objects in Python even with libyaml: ~0.5 ms a tag, 25 s
for 50,000 tags here; this copy loads in a small fraction of that).

`.tags.yaml.cache` beside the tag file holds the digest of the file's bytes, its
dismissals and memos, and its entries by article (tagdoc.py): each article's mappings
marshalled on their own with their ids, and where each entry's text is in the file (so
a change to one tag rewrites the file without dumping every other tag again). It is
used only when the digest is that of the bytes just read and its shape is right; any
problem means it is ignored (and replaced on the next write). Deleting it loses nothing.

Only what changed is written: the cache file is appended to, never changed in place.
A save appends the blobs of the articles whose tags changed, then a header (the
digest, and for every article where its blob is) and a trailer that points at it; an
open reads the trailer, the header and nothing else until an article is asked for
(each blob carries a CRC-32: a region that is not what was written is read from the tag
file's text instead). Once the file is more than twice what its last header uses, a
save writes it afresh (atomically: a reader keeps the version it opened). Savers take
an exclusive lock on the cache file, openers a shared one while they read the trailer
and header.

It is written with `marshal` (plain values only: dict, list, str, numbers), the fastest
loader in the standard library. marshal is not meant for data from others; this file is
made by dossier in the user's own folder, next to a tag file that whoever could write
the cache could change anyway, and nothing in it is ever run.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import marshal
import os
import struct
import sys
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .atomic import replacing
from .tagdoc import Packed, Place, TagDoc, new_token

FORMAT = f"dossier-tags-6-py{sys.version_info[0]}.{sys.version_info[1]}"
# After each header: where it starts, its length, its CRC-32, and a mark.
_TRAILER = struct.Struct("<QQI4s")
_MARK = b"dtc6"
_SLACK = 1 << 20  # bytes of old blobs and headers a file may carry before it is rewritten


def cache_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.cache")


def digest(data: bytes) -> str:
    """Which bytes the cache is of (SHA-1: the fastest here, 23 MB in ~20 ms; it tells
    versions of one file apart, nobody gains by making two alike)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


class CacheFile:
    """One version of the cache file, open: its blobs are read from it as they are
    asked for (a save that rewrites the file makes a new one; this stays readable)."""

    __slots__ = ("fd", "ident")

    def __init__(self, fd: int):
        self.fd = fd
        st = os.fstat(fd)
        self.ident = (st.st_dev, st.st_ino)

    def __del__(self) -> None:
        with contextlib.suppress(OSError):
            os.close(self.fd)


@dataclass(frozen=True, slots=True)
class Region:
    """A group's blob: `size` bytes at `at` in a cache file, with their CRC-32."""

    file: CacheFile
    at: int
    size: int
    crc: int

    def read(self) -> bytes:
        """The blob's bytes; ValueError when they are not what was written there."""
        data = os.pread(self.file.fd, self.size, self.at)
        if len(data) != self.size or zlib.crc32(data) != self.crc:
            raise ValueError("the cache file changed under its reader")
        return data


def _last_header(fd: int) -> tuple[int, bytes] | None:
    """Where the last complete header starts, and its bytes (None: no such header)."""
    end = os.fstat(fd).st_size
    if end < _TRAILER.size:
        return None
    at, size, crc, mark = _TRAILER.unpack(os.pread(fd, _TRAILER.size, end - _TRAILER.size))
    if mark != _MARK or at + size != end - _TRAILER.size:
        return None
    head = os.pread(fd, size, at)
    return (at, head) if len(head) == size and zlib.crc32(head) == crc else None


def _group(data: bytes, file: CacheFile, limit: int, item: Any) -> tuple[str, Packed, Place | None]:
    article, ids, count, start, cuts, at, size, crc, token = item
    if not (isinstance(article, str) and isinstance(ids, bytes)) or at + size > limit:
        raise ValueError("not a group")
    packed = Packed(Region(file, at, size, crc), ids, int(count), str(token))
    if start < 0:
        return article, packed, None
    where = array("Q")
    where.frombytes(cuts)
    if len(where) != count + 1 or where[0] != 0 or start + where[-1] > len(data):
        raise ValueError("not where the file has it")
    return article, packed, Place(start, where, None, str(token))


def load(path: Path, data: bytes) -> dict | None:
    """version, groups, places, dismissed, memos and extra (TagDoc's arguments) of the
    file whose bytes are data; None when the cache is missing or not for them. Only the
    header is read: each group's blob is read from the file when it is unpacked."""
    try:
        file = CacheFile(os.open(cache_path(path), os.O_RDONLY))
    except OSError:
        return None
    try:
        fcntl.flock(file.fd, fcntl.LOCK_SH)  # not while a save appends
        try:
            found = _last_header(file.fd)
        finally:
            fcntl.flock(file.fd, fcntl.LOCK_UN)
        if found is None:
            return None
        limit, raw = found
        head = marshal.loads(raw)
        if head.get("format") != FORMAT or head.get("digest") != digest(data):
            return None
        groups, places = {}, {}
        for item in head["groups"]:
            article, packed, place = _group(data, file, limit, item)
            groups[article] = packed
            if place is not None:
                places[article] = place
        out = {k: head[k] for k in ("version", "dismissed", "memos", "extra")}
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError, struct.error):
        return None
    return {**out, "groups": groups, "places": places}


def _plain(value: Any, seen: set[int]) -> bool:
    """True for values made only of dict (text keys), list, str, int, float, bool, None,
    each list and dict met once. A container met twice is a YAML alias: not plain, so a
    few hundred bytes of nested aliases (a "billion laughs") are never walked out."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if not isinstance(value, list | dict) or id(value) in seen:
        return False
    seen.add(id(value))
    if isinstance(value, list):
        return all(_plain(v, seen) for v in value)
    return all(isinstance(k, str) and _plain(v, seen) for k, v in value.items())


def _is_plain(doc: TagDoc) -> bool:
    """Packed groups came from a cache: plain. The rest is looked at."""
    seen: set[int] = set()
    unpacked = [g for g in doc.groups.values() if not isinstance(g, Packed)]
    return all(_plain(part, seen) for part in (*unpacked, doc.dismissed, doc.memos, doc.extra))


@dataclass(slots=True)
class _Out:
    """A group as the next header lists it: its blob kept where it is in the file
    (`region`) or to be written (`blob`)."""

    article: str
    ids: bytes
    count: int
    start: int
    cuts: bytes
    token: str
    region: Region | None = None
    blob: bytes | None = None


def _outs(doc: TagDoc, ident: tuple) -> list[_Out]:
    """Every group: those packed in this very file (ident) stay where they are; the
    others are marshalled (or copied from the file they were read from)."""
    out = []
    for article in doc.articles():
        g, place = doc.groups[article], doc.places.get(article)
        token = doc.token(article) or new_token()
        start, cuts = (-1, b"") if place is None else (place.start, place.cuts.tobytes())
        if isinstance(g, Packed):
            o = _Out(article, g.ids_blob, g.count, start, cuts, token)
            region = g.blob if isinstance(g.blob, Region) else None
            if region is not None and region.file.ident == ident:
                o.region = region
            else:
                o.blob = _blob_of(doc, article, g)
        else:
            entries = list(place.entries) if place and place.entries is not None else g
            ids = tuple(str(r.get("id")) for r in entries)
            o = _Out(article, marshal.dumps(ids), len(ids), start, cuts, token)
            o.blob = marshal.dumps(entries)
        out.append(o)
    return out


def _blob_of(doc: TagDoc, article: str, g: Packed) -> bytes:
    """A packed group's blob, read where it is (or made again from the tag file's text
    when that region is not what was written)."""
    try:
        return g.blob.read()
    except (OSError, ValueError):
        return marshal.dumps(doc.entries_of(article))


def _header(doc: TagDoc, data: bytes, outs: list[_Out], at: int) -> tuple[list[bytes], bytes]:
    """The blobs to write from offset `at` (each group's region filled in), and the
    header that lists every group."""
    blobs, items = [], []
    for o in outs:
        if o.region is None:
            assert o.blob is not None
            size, crc = len(o.blob), zlib.crc32(o.blob)
            o_at, at = at, at + size
            blobs.append(o.blob)
        else:
            o_at, size, crc = o.region.at, o.region.size, o.region.crc
        items.append((o.article, o.ids, o.count, o.start, o.cuts, o_at, size, crc, o.token))
    head = marshal.dumps(
        {
            "format": FORMAT,
            "digest": digest(data),
            "version": doc.version,
            "groups": items,
            "dismissed": doc.dismissed,
            "memos": doc.memos,
            "extra": doc.extra,
        }
    )
    return blobs, head


def _trailer(at: int, head: bytes) -> bytes:
    return _TRAILER.pack(at, len(head), zlib.crc32(head), _MARK)


@contextlib.contextmanager
def _locked(target: Path) -> Iterator[int]:
    """The cache file (made when there is none) open and locked for a save: the file
    now at target (one that a save replaced while this waited is left)."""
    for _ in range(5):
        fd = os.open(target, os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            held, now = os.fstat(fd), os.stat(target)
            if (held.st_dev, held.st_ino) == (now.st_dev, now.st_ino):
                yield fd
                return
        finally:
            os.close(fd)
    raise OSError("the cache file keeps being replaced")


def save(path: Path, doc: TagDoc, data: bytes) -> None:
    """Keep doc (a TagDoc whose file bytes are data) for the next open: append what
    changed, or write the file afresh when it is mostly old versions."""
    target = cache_path(path)
    if not doc.plain:
        doc.plain = _is_plain(doc)
    if not doc.plain:  # a date or other YAML type somewhere: parse that file each time
        with contextlib.suppress(OSError):
            target.unlink()
        return
    try:
        with _locked(target) as fd:
            st = os.fstat(fd)
            end = st.st_size
            outs = _outs(doc, (st.st_dev, st.st_ino))
            used = sum(o.region.size if o.region else len(o.blob or b"") for o in outs)
            if _last_header(fd) is None or end > 2 * used + _SLACK:
                for o in outs:  # afresh: every blob written again, in order
                    if o.region is not None:
                        o.blob, o.region = _region_bytes(doc, o), None
                end = 0
            blobs, head = _header(doc, data, outs, end)
            at = end + sum(len(b) for b in blobs)
            if end == 0:
                with replacing(target) as fh:
                    fh.writelines([*blobs, head, _trailer(at, head)])
            else:
                with os.fdopen(os.dup(fd), "r+b") as fh:
                    fh.seek(end)
                    fh.writelines([*blobs, head, _trailer(at, head)])
    except (OSError, ValueError):
        pass


def _region_bytes(doc: TagDoc, o: _Out) -> bytes:
    g = doc.groups[o.article]
    assert isinstance(g, Packed)
    return _blob_of(doc, o.article, g)
