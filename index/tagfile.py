"""The tag file on disk: plain YAML read with the safe loader (libyaml's), checked, and written
atomically (temp file in the same folder, fsync, os.replace, fsync of the folder) with
the previous version kept as a backup, all under a lock file so two instances never lose
each other's changes.

A file that does not parse, is of an unknown version or holds a malformed entry or memo
raises TagFileError naming the file and line, and is never written over. Keys this
version does not know, at the top level, in entries, in anchors, in dismissals and in
memos, are kept as they are on every rewrite.

Kept as one module though over 400 lines: parsing, rendering and the atomic locked write
follow one file format (its key lists and line finding) and change together.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from . import tagcache
from .errors import TagFileError
from .yamlpos import node_line, safe_load

VERSION = 1
HEADER = (
    "# dossier tag file: your evidence. Plain YAML; one entry per tagged passage or span.\n"
    "# Offsets are code points into the article's canonical text (end exclusive).\n"
)
ENTRY_KEYS = (
    "id",
    "article",
    "topics",
    "note",
    "anchor",
    "article_hash",
    "coder",
    "created",
    "updated",
)
ANCHOR_KEYS = ("start", "end", "prefix", "exact", "suffix")
DISMISS_KEYS = ("article", "passage", "topic", "quote", "created")
MEMO_KEYS = ("id", "article", "topic", "text", "coder", "created", "updated")
TOP_KEYS = ("version", "entries", "dismissed", "memos")
_TMP_MARK = ".tmp-"
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)


class Unwritable(Exception):
    """The tag file (or its folder) cannot be written: read-only, full disk."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


@dataclass(slots=True)
class TagDoc:
    """The file's content: raw mappings as parsed, so unknown keys survive."""

    version: int = VERSION
    entries: list[dict] = field(default_factory=list)
    dismissed: list[dict] = field(default_factory=list)
    memos: list[dict] = field(default_factory=list)  # notes on an article or topic, no tag
    extra: dict = field(default_factory=dict)  # unknown top-level keys, in file order
    raw: bytes | None = None  # the bytes read, None when there was no file
    source: str | None = None  # the text the fragments point into
    fragments: dict[str, tuple[dict, int, int]] | None = None  # id -> (mapping, start, end)
    plain: bool = False  # only plain values (no dates...): can be cached (tagcache.py)

    def copy(self) -> TagDoc:
        """A copy whose lists can change without touching this one. Entry mappings are
        shared: changes replace an entry's mapping, never edit it in place."""
        return TagDoc(
            version=self.version,
            entries=list(self.entries),
            dismissed=list(self.dismissed),
            memos=list(self.memos),
            extra=dict(self.extra),
            raw=self.raw,
            source=self.source,
            fragments=self.fragments,
            plain=self.plain,
        )

    def index_of(self, entry_id: str) -> int | None:
        for i, e in enumerate(self.entries):
            if e.get("id") == entry_id:
                return i
        return None


# --- reading -------------------------------------------------------------------------


def _line_of(text: str, *keys: str | int) -> int | None:
    """1-based line of the node at keys (as deep as it can get), for messages."""
    try:
        return node_line(yaml.compose(text, Loader=yaml.SafeLoader), *keys)
    except yaml.YAMLError:
        return None


def _fail(path: Path, reason: str, line: int | None = None) -> TagFileError:
    where = f"{path}" if line is None else f"{path}, line {line}"
    return TagFileError(
        f"{where}: {reason}; the tag file is left as it is and tagging is off until it is fixed"
    )


def _text(value: Any) -> str:
    if isinstance(value, datetime | date):  # a hand-written, unquoted timestamp
        return value.isoformat().replace("+00:00", "Z")
    return "" if value is None else str(value)


