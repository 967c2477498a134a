"""Building the index: scan the corpus, compare with the manifest, read and clean what
changed, count repeated lines and duplicates, and hand finished articles to the index.

The index is derived and disposable: a manifest beside it (index/manifest.py) records
what each article was when indexed, so nothing needs re-reading when nothing changed.
Writers take turns (indexlock); a rebuild is written beside the index and swapped in
whole (indexfiles). This module talks to the index only through `index/engine/`
(create, open, a batch of additions and removals); it never imports Whoosh.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .boilerplate import LineEntry, LineStore
from .config import Settings
from .corpus import SourceFile, Unreadable, finish, prepare_file, scan_corpus
from .duplicates import DupeStore, Fingerprint, fingerprint_of
from .duplicates import groups as duplicate_groups
from .engine import Batch, Progress, continue_at, create_index, open_at
from .engine.analysis import fingerprint, variant_map
from .errors import IndexUnavailable
from .extract import cache_dir_for, extractor_id, is_html_path, warm_cache
from .indexfiles import beside, check, damaged, record, swap
from .indexlock import IndexLock, disk_error
from .manifest import MANIFEST, PARTIAL, Manifest, same_stat
from .metadata import load_sidecar
from .model import Article, ArticleInfo
from .pool import head_start

# Index with two writer processes when at least this many files are (re)read and the
# machine has two cores or more: a build saturates one core with Whoosh's Python.
PARALLEL_MIN_FILES = 1500
# Extract web pages in a process pool when at least this many are (re)read: a pool costs
# about a second to start, a page about a fifth of one to extract.
EXTRACT_POOL_MIN = 16
EXTRACT_PROCS_MAX = 4
# Files read between two progress reports (the reader's indexer passes on what moves).
PROGRESS_EVERY = 10
NAMED_EVERY = 0.5  # seconds between two reports of a step that cannot count
T = TypeVar("T")
OnPartial = Callable[[int, int], None]  # (articles searchable, articles in the corpus)


@dataclass(slots=True)
class IndexReport:
    articles: int = 0
    passages: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    rebuilt: bool = False
    reason: str = ""
    title_only: int = 0  # articles with a title and no body
    duplicate_groups: int = 0  # groups of articles with the same or nearly the same body
    recleaned: int = 0  # unchanged articles cleaned again: their repeated lines changed
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def reindexed(self) -> int:
        return self.added + self.changed

    def summary(self) -> str:
        head = "rebuilt" if self.rebuilt else "updated"
        extra = f", {self.recleaned} re-cleaned" if self.recleaned else ""
        return (
            f"{head}: {self.articles} articles ({self.title_only} title-only), "
            f"{self.passages} passages, {self.duplicate_groups} duplicate groups; "
            f"{self.added} added, {self.changed} changed, {self.removed} removed{extra}; "
            f"{len(self.warnings)} warnings; {self.seconds:.2f} s"
        )


def _info(article: Article, src: SourceFile) -> dict:
    return {
        "path": src.path,
        "size": src.size,
        "mtime_ns": src.mtime_ns,
        "hash": article.content_hash,
        "title": article.title,
        "source": article.source,
        "date": article.date,
        "passages": len(article.passages),
        "title_only": article.title_only,
        # kept so that every update reports them until the file changes
        **({"warnings": article.warnings} if article.warnings else {}),
    }


def _add(batch: Batch, manifest: Manifest, article: Article, src: SourceFile) -> None:
    manifest.articles[article.id] = _info(article, src)  # first: adding may commit a part
    batch.add(article)


def _remove(batch: Batch, manifest: Manifest, aid: str) -> None:
    batch.remove(aid)
    manifest.articles.pop(aid, None)


def update_index(
    settings: Settings,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: bool = True,
    on_partial: OnPartial | None = None,
) -> IndexReport:
    """Bring the index up to date with the corpus folder. Re-reads only files whose
    size or mtime changed, re-indexes only those whose content hash changed (and those
    whose lines repeated across the corpus changed); rebuilds
    from scratch when asked, when analysis settings changed, or when the index is
    damaged or fails to open. A rebuild is written beside the index and swapped in
    only when complete: if it fails, the old index stays as it was.

    One writer at a time: another waits (saying so through `progress`), or with
    `wait=False` raises IndexBusy naming the holder. Disk trouble (full, read-only)
    raises IndexUnavailable with one line.

    A first build (no index yet) is written in place, a part at a time: after each
    part is committed it is searchable, `partial.json` says how much of the corpus it
    holds, and `on_partial(articles indexed, articles found)` is called."""
    index_dir = settings.index_dir
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexUnavailable(
            f"the index path {index_dir} is a file, not a folder "
            "(remove it, or set `index:` in config.yaml)"
        )
    with IndexLock(index_dir, wait=wait, progress=progress):
        try:
            return _update(settings, rebuild, progress, on_partial)
        except OSError as exc:
            raise IndexUnavailable(
                f"{disk_error(index_dir.parent, exc)}; the index was not changed"
            ) from None


def _update(
    settings: Settings,
    rebuild: bool,
    progress: Progress | None,
    on_partial: OnPartial | None = None,
) -> IndexReport:
    t0 = time.perf_counter()
    report = IndexReport()
    index_dir = settings.index_dir
    # The extractor is part of the fingerprint: upgrading it re-extracts every page.
    fp = f"{fingerprint(variant_map(settings.variants))}/{extractor_id()}"
    found = _list_files(settings, progress)
    report.warnings.extend(found.warnings)

    if progress and not rebuild:
        progress(0, 1, "reading the manifest")
    manifest = None if rebuild else Manifest.load(index_dir)
    ix = None
    if rebuild:
        report.reason = "rebuild asked for"
    elif manifest is None:
        if not index_dir.exists():
            report.reason = "no index yet"
        elif (index_dir / MANIFEST).exists():
            report.reason = "index manifest unreadable or of another version"
        else:
            report.reason = "index manifest missing"
    elif manifest.fingerprint != fp:
        report.reason = "analysis settings changed (variants or version)"
        manifest = None
    elif why := damaged(index_dir) or check(index_dir, manifest.files):
        report.reason = f"index damaged ({why}); rebuilt"
        manifest = None
    else:
        try:
            ix = open_at(index_dir)
        except Exception as exc:  # any failure to open means: rebuild from the corpus
            report.reason = f"index could not be opened ({type(exc).__name__}); rebuilt"
            manifest = None
    target = index_dir
    resumed: set[str] = set()  # articles a stopped first build indexed: not again
    if manifest is None:
        report.rebuilt = True
        manifest = Manifest(fp)
        # With no usable index to search meanwhile, build in place: searchable as it grows.
        if (index_dir / MANIFEST).exists():
            target = beside(index_dir, ".new")
        elif not rebuild and (stopped := _stopped_first_build(index_dir, fp, found.files)):
            ix, manifest = stopped
            resumed = set(manifest.articles)
            report.reason = f"continuing the first build ({len(resumed):,} articles indexed)"
        if not resumed:
            ix = create_index(target, settings)

    sidecar, note = load_sidecar(settings.corpus)
    if note:
        report.warnings.append(note)
    total = len(found.files)
    if resumed and on_partial:  # searchable already: the reader says how much
        on_partial(len(resumed), total)
    stale_files = [
        src
        for src in found.files
        if not same_stat(manifest.articles.get(src.id), src)
        and not same_stat(manifest.skipped.get(src.id), src)
    ]
    stale = len(stale_files)
    _extract_pages(
        [src.path for src in stale_files if is_html_path(src.path)],
        cache_dir_for(index_dir),
        progress,
    )
    on_disk = {src.id for src in found.files}
    gone = [aid for aid in manifest.articles if aid not in on_disk]
    lost = [aid for aid in manifest.skipped if aid not in on_disk]
    lines = dupes = None
    if stale or gone or lost or report.rebuilt:
        if progress and not report.rebuilt:
            progress(0, 1, "reading line counts and duplicate sketches")
        lines = LineStore() if report.rebuilt else LineStore.load(index_dir)
        dupes = DupeStore() if report.rebuilt else DupeStore.load(index_dir)
        if lines is None or dupes is None:  # an index from before they were kept
            again = _update(settings, True, progress)  # under the lock this call holds
            again.reason = "the index lacks its line counts or duplicate sketches"
            return again
    # Articles are cleaned with the repeated lines counted by the last update, and
    # indexed at once; once every file is counted, the few whose repeated lines changed
    # are cleaned and indexed again (a second, small commit).
    repeated = manifest.repeated
    parallel = stale >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) >= 2
    in_order: list[str] = []  # ids of the articles given to a fresh build, in order

    noted = 0  # articles of in_order already in partial.json

    def committed(articles: int, _passages: int) -> None:
        nonlocal noted
        if target != index_dir:
            return
        part = {aid: manifest.articles[aid] for aid in in_order[noted:articles]}
        noted = articles
        articles += len(resumed)
        Manifest.append_partial(target, part, articles, total, fp)
        if on_partial:
            on_partial(articles, total)

    batch = Batch(
        ix, fresh=report.rebuilt, parallel=parallel, on_commit=committed, progress=progress
    )
    # A rebuild reads every file: its line entries and sketches wait packed.
    packed = _Packed() if report.rebuilt else None
    read_now: set[str] = set()
    try:
        for i, src in enumerate(found.files, 1):
            entry = manifest.articles.get(src.id)
            skipped = manifest.skipped.get(src.id)
            if same_stat(entry, src):
                report.warnings.extend(entry.get("warnings", ()))
                if src.id in resumed:  # indexed before the build stopped; its lines count
                    _pack_again(packed, src, settings, sidecar)
            elif same_stat(skipped, src):
                report.warnings.append(skipped["why"])
            else:
                try:
                    prep = prepare_file(src, settings, sidecar)
                except Unreadable as exc:
                    report.warnings.append(str(exc))
                    manifest.skipped[src.id] = {
                        "size": src.size,
                        "mtime_ns": src.mtime_ns,
                        "why": str(exc),
                    }
                    lines.entries.pop(src.id, None)
                    dupes.prints.pop(src.id, None)
                    if entry:
                        report.removed += 1
                        _remove(batch, manifest, src.id)
                else:
                    read_now.add(src.id)
                    line_entry = prep.line_entry()
                    if packed is None:
                        lines.entries[src.id] = line_entry
                    article = finish(prep, settings, repeated)
                    manifest.skipped.pop(src.id, None)
                    report.warnings.extend(article.warnings)
                    if entry and entry["hash"] == article.content_hash:
                        entry.update(size=src.size, mtime_ns=src.mtime_ns)
                        entry.pop("warnings", None)
                        if article.warnings:  # same text, other bytes (e.g. re-encoded)
                            entry["warnings"] = article.warnings
                    else:
                        if entry:
                            report.changed += 1
                        else:
                            report.added += 1
                        if report.rebuilt:
                            in_order.append(article.id)
                        _add(batch, manifest, article, src)
                        if packed is None:
                            _sketch(dupes, article)
                        else:
                            packed.put(article.id, line_entry, _fingerprint(article))
            if progress and (i % PROGRESS_EVERY == 0 or i == total):
                progress(i, total, "indexing" if batch.writing else "reading")
        for aid in lost:
            del manifest.skipped[aid]
        for aid in gone:
            _remove(batch, manifest, aid)
            lines.entries.pop(aid, None)
            dupes.prints.pop(aid, None)
        batch.commit(progress)
        if lines is not None:

            def count_lines():
                if packed is not None:
                    packed.unpack(lines, dupes)
                return lines.counts()

            manifest.repeated = _named(progress, "counting repeated lines", count_lines)
            again = lines.affected(repeated, manifest.repeated, skip=set())
            if again:
                _reclean(
                    again, found.files, settings, sidecar, manifest, report, dupes, ix, progress
                )
                report.recleaned = len(set(again) - read_now)
    except BaseException:
        batch.cancel()
        # A rebuild beside the index is dropped; a first build keeps the parts it
        # committed, searchable, and the next update continues it.
        if report.rebuilt and target != index_dir:
            shutil.rmtree(target, ignore_errors=True)
        raise
    if lines is not None:  # something was read, removed or rebuilt
        manifest.duplicates = _named(progress, "finding duplicates", duplicate_groups, dupes.prints)
        if progress:
            progress(1, 1, "finding duplicates")
        try:

            def save_stores() -> None:
                lines.save(target)
                dupes.save(target)

            _named(progress, "saving line counts and duplicate sketches", save_stores)
            (target / PARTIAL).unlink(missing_ok=True)
            tick = _checksum_ticker(progress) if progress else None
            manifest.files = record(target, manifest.files, tick)
            _named(progress, "saving the manifest", manifest.save, target)
        except BaseException:
            if report.rebuilt:
                shutil.rmtree(target, ignore_errors=True)
            raise
    if target != index_dir:
        swap(target, index_dir)
    report.removed += len(gone)
    _fill_report(report, manifest, t0)
    return report


def _list_files(settings: Settings, progress: Progress | None):
    """The corpus's files; listing a large folder takes seconds, so it is a phase."""
    if not progress:
        return scan_corpus(settings)
    progress(0, 1, "listing files")

    def listed(n: int) -> None:
        progress(0, 1, f"listing files ({n:,})")

    return scan_corpus(settings, listed)


