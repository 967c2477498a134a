"""One writer at a time per index, across processes, and who it is.

The lock is a file beside the index folder (`index.lock` for `index/`), so that it
outlives the folder being swapped by a rebuild. It is held with `flock` (released by
the system when the holder dies, however it dies) and names its holder: pid, command
and start time, for the message another writer or reader shows."""

from __future__ import annotations

import contextlib
import errno
import json
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path

from .errors import IndexBusy, IndexUnavailable

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: one writer is trusted to run at a time
    fcntl = None

POLL_S = 0.1  # how often a waiting writer tries again
Progress = Callable[[int, int, str], None]


def lock_path(index_dir: Path) -> Path:
    return index_dir.with_name(index_dir.name + ".lock")


def holder(index_dir: Path) -> str:
    """'pid N (command)' of the holder as it wrote itself down, or 'another process'."""
    try:
        info = json.loads(lock_path(index_dir).read_text(encoding="utf-8"))
        return f"pid {int(info['pid'])} ({info.get('command') or 'dossier'})"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


def _command() -> str:
    """What this process is, for others to read: `dossier index`, `dossier search`..."""
    name = Path(sys.argv[0] or "dossier").stem
    if name == "indexer":
        return "the reader's indexer"
    if name in ("cli", "__main__", "-c", ""):
        name = "dossier"  # `python -m tui.cli`
    args, skip = [], False
    for a in sys.argv[1:]:
        if skip or a.startswith("-"):
            skip = a == "--config"
            continue
        args.append(a)
        break
    return " ".join([name, *args])[:80]


class IndexLock:
    """`with IndexLock(index_dir, wait=..., progress=...)`: the right to write."""

    def __init__(
        self,
        index_dir: Path,
        wait: bool = True,
        progress: Progress | None = None,
        timeout: float | None = None,
    ):
        self.index_dir = index_dir
        self.wait, self.progress, self.timeout = wait, progress, timeout
        self._fd: int | None = None

    def __enter__(self) -> IndexLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()

    def acquire(self) -> None:
        path = lock_path(self.index_dir)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            if not path.is_file():
                raise IndexUnavailable(_cannot_write(path.parent, exc)) from None
            # A read-only folder: the lock can still be held, so that an update that
            # finds nothing to change succeeds; one that must write says why it cannot.
            fd = os.open(path, os.O_RDONLY)
        if fcntl is None:
            self._fd = fd
            return
        start = time.monotonic()
        told = False
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                who = holder(self.index_dir)
                if not self.wait or (
                    self.timeout is not None and time.monotonic() - start > self.timeout
                ):
                    os.close(fd)
                    raise IndexBusy(f"the index is being updated by {who}", who) from None
                if not told and self.progress:
                    self.progress(0, 0, f"waiting for the index lock held by {who}")
                    told = True
                time.sleep(POLL_S)
        info = {"pid": os.getpid(), "command": _command(), "since": time.time()}
        with contextlib.suppress(OSError):  # who holds it is told when it can be
            os.ftruncate(fd, 0)
            os.pwrite(fd, json.dumps(info).encode(), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            fd, self._fd = self._fd, None
            with contextlib.suppress(OSError):
                os.ftruncate(fd, 0)
            os.close(fd)  # closing releases the flock


def _cannot_write(folder: Path, exc: OSError) -> str:
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"cannot write the index in {folder}: {exc.strerror.lower()}"
    if exc.errno == errno.ENOSPC:
        return f"no space left on the disk holding {folder}"
    if exc.errno == errno.ENOTDIR:
        return f"the index path {folder} is inside a file, not a folder"
    return f"cannot write the index in {folder}: {exc.strerror or exc}"


def disk_error(folder: Path, exc: OSError) -> str:
    """One line for an OSError met while writing the index."""
    return _cannot_write(folder, exc)