def check_entry(raw: Any) -> tuple[str, tuple] | None:
    """What is wrong with one raw entry (reason, key path inside it), or None."""
    if not isinstance(raw, dict):
        return "each entry must be a mapping", ()
    for key in ("id", "article"):
        v = raw.get(key)
        if not isinstance(v, str | int) or isinstance(v, bool) or str(v) == "":
            return f"entry needs '{key}' (text)", (key,) if key in raw else ()
    topics = raw.get("topics")
    if topics is not None and not isinstance(topics, str | list):
        return "'topics' must be a list of topic ids", ("topics",)
    if isinstance(topics, list) and not all(isinstance(t, str | int) for t in topics):
        return "'topics' must be a list of topic ids", ("topics",)
    note = raw.get("note")
    if note is not None and not isinstance(note, str | int | float):
        return "'note' must be text", ("note",)
    anchor = raw.get("anchor")
    if not isinstance(anchor, dict):
        return "entry needs an 'anchor' mapping (start, end, exact)", (
            "anchor",
        ) if "anchor" in raw else ()
    for key in ("start", "end"):
        v = anchor.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            return f"anchor '{key}' must be a whole number >= 0", ("anchor", key)
    if anchor["end"] < anchor["start"]:
        return "anchor 'end' is before 'start'", ("anchor", "end")
    for key in ("exact", "prefix", "suffix"):
        v = anchor.get(key)
        if (key == "exact" and not isinstance(v, str)) or (
            v is not None and not isinstance(v, str)
        ):
            return f"anchor '{key}' must be text", ("anchor", key)
    return None


def check_dismissal(raw: Any) -> tuple[str, tuple] | None:
    if not isinstance(raw, dict):
        return "each dismissal must be a mapping (article, passage, topic)", ()
    if not isinstance(raw.get("article"), str | int) or not raw.get("topic"):
        return "a dismissal needs 'article' and 'topic'", ()
    p = raw.get("passage")
    if not isinstance(p, int) or isinstance(p, bool):
        return "a dismissal needs 'passage' (a number)", ("passage",)
    return None