def _named(progress: Progress | None, label: str, step: Callable[..., T], *args) -> T:
    """step(*args), with `label` reported every NAMED_EVERY seconds while it runs: for
    steps that cannot count their own progress (counting lines, grouping duplicates,
    saving), which take seconds on a large corpus. The step runs in a thread; progress
    is only ever called from this one."""
    if not progress:
        return step(*args)
    from concurrent.futures import ThreadPoolExecutor
    from concurrent.futures import TimeoutError as StillRunning

    progress(0, 1, label)
    with ThreadPoolExecutor(1, thread_name_prefix="dossier-build") as pool:
        job = pool.submit(step, *args)
        while True:
            try:
                return job.result(timeout=NAMED_EVERY)
            except StillRunning:
                progress(0, 1, label)


def _checksum_ticker(progress: Progress) -> Callable[[int, int], None]:
    def tick(done: int, total: int) -> None:
        progress(done, total, "saving")

    return tick


def _stopped_first_build(
    index_dir: Path, fp: str, files: list[SourceFile]
) -> tuple[object, Manifest] | None:
    """The index and the articles of a first build that stopped midway (the reader
    closed, Ctrl-C, a crash), when they can be trusted: its note of committed parts
    (partial.json) was made under the same analysis, every article it lists is on disk
    as it was read, and the index holds exactly their passages (a part committed but
    not yet noted when it stopped would be indexed twice: then it starts over)."""
    noted = Manifest.load_partial(index_dir)
    if noted is None or noted.fingerprint != fp or not noted.articles:
        return None
    on_disk = {src.id: src for src in files}
    if not all(aid in on_disk and same_stat(e, on_disk[aid]) for aid, e in noted.articles.items()):
        return None
    opened = continue_at(index_dir)
    if opened is None:
        return None
    ix, passages = opened
    if passages != sum(e["passages"] for e in noted.articles.values()):
        return None
    return ix, Manifest(fp, dict(noted.articles))


