"""The tag file's place on disk: an atomic replace (temp file in the same folder, fsync,
os.replace, fsync of the folder), the backup kept beside it, the lock every dossier
takes around read-change-write, and the temp files a killed writer leaves. Knows
nothing of the file's content (index/tagfile.py)."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from pathlib import Path

from .atomic import TMP_MARK as _TMP_MARK
from .atomic import write_atomic


class Unwritable(Exception):
    """The tag file (or its folder) cannot be written: read-only, full disk."""

    def __init__(self, path: Path, reason: str):
        super().__init__(f"{path}: {reason}")
        self.path, self.reason = path, reason


def _write_replace(target: Path, data: bytes, mode: int | None) -> None:
    """The one write of the tag file and its backup (tests put a full disk here)."""
    write_atomic(target, data, durable=True, mode=0o644 if mode is None else mode)


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
        f".{path.name}.cache.tmp-",  # the cache's (index/tagcache.py), old and new names
        f"..{path.name}.cache{_TMP_MARK}",
    )
    try:
        names = os.listdir(path.parent)
    except OSError:
        return
    for name in names:
        if name.startswith(prefixes):
            with contextlib.suppress(OSError):
                os.unlink(path.parent / name)


def _backup(path: Path, previous: bytes, mode: int | None) -> None:
    """The file as it is (`previous`, read under the lock) becomes the backup: by a
    second name for it (a hard link renamed over the old backup: nothing copied), or,
    where links cannot be made, by writing previous."""
    tmp = path.with_name(f".{backup_path(path).name}{_TMP_MARK}{os.getpid()}-link")
    try:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        os.link(path, tmp)
        if os.stat(tmp).st_size == len(previous):
            os.replace(tmp, backup_path(path))
            # a backup that is this very file already (a writer was killed between
            # backup and save) makes the rename do nothing: drop the extra name
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            return
    except OSError:
        pass
    with contextlib.suppress(OSError):
        os.unlink(tmp)
    _write_replace(backup_path(path), previous, mode)


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
