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
import os
import sys
from array import array
from pathlib import Path
from typing import Any

from .tagdoc import Packed, Place, TagDoc

FORMAT = f"dossier-tags-3-py{sys.version_info[0]}.{sys.version_info[1]}"


def cache_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.cache")


def digest(data: bytes) -> str:
    """Which bytes the cache is of (SHA-1: the fastest here, 23 MB in ~20 ms; it tells
    versions of one file apart, nobody gains by making two alike)."""
    return hashlib.sha1(data, usedforsecurity=False).hexdigest()


def _group(data: bytes, item: Any) -> tuple[str, Packed, Place | None]:
    article, blob, ids, start, cuts = item
    if not (isinstance(article, str) and isinstance(blob, bytes) and isinstance(ids, tuple)):
        raise ValueError("not a group")
    packed = Packed(blob, ids)
    if start < 0:
        return article, packed, None
    at = array("Q")
    at.frombytes(cuts)
    if len(at) != len(ids) + 1 or at[0] != 0 or start + at[-1] > len(data):
        raise ValueError("not where the file has it")
    return article, packed, Place(start, at)


def load(path: Path, data: bytes) -> dict | None:
    """version, groups, places, dismissed, memos and extra (TagDoc's arguments) of the
    file whose bytes are data; None when the cache is missing or not for them."""
    try:
        blob = marshal.loads(cache_path(path).read_bytes())
        if blob.get("format") != FORMAT or blob.get("digest") != digest(data):
            return None
        groups, places = {}, {}
        for item in blob["groups"]:
            article, packed, place = _group(data, item)
            groups[article] = packed
            if place is not None:
                places[article] = place
        out = {k: blob[k] for k in ("version", "dismissed", "memos", "extra")}
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


def _groups(doc: TagDoc) -> list[tuple]:
    out = []
    for article in doc.articles():
        g, place = doc.groups[article], doc.places.get(article)
        if isinstance(g, Packed):
            packed = g
        else:
            entries = list(place.entries) if place and place.entries is not None else g
            packed = Packed(marshal.dumps(entries), tuple(str(r.get("id")) for r in entries))
        if place is None:
            out.append((article, packed.blob, packed.ids, -1, b""))
        else:
            out.append((article, packed.blob, packed.ids, place.start, place.cuts.tobytes()))
    return out


def save(path: Path, doc: TagDoc, data: bytes) -> None:
    """Keep doc (a TagDoc whose file bytes are data) for the next open."""
    target = cache_path(path)
    if not doc.plain:
        doc.plain = _is_plain(doc)
    if not doc.plain:  # a date or other YAML type somewhere: parse that file each time
        with contextlib.suppress(OSError):
            target.unlink()
        return
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        blob = {
            "format": FORMAT,
            "digest": digest(data),
            "version": doc.version,
            "groups": _groups(doc),
            "dismissed": doc.dismissed,
            "memos": doc.memos,
            "extra": doc.extra,
        }
        tmp.write_bytes(marshal.dumps(blob))
        os.replace(tmp, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()
