"""A disposable copy of the tag file as parsed, so a large file opens without parsing
YAML again (PyYAML builds its objects in Python even with libyaml: ~0.5 ms a tag, 25 s
for 50,000 tags here; this copy loads in a small fraction of that).

`.tags.yaml.cache` beside the tag file holds the BLAKE2 digest of the file's bytes, its
entries, dismissals and memos, and where each entry's text is in the file (so a change to one
tag rewrites the file without dumping every other tag again). It is used only when the
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
from pathlib import Path
from typing import Any

FORMAT = f"dossier-tags-2-py{sys.version_info[0]}.{sys.version_info[1]}"


def cache_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.cache")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def load(path: Path, data: bytes) -> dict | None:
    """version, entries, dismissed, memos, extra, source and fragments (entry id -> (mapping,
    start, end) in source) of the file whose bytes are data; None when the cache is
    missing or not for them."""
    try:
        blob = marshal.loads(cache_path(path).read_bytes())
        if blob.get("format") != FORMAT or blob.get("digest") != digest(data):
            return None
        entries, spans = blob["entries"], blob["spans"]
        if not (isinstance(entries, list) and all(isinstance(e, dict) for e in entries)):
            return None
        out = {k: blob[k] for k in ("version", "entries", "dismissed", "memos", "extra")}
        out["source"], out["fragments"] = None, None
        if isinstance(spans, list) and len(spans) == len(entries):
            out["source"] = data.decode("utf-8")
            out["fragments"] = {
                str(raw["id"]): (raw, s, e) for raw, (s, e) in zip(entries, spans, strict=True)
            }
    except (OSError, ValueError, EOFError, KeyError, TypeError, AttributeError):
        return None
    return out


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


def save(path: Path, doc, data: bytes) -> None:
    """Keep doc (a TagDoc whose file bytes are data) for the next open."""
    target = cache_path(path)
    if not doc.plain:
        seen: set[int] = set()
        parts = (doc.entries, doc.dismissed, doc.memos, doc.extra)
        doc.plain = all(_plain(part, seen) for part in parts)
    if not doc.plain:  # a date or other YAML type somewhere: parse that file each time
        with contextlib.suppress(OSError):
            target.unlink()
        return
    entries, spans = doc.entries, None
    if doc.fragments is not None and doc.source is not None:
        entries = [f[0] for f in doc.fragments.values()]
        spans = [(f[1], f[2]) for f in doc.fragments.values()]
    blob = {
        "format": FORMAT,
        "digest": digest(data),
        "version": doc.version,
        "entries": entries,
        "dismissed": doc.dismissed,
        "memos": doc.memos,
        "extra": doc.extra,
        "spans": spans,
    }
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_bytes(marshal.dumps(blob))
        os.replace(tmp, target)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            tmp.unlink()
