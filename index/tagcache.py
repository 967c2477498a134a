"""A disposable copy of the tag file as parsed, so a large file opens without parsing
YAML again (PyYAML builds its objects in Python even with libyaml: ~0.5 ms a tag).

`.tags.yaml.cache.json` beside the tag file holds the BLAKE2 digest of the file's bytes,
its entries and dismissals as JSON, and where each entry's text is in the file (so a
change to one tag rewrites the file without dumping every other tag again). It is used
only when the digest is that of the bytes just read; any problem with it means it is
ignored (and replaced on the next write). Deleting it loses nothing.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from pathlib import Path
from typing import Any

FORMAT = 1


def cache_path(path: Path) -> Path:
    return path.with_name(f".{path.name}.cache.json")


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


def load(path: Path, data: bytes) -> dict | None:
    """version, entries, dismissed, extra and fragments (entry id -> (mapping, text)) of
    the file whose bytes are data, or None when the cache is missing or not for them."""
    try:
        blob = json.loads(cache_path(path).read_bytes())
        if blob.get("format") != FORMAT or blob.get("digest") != digest(data):
            return None
        entries, spans = blob["entries"], blob.get("spans")
        out = {k: blob[k] for k in ("version", "entries", "dismissed", "extra")}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    out["fragments"] = None
    if isinstance(spans, list) and len(spans) == len(entries):
        text = data.decode("utf-8")
        out["fragments"] = {
            str(raw["id"]): (raw, text[s:e]) for raw, (s, e) in zip(entries, spans, strict=True)
        }
    return out


def _plain(value: Any) -> bool:
    """True when value comes back from JSON equal (only JSON types, text keys)."""
    if value is None or isinstance(value, str | bool | int | float):
        return True
    if isinstance(value, list):
        return all(_plain(v) for v in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and _plain(v) for k, v in value.items())
    return False


def save(path: Path, doc, data: bytes, text: str | None) -> None:
    """Keep doc (a TagDoc whose file bytes are data) for the next open. `text` is data
    as written from doc.fragments, to note where each entry is; None after a parse."""
    target = cache_path(path)
    if not doc.json_safe:
        doc.json_safe = _plain(doc.entries) and _plain(doc.dismissed) and _plain(doc.extra)
    if not doc.json_safe:
        with contextlib.suppress(OSError):
            target.unlink()
        return
    entries, spans = doc.entries, None
    if text is not None and doc.fragments is not None:
        entries, spans = [], []
        at = text.find("\nentries:\n") + len("\nentries:\n")
        for raw, fragment in doc.fragments.values():
            entries.append(raw)
            spans.append((at, at + len(fragment)))
            at += len(fragment)
    blob = {
        "format": FORMAT,
        "digest": digest(data),
        "version": doc.version,
        "entries": entries,
        "dismissed": doc.dismissed,
        "extra": doc.extra,
        "spans": spans,
    }
    tmp = target.with_name(f"{target.name}.tmp-{os.getpid()}")
    try:
        tmp.write_text(json.dumps(blob, ensure_ascii=False), encoding="utf-8")
        os.replace(tmp, target)
    except (OSError, ValueError, TypeError):
        with contextlib.suppress(OSError):
            tmp.unlink()
