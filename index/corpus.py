"""Reading a corpus folder: find the files, decode, clean, assemble articles."""

from __future__ import annotations

import fnmatch
import os
import re
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from .boilerplate import LineEntry, Repeated, count, groups_of, repeated_for
from .cleaning import clean, line_fingerprints
from .config import Settings
from .metadata import (
    SIDECAR,
    FrontMatter,
    date_from_words,
    iso_date,
    load_sidecar,
    outlet_name,
    read_front_matter,
    standard_fields,
)
from .model import Article, Passage, Removed
from .text import canonical, content_hash, decode

SUFFIXES = (".txt", ".md")
# Files in a corpus folder that are never articles (besides hidden files).
NOT_ARTICLES = ("readme*", "license*", "licence*", "copying*")
Progress = Callable[[int, int, str], None]


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


def scan(root: Path, ignore: tuple[str, ...] = (), follow_links_outside: bool = False) -> Scan:
    """Every .txt and .md below root, in a stable order, but hidden files, README*,
    LICENSE* and files matching the `ignore` globs. Links (to files or folders) that
    lead out of the corpus folder are skipped with a warning unless
    `follow_links_outside`; a folder is never visited twice, so link loops end."""
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
            stem, ext = os.path.splitext(rel)
            if ext.lower() not in SUFFIXES:
                if rel != SIDECAR:
                    out.warnings.append(f"{rel}: skipped (dossier reads .txt and .md)")
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


def scan_corpus(settings: Settings) -> Scan:
    """scan() with the settings' ignore globs and link rule."""
    return scan(settings.corpus, settings.ignore, settings.follow_links_outside)


class Unreadable(Exception):
    """A file that cannot become an article; the message says why."""


@dataclass(slots=True)
class Prepared:
    """A file read, decoded and its front matter parsed, before cleaning; what the
    corpus-level pass needs to know of it (`groups`, `lines`, `body`)."""

    id: str
    path: str
    text: str
    front: FrontMatter
    side: dict
    warnings: list[str]
    groups: list[str]
    lines: list[str]  # fingerprints of the lines the corpus-level rule counts
    body: str  # hash of the text: copies of one file count once

    def line_entry(self) -> LineEntry:
        return LineEntry(self.groups, self.body, self.lines)


def read_text(src: SourceFile) -> tuple[str, str | None]:
    """The canonical text of a file and a note on its decoding. Raises Unreadable for
    empty, binary or unreadable files."""
    try:
        with open(src.path, "rb") as fh:
            data = fh.read()
    except OSError as exc:
        raise Unreadable(f"{src.id}: cannot be read ({exc.strerror})") from None
    if not data.strip():
        raise Unreadable(f"{src.id}: empty file; skipped")
    if b"\x00" in data[:8192]:
        raise Unreadable(f"{src.id}: looks binary; skipped")
    raw, note = decode(data)
    return canonical(raw), note


def prepare(
    article_id: str,
    path: str,
    text: str,
    settings: Settings,
    side: dict | None = None,
    warnings: list[str] | None = None,
) -> Prepared:
    """Front matter and the corpus-level facts of canonical text."""
    side = side or {}
    front = read_front_matter(text)
    notes = list(warnings or []) + [f"{article_id}: {w}" for w in front.warnings]
    found, _ = standard_fields({**side, **front.meta})
    outlet = outlet_name(found.get("source"), settings.outlets)
    return Prepared(
        article_id,
        path,
        text,
        front,
        side,
        notes,
        groups_of(article_id, outlet),
        line_fingerprints(text, front.body_start),
        content_hash(text),
    )


def prepare_file(src: SourceFile, settings: Settings, sidecar: dict | None = None) -> Prepared:
    text, note = read_text(src)
    notes = [f"{src.id}: {note}"] if note else []
    return prepare(src.id, src.path, text, settings, (sidecar or {}).get(src.id, {}), notes)


def read_article(
    src: SourceFile,
    settings: Settings,
    sidecar: dict[str, dict] | None = None,
    repeated: Repeated | None = None,
) -> Article:
    """One file to one cleaned article. Raises Unreadable for empty, binary or
    unreadable files. `repeated` holds the corpus's repeated lines per group (from the
    index manifest); without it no line is dropped as repeated."""
    return finish(prepare_file(src, settings, sidecar), settings, repeated)