def _optional_text(raw: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        v = raw.get(key)
        if v is not None and (not isinstance(v, str | int | float) or isinstance(v, bool)):
            return key
    return None


def check_memo(raw: Any) -> tuple[str, tuple] | None:
    """What is wrong with one raw memo (reason, key path inside it), or None."""
    if not isinstance(raw, dict):
        return "each memo must be a mapping (id, article or topic, text)", ()
    v = raw.get("id")
    if not isinstance(v, str | int) or isinstance(v, bool) or str(v) == "":
        return "memo needs 'id' (text)", ("id",) if "id" in raw else ()
    bad = _optional_text(raw, ("article", "topic", "coder"))
    if bad:
        return f"memo '{bad}' must be text", (bad,)
    if raw.get("article") in (None, "") and raw.get("topic") in (None, ""):
        return "a memo needs 'article' or 'topic' (what it is about)", ()
    if not isinstance(raw.get("text"), str | int | float) or isinstance(raw.get("text"), bool):
        return "memo needs 'text'", ("text",) if "text" in raw else ()
    return None


def parse(path: Path, data: bytes) -> TagDoc:
    """Bytes of a tag file to a TagDoc. Raises TagFileError (file, line, reason)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise _fail(path, f"not UTF-8 (byte {exc.start})") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    conflict = _CONFLICT.search(text)
    if conflict:
        line = text.count("\n", 0, conflict.start()) + 1
        raise _fail(
            path,
            "holds merge conflict markers (<<<<<<<, =======, >>>>>>>): a version-control "
            "merge stopped halfway. Resolve the conflict: keep the entries of both sides "
            "(each entry is one '- id:' block), delete the three marker lines, save",
            line,
        )
    try:
        loaded = safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise _fail(path, f"not valid YAML ({problem})", mark.line + 1 if mark else None) from None
    except ValueError as exc:  # a timestamp that is no date (2023-02-30), from the constructor
        raise _fail(path, f"holds a date or time that does not exist ({exc})") from None
    if loaded is None:
        return TagDoc(raw=data)
    if not isinstance(loaded, dict):
        raise _fail(path, "the file must be a mapping with 'version' and 'entries'", 1)
    version = loaded.get("version")
    if "version" not in loaded:
        raise _fail(path, "no 'version' key", 1)
    if version != VERSION:
        raise _fail(
            path,
            f"unknown version {version!r} (this dossier reads version {VERSION})",
            _line_of(text, "version"),
        )
    entries = loaded.get("entries") or []
    dismissed = loaded.get("dismissed") or []
    memos = loaded.get("memos") or []
    if not isinstance(entries, list):
        raise _fail(path, "'entries' must be a list", _line_of(text, "entries"))
    if not isinstance(dismissed, list):
        raise _fail(path, "'dismissed' must be a list", _line_of(text, "dismissed"))
    if not isinstance(memos, list):
        raise _fail(path, "'memos' must be a list", _line_of(text, "memos"))
    seen: dict[str, int] = {}
    for i, raw in enumerate(entries):
        problem = check_entry(raw)
        if problem:
            raise _fail(path, problem[0], _line_of(text, "entries", i, *problem[1]))
        eid = str(raw["id"])
        if eid in seen:
            raise _fail(
                path,
                f"entry id '{eid}' is used twice (also line "
                f"{_line_of(text, 'entries', seen[eid])})",
                _line_of(text, "entries", i),
            )
        seen[eid] = i
    for i, raw in enumerate(dismissed):
        problem = check_dismissal(raw)
        if problem:
            raise _fail(path, problem[0], _line_of(text, "dismissed", i, *problem[1]))
    _check_memos(path, text, memos)
    extra = {k: v for k, v in loaded.items() if k not in TOP_KEYS}
    return TagDoc(
        version=VERSION, entries=entries, dismissed=dismissed, memos=memos, extra=extra, raw=data
    )


def _check_memos(path: Path, text: str, memos: list) -> None:
    seen: dict[str, int] = {}
    for i, raw in enumerate(memos):
        problem = check_memo(raw)
        if problem:
            raise _fail(path, problem[0], _line_of(text, "memos", i, *problem[1]))
        mid = str(raw["id"])
        if mid in seen:
            raise _fail(
                path,
                f"memo id '{mid}' is used twice (also line {_line_of(text, 'memos', seen[mid])})",
                _line_of(text, "memos", i),
            )
        seen[mid] = i


def read(path: Path, known: TagDoc | None = None) -> TagDoc:
    """The tag file as it is on disk now; an empty TagDoc when there is none. When its
    bytes are those of `known`, a copy of known is returned without parsing again."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return TagDoc()
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror})") from None
    if known is not None and known.raw is not None and known.raw == data:
        return known.copy()
    cached = tagcache.load(real_path(path), data)
    if cached is not None:
        return TagDoc(raw=data, plain=True, **cached)
    doc = parse(path, data)
    tagcache.save(real_path(path), doc, data)
    return doc


# --- writing -------------------------------------------------------------------------


def _ordered(raw: dict, known: tuple[str, ...]) -> dict:
    out = {k: raw[k] for k in known if k in raw}
    out.update((k, v) for k, v in raw.items() if k not in out)
    return out


def _entry_out(raw: dict) -> dict:
    out = _ordered(raw, ENTRY_KEYS)
    if isinstance(out.get("anchor"), dict):
        out["anchor"] = _ordered(out["anchor"], ANCHOR_KEYS)
    return out


def _entry_sort(raw: dict) -> tuple:
    a = raw.get("anchor") or {}
    return (str(raw.get("article")), a.get("start", 0), a.get("end", 0), str(raw.get("id")))


