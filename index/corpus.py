"""Reading a corpus folder: find the files, decode, clean, assemble articles."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .cleaning import clean
from .config import Settings
from .extract import (
    HTML_SUFFIXES,
    PageError,
    cache_dir_for,
    extract_cached,
    extract_file,
    is_html_path,
    is_markup,
)
from .metadata import SIDECAR, iso_date, load_sidecar, outlet_name, split_front_matter
from .model import Article, Removed
from .text import canonical, content_hash, decode

SUFFIXES = (".txt", ".md", *HTML_SUFFIXES)
PAGE_SIDECAR = ".meta.yaml"  # facts kept beside one file (`dossier add`): url, fetched, sha256
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


def scan(root: Path) -> Scan:
    """Every .txt and .md below root, in a stable order. Follows links to folders but
    never visits a folder twice, so link loops end."""
    out = Scan()
    root = Path(root)
    if not root.is_dir():
        out.warnings.append(f"{root}: corpus folder not found")
        return out
    seen: set[tuple[int, int]] = set()
    ids: dict[str, str] = {}
    for dirpath, dirnames, filenames in os.walk(
        root,
        followlinks=True,
        onerror=lambda e: out.warnings.append(f"{e.filename}: cannot be read ({e.strerror})"),
    ):
        try:
            st = os.stat(dirpath)
        except OSError:
            dirnames[:] = []
            continue
        if (st.st_dev, st.st_ino) in seen:
            out.warnings.append(f"{dirpath}: folder reached again through a link; skipped")
            dirnames[:] = []
            continue
        seen.add((st.st_dev, st.st_ino))
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        reldir = os.path.relpath(dirpath, root).replace(os.sep, "/")
        prefix = "" if reldir == "." else reldir + "/"
        for name in sorted(filenames):
            if name.startswith("."):
                continue
            path = os.path.join(dirpath, name)
            rel = prefix + name
            stem, ext = split_suffix(rel)
            if ext.lower() not in SUFFIXES:
                if rel != SIDECAR and not rel.endswith(PAGE_SIDECAR):
                    out.warnings.append(f"{rel}: skipped (dossier reads .txt, .md and .html)")
                continue
            try:
                fst = os.stat(path)
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
            out.files.append(SourceFile(stem, path, fst.st_size, fst.st_mtime_ns))
    return out


def split_suffix(rel: str) -> tuple[str, str]:
    """('a/page', '.html.gz') for 'a/page.html.gz'; otherwise as os.path.splitext."""
    stem, ext = os.path.splitext(rel)
    if ext.lower() == ".gz":
        inner, ext2 = os.path.splitext(stem)
        if ext2:
            return inner, ext2 + ext
    return stem, ext


class Unreadable(Exception):
    """A file that cannot become an article; the message says why."""


def read_article(
    src: SourceFile, settings: Settings, sidecar: dict[str, dict] | None = None
) -> Article:
    """One file to one cleaned article. Raises Unreadable for empty, binary or
    unreadable files and for web pages without article text."""
    side = {**load_page_sidecar(src.path), **(sidecar or {}).get(src.id, {})}
    if is_html_path(src.path):
        return _read_page(src, settings, side)
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
    return build_article(
        src.id,
        src.path,
        canonical(raw),
        settings,
        side,
        [f"{src.id}: {note}"] if note else [],
    )


def _read_page(src: SourceFile, settings: Settings, side: dict) -> Article:
    """A saved web page: its canonical text is the article trafilatura found in it."""
    try:
        got = extract_file(src.path, cache_dir_for(settings.index_dir))
    except PageError as exc:
        raise Unreadable(f"{src.id}: {exc}; skipped") from None
    page = {
        k: v
        for k, v in (
            ("title", got.title),
            ("date", got.date),
            ("outlet", got.outlet),
            ("author", got.author),
            ("url", got.url),
        )
        if v
    }
    article = build_article(
        src.id,
        src.path,
        canonical(got.text),
        settings,
        {**page, **side},
        [f"{src.id}: {n}" for n in got.notes],
    )
    article.removed.insert(0, Removed(0, 0, got.summary()))
    return article


def load_page_sidecar(path: str) -> dict:
    """The facts `dossier add` kept beside a file (`<file>.meta.yaml`), if any."""
    if not os.path.exists(path + PAGE_SIDECAR):  # the common case, and cheap to ask
        return {}
    try:
        with open(path + PAGE_SIDECAR, encoding="utf-8") as fh:
            data = yaml.safe_load(fh)
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}


def _html_body(
    article_id: str, text: str, body_start: int, settings: Settings, warnings: list[str]
) -> tuple[str, Removed | None]:
    """A text file whose body is HTML markup (a WordPress export) with the body replaced
    by the article text found in it; the note says what extraction kept."""
    body = text[body_start:]
    if not is_markup(body):
        return text, None
    try:
        got = extract_cached(body.encode("utf-8"), cache_dir_for(settings.index_dir), fragment=True)
    except PageError as exc:
        warnings.append(f"{article_id}: body looks like HTML but {exc}; read as text")
        return text, None
    return text[:body_start] + canonical(got.text), Removed(body_start, body_start, got.summary())


def build_article(
    article_id: str,
    path: str,
    text: str,
    settings: Settings,
    side: dict | None = None,
    warnings: list[str] | None = None,
) -> Article:
    """Clean canonical text into an Article (also used for text that is not on disk)."""
    warnings = list(warnings or [])
    front, body_start, fm_note = split_front_matter(text) if path.endswith(".md") else ({}, 0, None)
    if fm_note:
        warnings.append(f"{article_id}: {fm_note}")
    text, extracted = _html_body(article_id, text, body_start, settings, warnings)
    meta = {**(side or {}), **front}
    known_title = str(meta["title"]).strip() if meta.get("title") else None
    cleaned = clean(text, settings.cleaning, article_id, body_start, known_title)
    removed = list(cleaned.removed)
    if extracted:
        removed.insert(0, extracted)
    if body_start:
        removed.insert(0, Removed(0, body_start, "front matter"))
    source = meta.get("source") or meta.get("outlet") or cleaned.dateline.get("source")
    date = iso_date(meta.get("date")) or iso_date(cleaned.dateline.get("date", ""))
    extra = {k: v for k, v in meta.items() if k not in ("title", "source", "outlet", "date", "url")}
    if cleaned.dateline.get("date") and not date:
        extra.setdefault("date_text", cleaned.dateline["date"])
    return Article(
        id=article_id,
        path=path,
        text=text,
        title=cleaned.title or os.path.basename(article_id),
        source=outlet_name(source, settings.outlets),
        date=date,
        url=str(meta["url"]) if meta.get("url") else None,
        meta=extra,
        passages=cleaned.passages,
        removed=removed,
        warnings=warnings,
        content_hash=content_hash(text),
    )


def iter_articles(
    files: list[SourceFile],
    settings: Settings,
    warnings: list[str],
    progress: Progress | None = None,
) -> Iterator[Article]:
    """Articles for files; one bad file adds a warning and never stops the rest."""
    sidecar, note = load_sidecar(settings.corpus)
    if note:
        warnings.append(note)
    for i, src in enumerate(files, 1):
        try:
            article = read_article(src, settings, sidecar)
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
    """All articles of the corpus folder, with the warnings met on the way."""
    found = scan(settings.corpus)
    warnings = list(found.warnings)
    articles = list(iter_articles(found.files, settings, warnings, progress))
    return articles, warnings