def _pack_again(packed: _Packed | None, src: SourceFile, settings: Settings, sidecar) -> None:
    """A continued first build's article indexed before it stopped: read again for its
    line entry and duplicate sketch only (they are made at the end of a build)."""
    if packed is None:
        return
    try:
        prep = prepare_file(src, settings, sidecar)
    except Unreadable:
        return
    packed.put(src.id, prep.line_entry(), _fingerprint(finish(prep, settings, {})))


def _fingerprint(article: Article) -> Fingerprint | None:
    """The article's duplicate sketch; none for an article that is only a title."""
    if article.title_only:
        return None
    return fingerprint_of(article.title, [p.text for p in article.passages])


def _sketch(dupes: DupeStore, article: Article) -> None:
    fp = _fingerprint(article)
    if fp is None:
        dupes.prints.pop(article.id, None)
    else:
        dupes.prints[article.id] = fp


class _Packed:
    """The line entries and duplicate sketches of the articles a rebuild reads, kept
    as JSON text (~0.35 kB an article; ~2 kB as objects) until its writer processes
    are done, when the build's processes hold the most. Unpacked into the stores once
    the index is written: they are needed only then (repeated lines, duplicates)."""

    def __init__(self) -> None:
        self.items: dict[str, str] = {}

    def put(self, aid: str, entry: LineEntry, fp: Fingerprint | None) -> None:
        sketch = [fp.exact, fp.sketch, fp.figures] if fp else None
        self.items[aid] = json.dumps(
            [entry.groups, entry.body, entry.lines, sketch], separators=(",", ":")
        )

    def unpack(self, lines: LineStore, dupes: DupeStore) -> None:
        for aid, text in self.items.items():
            groups, body, found, sketch = json.loads(text)
            lines.entries[aid] = LineEntry(groups, body, found)
            if sketch:
                dupes.prints[aid] = Fingerprint(*sketch)
        self.items.clear()


