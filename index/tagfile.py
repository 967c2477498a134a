"""The tag file on disk: plain YAML read with the safe loader (libyaml's), checked, and written
atomically (temp file in the same folder, fsync, os.replace, fsync of the folder) with
the previous version kept as a backup, all under a lock file so two instances never lose
each other's changes.

A file that does not parse, is of an unknown version or holds a malformed entry or memo
raises TagFileError naming the file and line, and is never written over. Keys this
version does not know, at the top level, in entries, in anchors, in dismissals and in
memos, are kept as they are on every rewrite.

Over 400 lines as one idea, the file format: parsing and rendering share its key lists
and line finding and change together. The checks of one raw item are in
index/tagfile_checks.py, the disk side (atomic replace, backup, lock) in
index/tagfile_disk.py.
"""

from __future__ import annotations

import contextlib
import os
import re
from array import array
from datetime import date, datetime
from pathlib import Path
from typing import Any

import yaml

from . import tagcache
from .errors import TagFileError
from .tagdoc import VERSION, Packed, Place, TagDoc, entry_sort, new_token
from .tagfile_checks import check_dismissal, check_entry, check_memo
from .tagfile_disk import (  # noqa: F401 - the tag file's disk side, named here too
    _TMP_MARK,
    Unwritable,
    _backup,
    _write_replace,
    backup_path,
    lock_path,
    locked,
    real_path,
    remove_stale_temps,
)
from .yamlpos import node_line, safe_load

__all__ = ["VERSION", "TagDoc"]
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
_CONFLICT = re.compile(r"^(<{7}|={7}|>{7})(\s|$)", re.MULTILINE)


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
    doc = TagDoc(VERSION, entries, dismissed, memos, extra, raw=data)
    doc.places = _find_places(data, entries, doc)
    return doc


_ITEM = re.compile(rb"^- ", re.MULTILINE)
_TOP_KEY = re.compile(rb"^[^\s#-]", re.MULTILINE)
# What makes a line's meaning depend on others: an anchor, alias or tag where a value
# starts, a directive or document marker at a line start, CR line ends or tabs.
_CONTEXT = re.compile(rb"(?:^|[-:,\[{]) ?[&*!]|^(?:%|---|\.\.\.)|[\r\t]", re.MULTILINE)


def _find_places(data: bytes, entries: list[dict], doc: TagDoc) -> dict[str, Place]:
    """Where each article's entries are in a parsed file that dossier wrote (its header,
    each entry one '- id:' item at the line start, then 'dismissed:'; nothing whose
    meaning depends on other lines: no anchors, aliases, tags, tabs or CRs), for the
    articles whose entries are together and in order: the next write copies their text
    instead of dumping every entry again. Any doubt gives no place (entries dumped)."""
    head = (HEADER + _yaml({"version": VERSION}) + "entries:\n").encode("utf-8")
    if not data.startswith(head) or not data.endswith(b"\n") or _CONTEXT.search(data):
        return {}
    top = _TOP_KEY.search(data, len(head))
    if top is None or not data.startswith(b"dismissed:", top.start()):
        return {}
    starts = [m.start() for m in _ITEM.finditer(data, len(head), top.start())]
    if len(starts) != len(entries) or (starts and starts[0] != len(head)):
        return {}
    bounds = [*starts, top.start()]
    where = {id(e): k for k, e in enumerate(entries)}
    places: dict[str, Place] = {}
    for article in doc.groups:
        mine = doc.entries_of(article)
        span = [where[id(e)] for e in mine]
        if span != list(range(span[0], span[0] + len(span))):
            continue
        if mine != sorted(mine, key=entry_sort) or any(
            not data.startswith(b"- id: ", bounds[k])
            or data.find(str(e.get("id")).encode("utf-8"), bounds[k], bounds[k + 1]) < 0
            for e, k in zip(mine, span, strict=True)
        ):
            continue
        first = bounds[span[0]]
        cuts = array("Q", (bounds[k] - first for k in (*span, span[-1] + 1)))
        places[article] = Place(first, cuts, tuple(mine))
    return places


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


def file_key(st: os.stat_result) -> tuple[int, int, int, int]:
    """What tells one version of the file from another without reading it: any write
    changes the size, the times or (a replacement) the inode."""
    return (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)


def key_now(path: Path) -> tuple[int, int, int, int] | None:
    try:
        return file_key(os.stat(path))
    except OSError:
        return None


def _read_bytes(path: Path) -> tuple[bytes, tuple | None]:
    """The file's bytes and the key of the version read (None if it changed meanwhile)."""
    with open(path, "rb") as fh:
        before = file_key(os.fstat(fh.fileno()))
        data = fh.read()
        after = file_key(os.fstat(fh.fileno()))
    return data, before if before == after else None


def read(path: Path, known: TagDoc | None = None) -> TagDoc:
    """The tag file as it is on disk now; an empty TagDoc when there is none. When its
    bytes are those of `known`, a copy of known is returned without parsing again."""
    try:
        data, key = _read_bytes(path)
    except FileNotFoundError:
        return TagDoc()
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror})") from None
    if known is not None and known.raw is not None and known.raw == data:
        doc = known.copy()
    else:
        cached = tagcache.load(real_path(path), data)
        if cached is not None:
            doc = TagDoc(raw=data, plain=True, reparse=lambda raw: parse(path, raw), **cached)
        else:
            doc = parse(path, data)
            tagcache.save(real_path(path), doc, data)
    doc.key = key
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


