"""Reading an article: decode (or, for a web page, extract), front matter, clean,
assemble. Finding the files is index/scan.py."""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import yaml

from .boilerplate import LineEntry, Repeated, count, groups_of, repeated_for
from .cleaning import clean, line_fingerprints
from .config import Settings
from .extract import PageError, cache_dir_for, extract_cached, extract_file, is_html_path, is_markup
from .metadata import (
    FrontMatter,
    date_from_words,
    iso_date,
    load_sidecar,
    load_yaml_mapping,
    outlet_name,
    read_front_matter,
    standard_fields,
)
from .model import Article, Passage, Removed
from .scan import PAGE_SIDECAR, Scan, SourceFile, scan, scan_corpus
from .text import UTF16_BOMS, canonical, content_hash, decode, decode_char_refs

__all__ = ["Scan", "SourceFile", "Unreadable", "scan", "scan_corpus"]
Progress = Callable[[int, int, str], None]


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
    extracted: Removed | None = None  # what HTML extraction kept, said where it stood

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
    if b"\x00" in data[:8192] and not data.startswith(UTF16_BOMS):
        raise Unreadable(f"{src.id}: looks binary; skipped")
    raw, note = decode(data)
    return canonical(decode_char_refs(raw)), note


def prepare(
    article_id: str,
    path: str,
    text: str,
    settings: Settings,
    side: dict | None = None,
    warnings: list[str] | None = None,
    page: Removed | None = None,
) -> Prepared:
    """Front matter and the corpus-level facts of canonical text. `page` is given for
    text extracted from a web page, which has no front matter of its own; a text file
    whose body is HTML markup (a WordPress export) has its body extracted here."""
    side = side or {}
    front = FrontMatter() if page else read_front_matter(text)
    notes = list(warnings or []) + [f"{article_id}: {w}" for w in front.warnings]
    extracted = page
    if not page:
        text, extracted = _html_body(article_id, text, front.body_start, settings, notes)
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
        extracted,
    )


def prepare_file(src: SourceFile, settings: Settings, sidecar: dict | None = None) -> Prepared:
    side = {**load_page_sidecar(src.path), **(sidecar or {}).get(src.id, {})}
    if is_html_path(src.path):
        return _prepare_page(src, settings, side)
    text, note = read_text(src)
    notes = [f"{src.id}: {note}"] if note else []
    return prepare(src.id, src.path, text, settings, side, notes)


def _prepare_page(src: SourceFile, settings: Settings, side: dict) -> Prepared:
    """A saved web page: its canonical text is the article trafilatura found in it."""
    try:
        got = extract_file(src.path, cache_dir_for(settings.index_dir))
    except PageError as exc:
        raise Unreadable(f"{src.id}: {exc}; skipped") from None
    facts = (
        ("title", got.title),
        ("date", got.date),
        ("outlet", got.outlet),
        ("author", got.author),
        ("url", got.url),
    )
    page = {k: v for k, v in facts if v}
    notes = [f"{src.id}: {n}" for n in got.notes]
    summary = Removed(0, 0, got.summary())
    return prepare(
        src.id, src.path, canonical(got.text), settings, {**page, **side}, notes, summary
    )


def load_page_sidecar(path: str) -> dict:
    """The facts `dossier add` kept beside a file (`<file>.meta.yaml`), if any."""
    if not os.path.exists(path + PAGE_SIDECAR):  # the common case, and cheap to ask
        return {}
    try:
        with open(path + PAGE_SIDECAR, encoding="utf-8") as fh:
            data = load_yaml_mapping(fh.read())
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
    if prep.extracted:
        removed.insert(0, prep.extracted)
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
