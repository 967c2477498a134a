"""A disposable copy of the tag file as parsed, so a large file opens without parsing
YAML again (PyYAML builds its objects in Python even with libyaml: ~0.5 ms a tag, 25 s
for 50,000 tags here; this copy loads in a small fraction of that).

`.tags.yaml.cache` beside the tag file holds the digest of the file's bytes, its
dismissals and memos, and its entries by article (tagdoc.py): each article's mappings
marshalled on their own (unpacked only when that article is asked for) with their ids,
and where each entry's text is in the file (so a change to one tag rewrites the file
without dumping every other tag again). It is used only when the
digest is that of the bytes just read and its shape is right; any problem means it is
ignored (and replaced on the next write). Deleting it loses nothing.

It is written with `marshal` (plain values only: dict, list, str, numbers), the fastest
loader in the standard library. marshal is not meant for data from others; this file is
made by dossier in the user's own folder, next to a tag file that whoever could write
the cache could change anyway, and nothing in it is ever run.
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import sys
from array import array
from pathlib import Path
from typing import Any

from .atomic import replacing
from .tagdoc import Packed, Place, TagDoc, new_token

FORMAT = f"dossier-tags-5-py{sys.version_info[0]}.{sys.version_info[1]}"
_HEAD = 8  # bytes: the length of the marshalled header; the groups' blobs follow it


def cache_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.cache")


def digest(data: bytes) -> str:
    """Which bytes the cache is of (SHA-1: the fastest here, 23 MB in ~20 ms; it tells
    versions of one file apart, nobody gains by making two alike)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _group(data: bytes, blobs: memoryview, item: Any) -> tuple[str, Packed, Place | None]:
    article, ids, start, cuts, at, size, token = item
    if not (isinstance(article, str) and isinstance(ids, tuple)) or at + size > len(blobs):
        raise ValueError("not a group")
    packed = Packed(blobs[at : at + size], ids, str(token))
    if start < 0:
        return article, packed, None
    where = array("Q")
    where.frombytes(cuts)
    if len(where) != len(ids) + 1 or where[0] != 0 or start + where[-1] > len(data):
        raise ValueError("not where the file has it")
    return article, packed, Place(start, where, None, str(token))


def load(path: Path, data: bytes) -> dict | None:
    """version, groups, places, dismissed, memos and extra (TagDoc's arguments) of the
    file whose bytes are data; None when the cache is missing or not for them. The
    groups' blobs are views into the cache's bytes (nothing copied)."""
    try:
        raw = cache_path(path).read_bytes()
        size = int.from_bytes(raw[:_HEAD], "little")
        head = marshal.loads(raw[_HEAD : _HEAD + size])
        if head.get("format") != FORMAT or head.get("digest") != digest(data):
            return None
        blobs = memoryview(raw)[_HEAD + size :]
        groups, places = {}, {}
        for item in head["groups"]:
            article, packed, place = _group(data, blobs, item)
            groups[article] = packed
            if place is not None:
                places[article] = place
        out = {k: head[k] for k in ("version", "dismissed", "memos", "extra")}
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
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


def _groups(doc: TagDoc) -> tuple[list[tuple], list]:
    """Each group's header item, and the blobs (in order) the items point into."""
    items, blobs, at = [], [], 0
    for article in doc.articles():
        g, place = doc.groups[article], doc.places.get(article)
        token = doc.token(article) or new_token()
        if isinstance(g, Packed):
            packed = g
        else:
            entries = list(place.entries) if place and place.entries is not None else g
            packed = Packed(marshal.dumps(entries), tuple(str(r.get("id")) for r in entries))
        start, cuts = (-1, b"") if place is None else (place.start, place.cuts.tobytes())
        items.append((article, packed.ids, start, cuts, at, len(packed.blob), token))
        blobs.append(packed.blob)
        at += len(packed.blob)
    return items, blobs


def save(path: Path, doc: TagDoc, data: bytes) -> None:
    """Keep doc (a TagDoc whose file bytes are data) for the next open."""
    target = cache_path(path)
    if not doc.plain:
        doc.plain = _is_plain(doc)
    if not doc.plain:  # a date or other YAML type somewhere: parse that file each time
        with contextlib.suppress(OSError):
            target.unlink()
        return
    try:
        items, blobs = _groups(doc)
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
        with replacing(target) as fh:
            fh.writelines([len(head).to_bytes(_HEAD, "little"), head, *blobs])
    except (OSError, ValueError):
        pass