def build_article(
    article_id: str,
    path: str,
    text: str,
    settings: Settings,
    side: dict | None = None,
    warnings: list[str] | None = None,
    repeated: Repeated | None = None,
) -> Article:
    """Clean canonical text into an Article (also used for text that is not on disk)."""
    return finish(prepare(article_id, path, text, settings, side, warnings), settings, repeated)


def finish(prep: Prepared, settings: Settings, repeated: Repeated | None = None) -> Article:
    """Clean a prepared file into an Article."""
    text, front = prep.text, prep.front
    body_start = front.body_start
    found, extra = standard_fields({**prep.side, **front.meta})
    known_title = found.get("title")
    mine = repeated_for(repeated, prep.groups, prep.lines) if repeated else None
    cleaned = clean(text, settings.cleaning, prep.id, body_start, known_title, mine)
    removed = list(cleaned.removed)
    if body_start:
        removed.insert(0, Removed(0, body_start, "front matter"))
    passages = cleaned.passages
    title = cleaned.title
    title_only = False
    if not passages and title:
        passages, removed = _title_passage(prep.id, text, title, removed)
        title_only = bool(passages)
    source = found.get("source") or cleaned.dateline.get("source")
    date = iso_date(found.get("date"))
    line_date = cleaned.dateline.get("date")
    if not date and line_date:
        date = iso_date(line_date) or date_from_words(line_date, _file_year(prep.path))
        if date:
            extra.setdefault("date_basis", f"dateline '{line_date}'")
        else:
            extra.setdefault("date_text", line_date)
    return Article(
        id=prep.id,
        path=prep.path,
        text=text,
        title=title or os.path.basename(prep.id),
        source=outlet_name(source, settings.outlets),
        date=date,
        url=found.get("url"),
        meta=extra,
        passages=passages,
        removed=removed,
        warnings=prep.warnings,
        content_hash=prep.body,
        title_only=title_only,
    )


def _file_year(path: str) -> int | None:
    """The year of the file's modification time: the year of a dateline that gives none."""
    try:
        return time.localtime(os.stat(path).st_mtime).tm_year
    except (OSError, ValueError, OverflowError):
        return None


def _title_passage(
    article_id: str, text: str, title: str, removed: list[Removed]
) -> tuple[list[Passage], list[Removed]]:
    """For an article that is only a title: the title where it stands in the text (a
    line, or a front matter value) as passage 1, so its words are found like any
    passage's. Nothing when the title is not written out in the text."""
    at = text.find(title)
    if at < 0:
        return [], removed
    end = at + len(title)
    kept: list[Removed] = []
    for r in removed:
        if r.end <= at or r.start >= end:
            kept.append(r)
            continue
        if r.start < at:
            kept.append(Removed(r.start, at, r.reason))
        if r.end > end:
            kept.append(Removed(end, r.end, r.reason))
    return [Passage(article_id, 1, at, end, title)], kept


def iter_articles(
    files: list[SourceFile],
    settings: Settings,
    warnings: list[str],
    progress: Progress | None = None,
    repeated: Repeated | None = None,
) -> Iterator[Article]:
    """Articles for files; one bad file adds a warning and never stops the rest."""
    sidecar, note = load_sidecar(settings.corpus)
    if note:
        warnings.append(note)
    for i, src in enumerate(files, 1):
        try:
            article = read_article(src, settings, sidecar, repeated)
        except Unreadable as exc:
            warnings.append(str(exc))
        else:
            warnings.extend(article.warnings)
            yield article
        if progress:
            progress(i, len(files), src.id)


def load_corpus(
    settings: Settings, progress: Progress | None = None
) -> tuple[list[Article], list[str]]:
    """All articles of the corpus folder, with the warnings met on the way. Lines
    repeated across articles are counted over the whole folder before cleaning."""
    found = scan_corpus(settings)
    warnings = list(found.warnings)
    sidecar, note = load_sidecar(settings.corpus)
    if note:
        warnings.append(note)
    prepared = []
    for i, src in enumerate(found.files, 1):
        try:
            prepared.append(prepare_file(src, settings, sidecar))
        except Unreadable as exc:
            warnings.append(str(exc))
        if progress:
            progress(i, len(found.files), src.id)
    repeated = count(p.line_entry() for p in prepared)
    articles = [finish(p, settings, repeated) for p in prepared]
    for a in articles:
        warnings.extend(a.warnings)
    return articles, warnings
