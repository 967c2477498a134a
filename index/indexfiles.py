"""The index's files: a rebuilt index swapped in whole, and a checksum per file recorded
in the manifest when a writer commits, so that damage done later (bytes changed, a
file lost) is noticed at the next update or at the first search that fails, and the
index rebuilt from the corpus."""

from __future__ import annotations

import contextlib
import hashlib
import os
import pickle
import shutil
import struct
import zlib
from collections.abc import Callable
from pathlib import Path

from .headlines import STORE as HEADLINES
from .manifest import Manifest

DAMAGED = "DAMAGED"  # a file in the index folder: why the index must be rebuilt
# Not part of the index's integrity: the manifest (it holds the checksums), a first
# build's progress, the damage mark, and caches derived from the index (read again when
# stale); nor a writer's hidden temp files (index/atomic.py).
_SKIP = {"manifest.json", "partial.json", DAMAGED, HEADLINES}

FileRecord = list  # [size, mtime_ns, blake2b hex]


def _digest(path: Path) -> str:
    h = hashlib.blake2b(digest_size=16)
    with open(path, "rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


def _index_files(index_dir: Path) -> list[os.DirEntry]:
    return [
        e
        for e in os.scandir(index_dir)
        if e.is_file(follow_symlinks=False)
        and e.name not in _SKIP
        and not e.name.startswith(".")
        and not e.name.endswith(".lock")
        and not e.name.endswith("_LOCK")
    ]


def record(
    index_dir: Path,
    before: dict[str, FileRecord] | None = None,
    tick: Callable[[int, int], None] | None = None,
) -> dict[str, FileRecord]:
    """Size, mtime and checksum of every index file; files whose size and mtime are
    as `before` recorded them keep their checksum (only new segments are read).
    `tick(done, total)` after each file: a large index takes seconds to read."""
    before = before or {}
    out: dict[str, FileRecord] = {}
    files = _index_files(index_dir)
    for i, e in enumerate(files, 1):
        if tick:
            tick(i, len(files))
        try:
            st = e.stat()
            old = before.get(e.name)
            if old and old[0] == st.st_size and old[1] == st.st_mtime_ns:
                out[e.name] = old
            else:
                out[e.name] = [st.st_size, st.st_mtime_ns, _digest(Path(e.path))]
        except FileNotFoundError:  # removed since listed (a writer's older TOC)
            continue
    return out


def check(index_dir: Path, recorded: dict[str, FileRecord], full: bool = False) -> str | None:
    """What is wrong with the index files against the record, or None. Cheap unless
    `full`: a file is read only when its size or mtime changed."""
    for name, (size, mtime_ns, digest) in recorded.items():
        path = index_dir / name
        try:
            st = path.stat()
        except FileNotFoundError:
            if _is_toc_or_segment(name):
                return f"{name} is missing"
            continue
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror})"
        if not full and st.st_size == size and st.st_mtime_ns == mtime_ns:
            continue
        try:
            if _digest(path) != digest:
                return f"{name} changed since it was written"
        except OSError as exc:
            return f"{name} cannot be read ({exc.strerror})"
    return None


def _is_toc_or_segment(name: str) -> bool:
    return name.endswith((".toc", ".seg", ".trm", ".pst", ".fvz", ".col", ".dci", ".dcz"))


def verify(index_dir: Path) -> str | None:
    """A full check of the index files against the manifest's record (read after a
    search failed): what is damaged, or None if nothing is (or nothing is recorded)."""
    manifest = Manifest.load(index_dir)
    if manifest is None or not manifest.files:
        return None
    return check(index_dir, manifest.files, full=True)


def mark_damaged(index_dir: Path, why: str) -> None:
    """Leave a note that the next update must rebuild (best effort: a read-only
    folder cannot take it, and the update then finds the damage itself)."""
    with contextlib.suppress(OSError):
        (index_dir / DAMAGED).write_text(why + "\n", encoding="utf-8")


def damaged(index_dir: Path) -> str | None:
    try:
        return (index_dir / DAMAGED).read_text(encoding="utf-8").strip() or "damaged"
    except (OSError, UnicodeDecodeError):
        return None


def is_decoding_error(exc: BaseException) -> bool:
    """Errors Whoosh raises when the bytes of a segment are not what it wrote."""
    if isinstance(exc, (zlib.error, struct.error, EOFError, pickle.UnpicklingError)):
        return True
    return type(exc) is Exception and str(exc).startswith("Block tag error")


def beside(index_dir: Path, suffix: str) -> Path:
    return index_dir.with_name(index_dir.name + suffix)


def swap(new: Path, index_dir: Path) -> None:
    """Put the complete index at `new` in place of `index_dir`: in one step where the
    system can exchange two folders (Linux), else by two renames (a reader opening in
    between waits for the second; see open_index)."""
    if index_dir.exists() and _exchange(new, index_dir):
        shutil.rmtree(new, ignore_errors=True)
        return
    old = beside(index_dir, ".old")
    shutil.rmtree(old, ignore_errors=True)
    if index_dir.exists():
        os.rename(index_dir, old)
    os.rename(new, index_dir)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two folders atomically with renameat2(RENAME_EXCHANGE); False if the system
    cannot."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    return renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0
