"""Finding a corpus's articles: the files below the corpus folder that are articles,
in a stable order, with their ids; what is skipped, and why, as warnings."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
from array import array
from collections.abc import Callable, Iterator, Sequence
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


class Listing(Sequence[SourceFile]):
    """The files a scan found, packed: their paths below the corpus folder in one
    string, sizes and times in arrays; each SourceFile is made when asked for. (As a
    list of SourceFile, 100k files took ~30 MB of small objects, which a build's process
    never handed back while its writer processes ran.)"""

    _FOLD = 1024  # names gathered before they are joined into one string

    def __init__(self, root: str = "") -> None:
        self.root = root
        self._text = ""  # every file's path below root, one after another
        self._ends = array("Q")  # where each one ends in _text
        self._suffix = array("B")  # the length of each one's suffix (not in its id)
        self._sizes = array("q")
        self._mtimes = array("q")
        self._parts: list[str] = []  # names not yet joined into _text
        self._joined: list[str] = []
        self._length = 0

    def add(self, rel: str, suffix: int, size: int, mtime_ns: int) -> None:
        """A file at `rel` below root, whose id is `rel` but its last `suffix` characters."""
        self._parts.append(rel)
        self._length += len(rel)
        self._ends.append(self._length)
        self._suffix.append(suffix)
        self._sizes.append(size)
        self._mtimes.append(mtime_ns)
        if len(self._parts) >= self._FOLD:
            self._joined.append("".join(self._parts))
            self._parts.clear()

    def _packed(self) -> str:
        if self._parts or self._joined:
            self._text = "".join([self._text, *self._joined, *self._parts])
            self._parts, self._joined = [], []
        return self._text

    def __len__(self) -> int:
        return len(self._ends)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError("listing index out of range")
        rel = self._packed()[self._ends[i - 1] if i else 0 : self._ends[i]]
        aid = rel[: len(rel) - self._suffix[i]]
        return SourceFile(aid, os.path.join(self.root, "") + rel, self._sizes[i], self._mtimes[i])

    def __iter__(self) -> Iterator[SourceFile]:
        text, base, start = self._packed(), os.path.join(self.root, ""), 0
        rows = zip(self._ends, self._suffix, self._sizes, self._mtimes, strict=True)
        for end, suffix, size, mtime_ns in rows:
            rel = text[start:end]
            start = end
            yield SourceFile(rel[: len(rel) - suffix], base + rel, size, mtime_ns)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (Listing, list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return f"Listing({list(self)!r})"


@dataclass(slots=True)
class Scan:
    files: Listing = field(default_factory=Listing)
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
    out = Scan(Listing(str(root)))
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
        # Two files with the same id (their name but the suffix) share a folder.
        ids: dict[str, str] = {}
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
            out.files.add(rel, len(ext), fst.st_size, fst.st_mtime_ns)
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