class _Dumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """The safe dumper (only plain YAML types; libyaml's when present, for speed) that
    writes text with line breaks or edge
    spaces as one double-quoted line with escapes: exact, and one line in a diff."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = '"' if ("\n" in value or value[:1].isspace() or value[-1:].isspace()) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def _yaml(data: Any) -> str:
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=1 << 20,
        indent=2,
    )


def _memo_sort(raw: dict) -> tuple:
    return (str(raw.get("article") or ""), str(raw.get("topic") or ""), str(raw.get("id")))


def render(doc: TagDoc) -> tuple[str, dict[str, tuple[dict, int, int]]]:
    """Stable text: fixed key order, entries by article and offset, no line wrapping;
    and where each entry's text is in it. The text of an entry doc.fragments already
    holds (for the same mapping object) is reused: a change to one tag of 50,000 dumps
    one entry."""
    known = doc.fragments or {}
    source = doc.source or ""
    head = HEADER + _yaml({"version": VERSION})
    parts = []
    fragments: dict[str, tuple[dict, int, int]] = {}
    at = len(head) + len("entries:\n")
    for raw in sorted(doc.entries, key=_entry_sort):
        eid = str(raw.get("id"))
        hit = known.get(eid)
        if hit is not None and hit[0] is raw:
            text = source[hit[1] : hit[2]]
        else:
            text = _yaml([_entry_out(raw)])
        fragments[eid] = (raw, at, at + len(text))
        at += len(text)
        parts.append(text)
    dismissed = [
        _ordered(d, DISMISS_KEYS)
        for d in sorted(
            doc.dismissed,
            key=lambda d: (str(d.get("article")), d.get("passage", 0), str(d.get("topic"))),
        )
    ]
    memos = [_ordered(m, MEMO_KEYS) for m in sorted(doc.memos, key=_memo_sort)]
    extra = {k: v for k, v in doc.extra.items() if k not in TOP_KEYS}
    text = (
        head
        + ("entries:\n" + "".join(parts) if parts else "entries: []\n")
        + _yaml({"dismissed": dismissed})
        + (_yaml({"memos": memos}) if memos else "")
        + (_yaml(extra) if extra else "")
    )
    return text, fragments


def dump(doc: TagDoc) -> str:
    return render(doc)[0]


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _write_replace(target: Path, data: bytes, mode: int | None) -> None:
    tmp = target.with_name(f".{target.name}{_TMP_MARK}{os.getpid()}-{secrets.token_hex(3)}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644 if mode is None else mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def real_path(path: Path) -> Path:
    """The file a (possibly linked) tag path stands for: replacing it keeps the link."""
    return Path(os.path.realpath(path))


def backup_path(path: Path) -> Path:
    return path.with_name(path.name + ".bak")


def lock_path(path: Path) -> Path:
    return path.with_name(path.name + ".lock")


def remove_stale_temps(path: Path) -> None:
    """Temp files a killed writer left. Only call while holding the lock."""
    prefixes = (
        f".{path.name}{_TMP_MARK}",
        f".{backup_path(path).name}{_TMP_MARK}",
        f".{path.name}.cache.tmp-",
    )
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefixes):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def write(path: Path, doc: TagDoc, previous: bytes | None) -> bytes:
    """Atomically replace the file with doc, keeping `previous` (the bytes it held) as
    the backup. Call while holding the lock. Returns the bytes written."""
    path = real_path(path)
    text, fragments = render(doc)
    data = text.encode("utf-8")
    mode = None
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o777
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o222 == 0:  # made read-only by its owner: respect it
            raise Unwritable(path, "the file is read-only")
    remove_stale_temps(path)
    try:
        if previous is not None and previous != data:
            _write_replace(backup_path(path), previous, mode)
        _write_replace(path, data, mode)
    except OSError as exc:
        raise Unwritable(path, exc.strerror or str(exc)) from None
    _fsync_dir(path.parent)
    doc.source, doc.fragments = text, fragments
    tagcache.save(path, doc, data)
    return data


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock for reload-merge-write, shared by every dossier on this file."""
    lp = lock_path(real_path(path))
    try:
        lp.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lp, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise Unwritable(lp, f"cannot create the lock file ({exc.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        with contextlib.suppress(OSError):
            fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def text_of(raw: dict, key: str) -> str:
    return _text(raw.get(key))
