"""Every file dossier replaces (tag file, manifest, caches, exports) goes through
index/atomic.py: readers see the old bytes or the new, and writers at the same moment,
in threads of one process (two analyses of the reader) or in processes, never collide."""

from __future__ import annotations

import os
import threading

import pytest

from index.atomic import replacing, write_atomic


def test_threads_writing_one_file_at_once_never_collide(tmp_path):
    target = tmp_path / "cache.bin"
    contents = [bytes([i]) * 200_000 for i in range(8)]
    start, errors = threading.Barrier(len(contents)), []

    def write(data: bytes) -> None:
        start.wait()
        try:
            for _ in range(20):
                write_atomic(target, data)
        except Exception as exc:
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(c,)) for c in contents]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert target.read_bytes() in contents, "one writer's whole content, never a mix"
    assert os.listdir(tmp_path) == ["cache.bin"], "no temp file left behind"


def test_an_error_while_writing_leaves_the_old_file(tmp_path):
    target = tmp_path / "manifest.json"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(target, durable=True) as fh:
        fh.write(b"half of the n")
        raise RuntimeError("killed")
    assert target.read_text(encoding="utf-8") == "old"
    assert os.listdir(tmp_path) == ["manifest.json"]


def test_a_rewritten_file_keeps_its_permissions(tmp_path):
    target = tmp_path / "config.yaml"
    target.write_text("a: 1\n", encoding="utf-8")
    target.chmod(0o600)
    write_atomic(target, "a: 2\n")
    assert target.read_text(encoding="utf-8") == "a: 2\n"
    assert target.stat().st_mode & 0o777 == 0o600
