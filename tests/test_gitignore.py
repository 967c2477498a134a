"""A tag file kept in a git checkout: its side files (backup, lock, cache, a killed
writer's temps) are ignored by the project's .gitignore, whatever the tag file's name,
while the tag file itself shows up to be committed."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from index.atomic import temp_name
from index.tagcache import cache_path
from index.tagfile_disk import backup_path, lock_path

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
def test_side_files_of_a_second_tag_file_are_ignored(tmp_path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    shutil.copy(ROOT / ".gitignore", tmp_path / ".gitignore")
    tags = tmp_path / "coder-b.yaml"
    side = [
        backup_path(tags),
        lock_path(tags),
        cache_path(tags),
        temp_name(tags),  # what a writer killed before its rename leaves
        temp_name(backup_path(tags)),
        temp_name(cache_path(tags)),
    ]
    for p in [tags, *side]:
        p.write_text("x\n", encoding="utf-8")
    status = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=all"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\n")
    untracked = sorted(line[3:] for line in status if line.startswith("??"))
    assert untracked == [".gitignore", "coder-b.yaml"]