def _unchanged(group: list[dict], place: Place) -> bool:
    """The group holds the very mappings its text in the file was written from."""
    old = place.entries
    return old is not None and len(old) == len(group) and all(map(_same, group, old))


def _same(a: dict, b: dict) -> bool:
    return a is b


Piece = bytes | tuple[int, int]  # new text, or a span of doc.raw to copy


def _render_group(doc: TagDoc, article: str, at: int, out: list[Piece]) -> Place:
    """Append the group's pieces to out (spans of doc.raw for the entries it holds
    already) and return where the group is in the new text (which starts at `at`)."""
    ordered = sorted(doc.entries_of(article), key=entry_sort)
    place = doc.places.get(article)  # unpacking fills in its entries
    known = {id(e): k for k, e in enumerate(place.entries)} if place and place.entries else {}
    cuts, size = array("Q", [0]), 0
    for e in ordered:
        k = known.get(id(e))
        if k is not None:
            piece: Piece = (place.start + place.cuts[k], place.start + place.cuts[k + 1])
            size += piece[1] - piece[0]
        else:
            piece = _yaml([_entry_out(e)]).encode("utf-8")
            size += len(piece)
        out.append(piece)
        cuts.append(size)
    return Place(at, cuts, tuple(ordered), new_token())


def _joined(raw: bytes, pieces: list[Piece]) -> bytes:
    """The pieces as one text; spans of raw that follow each other are copied as one
    (views of raw: its bytes are copied once, by the join)."""
    view = memoryview(raw)
    out: list[bytes | memoryview] = []
    run: list[int] | None = None
    for p in pieces:
        if isinstance(p, tuple):
            if run is not None and run[1] == p[0]:
                run[1] = p[1]
                continue
            if run is not None:
                out.append(view[run[0] : run[1]])
            run = [p[0], p[1]]
            continue
        if run is not None:
            out.append(view[run[0] : run[1]])
            run = None
        out.append(p)
    if run is not None:
        out.append(view[run[0] : run[1]])
    return b"".join(out)


def render(doc: TagDoc) -> tuple[bytes, dict[str, Place]]:
    """Stable text: fixed key order, entries by article and offset, no line wrapping;
    and where each article's entries are in it. The text of entries doc.raw already
    holds (for the same mappings) is copied: a change to one tag of 50,000 dumps one
    entry and unpacks one article's."""
    head = (HEADER + _yaml({"version": VERSION})).encode("utf-8")
    articles = doc.articles()
    out: list[Piece] = [head, b"entries:\n" if articles else b"entries: []\n"]
    at = len(head) + len(out[1])
    places: dict[str, Place] = {}
    groups, known = doc.groups, doc.places
    for article in articles:
        g, place = groups[article], known.get(article)
        if place is not None and (isinstance(g, Packed) or _unchanged(g, place)):
            size = place.cuts[-1]
            out.append((place.start, place.start + size))
            places[article] = Place(
                at,
                place.cuts,
                None if isinstance(g, Packed) else place.entries,
                doc.token(article),
            )
            at += size
            continue
        places[article] = _render_group(doc, article, at, out)
        at = places[article].end
    dismissed = [
        _ordered(d, DISMISS_KEYS)
        for d in sorted(
            doc.dismissed,
            key=lambda d: (str(d.get("article")), d.get("passage", 0), str(d.get("topic"))),
        )
    ]
    memos = [_ordered(m, MEMO_KEYS) for m in sorted(doc.memos, key=_memo_sort)]
    extra = {k: v for k, v in doc.extra.items() if k not in TOP_KEYS}
    tail = (
        _yaml({"dismissed": dismissed})
        + (_yaml({"memos": memos}) if memos else "")
        + (_yaml(extra) if extra else "")
    )
    out.append(tail.encode("utf-8"))
    return _joined(doc.raw or b"", out), places


def dump(doc: TagDoc) -> str:
    return render(doc)[0].decode("utf-8")


def write(path: Path, doc: TagDoc, previous: bytes | None) -> bytes:
    """Atomically replace the file with doc, keeping `previous` (the bytes it held) as
    the backup. Call while holding the lock. Returns the bytes written."""
    path = real_path(path)
    data, places = render(doc)
    mode = None
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode & 0o777
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o222 == 0:  # made read-only by its owner: respect it
            raise Unwritable(path, "the file is read-only")
    remove_stale_temps(path)
    try:
        if previous is not None and previous != data:
            _backup(path, previous, mode)
        _write_replace(path, data, mode)  # durable: the file and its folder synced
    except OSError as exc:
        raise Unwritable(path, exc.strerror or str(exc)) from None
    doc.raw, doc.places, doc.key = data, places, key_now(path)
    tagcache.save(path, doc, data)
    return data


def text_of(raw: dict, key: str) -> str:
    return _text(raw.get(key))
