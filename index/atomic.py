"""Writing a file so that a reader sees the old one or the new one, never a torn one:
the bytes go to a hidden temp file in the same folder, then os.replace. The temp name is
unique per call (process id and a random token), so two threads or processes writing
the same target never share one; a killed writer leaves `.NAME.tmp-PID-TOKEN`, which
`is_temp` recognises for cleaning up."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

TMP_MARK = ".tmp-"


def temp_name(target: Path) -> Path:
    return target.with_name(f".{target.name}{TMP_MARK}{os.getpid()}-{secrets.token_hex(4)}")


def is_temp(path: Path, target_name: str) -> bool:
    """A temp file left by a writer of target_name (killed before its replace)."""
    return path.name.startswith(f".{target_name}{TMP_MARK}")


def fsync_dir(folder: Path) -> None:
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


def _mode_of(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o7777  # a rewritten file keeps its permissions
    except OSError:
        return 0o666  # a new file: the umask applies


@contextlib.contextmanager
def replacing(
    target: Path, *, durable: bool = False, mode: int | None = None
) -> Iterator[BinaryIO]:
    """A binary file whose content replaces target when the block ends without an
    error; on an error the temp file is removed and target is untouched. durable: the
    bytes and the rename are on disk (fsync of the file and of its folder) before the
    block returns. mode: the new file's permissions (default: the old file's)."""
    tmp = temp_name(target)
    fd = os.open(
        tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, _mode_of(target) if mode is None else mode
    )
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh
            if durable:
                fh.flush()
                os.fsync(fh.fileno())
        if mode is None:
            with contextlib.suppress(OSError):  # umask may have cut the old file's mode
                os.chmod(tmp, _mode_of(target))
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    if durable:
        fsync_dir(target.parent)


def write_atomic(
    target: Path, data: bytes | str, *, durable: bool = False, mode: int | None = None
) -> None:
    """target holds data (str: UTF-8, newlines as given), written as `replacing` says."""
    with replacing(target, durable=durable, mode=mode) as fh:
        fh.write(data.encode("utf-8") if isinstance(data, str) else data)