def _reclean(
    ids: list[str],
    files: list[SourceFile],
    settings: Settings,
    sidecar: dict,
    manifest: Manifest,
    report: IndexReport,
    dupes: DupeStore,
    ix,
    progress: Progress | None = None,
) -> None:
    """Clean and index again the articles whose repeated lines changed."""
    wanted = set(ids)
    # They are in the index already (even in a rebuild: the first commit put them there).
    batch = Batch(ix, fresh=False, parallel=False)
    try:
        done = 0
        for src in files:
            if src.id not in wanted:
                continue
            done += 1
            if progress and (done % PROGRESS_EVERY == 0 or done == len(wanted)):
                progress(done, len(wanted), "cleaning again")
            try:
                article = finish(prepare_file(src, settings, sidecar), settings, manifest.repeated)
            except Unreadable as exc:  # changed since it was read a moment ago
                report.warnings.append(str(exc))
                continue
            _add(batch, manifest, article, src)
            _sketch(dupes, article)
        batch.commit(progress)
    except BaseException:
        batch.cancel()
        raise


def _fill_report(report: IndexReport, manifest: Manifest, t0: float) -> None:
    report.articles = len(manifest.articles)
    report.passages = sum(a["passages"] for a in manifest.articles.values())
    report.title_only = sum(1 for a in manifest.articles.values() if a.get("title_only"))
    report.duplicate_groups = len(manifest.duplicates)
    report.seconds = time.perf_counter() - t0


def _extract_pages(paths: list[str], cache_dir: Path, progress: Progress | None) -> None:
    """Fill the extraction cache for many web pages at once, across cores; the build
    loop then reads them from the cache. Few pages (or one core) are left to the loop:
    a corpus without web pages never starts a pool."""
    procs = min(os.cpu_count() or 1, EXTRACT_PROCS_MAX)
    if len(paths) < EXTRACT_POOL_MIN or procs < 2:
        return

    def each(i: int, _cached) -> None:
        if progress:
            progress(i, len(paths), "extracting")

    # A worker that died (a page that crashed the parser) costs only the head start: the
    # build loop extracts what is not cached, page by page.
    head_start(warm_cache, [(p, str(cache_dir)) for p in paths], procs, each)


def article_infos(settings: Settings) -> list[ArticleInfo]:
    manifest = Manifest.load(settings.index_dir)
    return manifest.infos() if manifest else []
