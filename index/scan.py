"""Finding a corpus's articles: the files below the corpus folder that are articles,
in a stable order, with their ids; what is skipped, and why, as warnings."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .extract import HTML_SUFFIXES
from .metadata import SIDECAR

SUFFIXES = (".txt", ".md", *HTML_SUFFIXES)
PAGE_SIDECAR = ".meta.yaml"  # facts kept beside one file (`dossier add`): url, fetched, sha256
# Files in a corpus folder that are never articles (besides hidden files).
NOT_ARTICLES = ("readme*", "license*", "licence*", "copying*")
LISTED_EVERY = 500  # files looked at between two calls of scan's `listed`


@dataclass(frozen=True, slots=True)
class SourceFile:
    id: str
    path: str
    size: int
    mtime_ns: int


@dataclass(slots=True)
class Scan:
    files: list[SourceFile] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _ignored(rel: str, name: str, patterns: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(name, p) for p in patterns)


_NOT_ARTICLE = re.compile("|".join(fnmatch.translate(p) for p in NOT_ARTICLES), re.IGNORECASE)


def scan(
    root: Path,
    ignore: tuple[str, ...] = (),
    follow_links_outside: bool = False,
    listed: Callable[[int], None] | None = None,
) -> Scan:
    """Every .txt and .md below root, in a stable order, but hidden files, README*,
    LICENSE* and files matching the `ignore` globs. Links (to files or folders) that
    lead out of the corpus folder are skipped with a warning unless
    `follow_links_outside`; a folder is never visited twice, so link loops end.
    `listed(n)` is told the number of files looked at, every LISTED_EVERY of them."""
    out = Scan()
    root = Path(root)
    if not root.is_dir():
        out.warnings.append(f"{root}: corpus folder not found")
        return out
    real_root = os.path.realpath(root)
    inside = real_root.rstrip(os.sep) + os.sep

    def outside(path: str) -> bool:
        real = os.path.realpath(path)
        return real != real_root and not real.startswith(inside)

    seen: set[tuple[int, int]] = set()
    ids: dict[str, str] = {}
    stack = [(str(root), "")]
    looked = 0
    while stack:
        dirpath, prefix = stack.pop()
        try:
            st = os.stat(dirpath)
            with os.scandir(dirpath) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            out.warnings.append(f"{prefix or dirpath}: cannot be read ({exc.strerror})")
            continue
        if (st.st_dev, st.st_ino) in seen:
            out.warnings.append(
                f"{prefix.rstrip('/')}: folder reached again through a link; skipped"
            )
            continue
        seen.add((st.st_dev, st.st_ino))
        subdirs = []
        for entry in entries:
            looked += 1
            if listed and looked % LISTED_EVERY == 0:
                listed(looked)
            name = entry.name
            rel = prefix + name
            if name.startswith("."):
                continue
            link = entry.is_symlink()
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if is_dir:
                if ignore and (_ignored(rel, name, ignore) or _ignored(rel + "/", name, ignore)):
                    continue
                if link and not follow_links_outside and outside(entry.path):
                    out.warnings.append(
                        f"{rel}: skipped, a link to a folder outside the corpus"
                        " (follow_links_outside: true reads it)"
                    )
                    continue
                subdirs.append((entry.path, rel + "/"))
                continue
            if _NOT_ARTICLE.match(name) or (ignore and _ignored(rel, name, ignore)):
                continue
            stem, ext = split_suffix(rel)
            if ext.lower() not in SUFFIXES:
                if rel != SIDECAR and not rel.endswith(PAGE_SIDECAR):
                    out.warnings.append(f"{rel}: skipped (dossier reads .txt, .md and .html)")
                continue
            if link and not follow_links_outside and outside(entry.path):
                out.warnings.append(
                    f"{rel}: skipped, a link to a file outside the corpus"
                    " (follow_links_outside: true reads it)"
                )
                continue
            try:
                fst = entry.stat()
            except OSError as exc:
                out.warnings.append(f"{rel}: cannot be read ({exc.strerror})")
                continue
            if not stat.S_ISREG(fst.st_mode):  # reading a pipe or device would never end
                out.warnings.append(f"{rel}: skipped, not a regular file")
                continue
            if stem in ids:
                out.warnings.append(f"{rel}: skipped, same article id as {ids[stem]}")
                continue
            ids[stem] = rel
            out.files.append(SourceFile(stem, entry.path, fst.st_size, fst.st_mtime_ns))
        stack.extend(reversed(subdirs))
    return out


def scan_corpus(settings: Settings, listed: Callable[[int], None] | None = None) -> Scan:
    """scan() with the settings' ignore globs and link rule."""
    return scan(settings.corpus, settings.ignore, settings.follow_links_outside, listed)


def split_suffix(rel: str) -> tuple[str, str]:
    """('a/page', '.html.gz') for 'a/page.html.gz'; otherwise as os.path.splitext."""
    stem, ext = os.path.splitext(rel)
    if ext.lower() == ".gz":
        inner, ext2 = os.path.splitext(stem)
        if ext2:
            return inner, ext2 + ext
    return stem, ext
