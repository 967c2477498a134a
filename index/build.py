"""Building the index: scan the corpus, compare with the manifest, read and clean what
changed, count repeated lines and duplicates, and hand finished articles to the index.

The index is derived and disposable: a manifest beside it (index/manifest.py) records
what each article was when indexed, so nothing needs re-reading when nothing changed.
Writers take turns (indexlock); a rebuild is written beside the index and swapped in
whole (indexfiles). This module talks to the index only through `index/engine/`
(create, open, a batch of additions and removals); it never imports Whoosh.
"""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from .articlelog import ArticleLog
from .boilerplate import LineStore
from .build_entries import (
    IndexReport,
    Update,
    add_article,
    as_read,
    entry_of,
    keep_sketch,
    remove_article,
    side_digest,
    sketch_article,
)
from .build_finish import (
    PROGRESS_EVERY,
    Meanwhile,
    index_held,
    named_step,
    reclean,
    reclean_rebuilt,
    save_stores,
)
from .build_open import log_again, open_or_create
from .config import Settings
from .corpus import SourceFile, Unreadable, finish, prepare_file, scan_corpus
from .duplicates import DupeStore
from .engine import Batch, Progress
from .engine.analysis import fingerprint, variant_map
from .errors import IndexUnavailable
from .extract import cache_dir_for, extractor_id, is_html_path, warm_cache
from .indexfiles import record, swap
from .indexlock import IndexLock, disk_error
from .manifest import Manifest, same_stat
from .metadata import load_sidecar
from .model import ArticleInfo
from .pool import head_start

# Index with two writer processes when at least this many files are (re)read and the
# machine has two cores or more: a build saturates one core with Whoosh's Python.
PARALLEL_MIN_FILES = 1500
# Extract web pages in a process pool when at least this many are (re)read: a pool costs
# about a second to start, a page about a fifth of one to extract.
EXTRACT_POOL_MIN = 16
EXTRACT_PROCS_MAX = 4
OnPartial = Callable[[int, int], None]  # (articles searchable, articles in the corpus)


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
    sidecar, note = load_sidecar(settings.corpus)
    manifest, ix, target, resumed = open_or_create(
        settings, rebuild, fp, found.files, sidecar, report, progress
    )
    if note:
        report.warnings.append(note)
    # An update goes over the files several times: made objects once. A rebuild keeps
    # them packed (index/scan.py's Listing) while its writer processes run.
    files = found.files if report.rebuilt else list(found.files)
    total = len(files)
    if resumed and on_partial:  # searchable already: the reader says how much
        on_partial(len(resumed), total)
    stale, pages = 0, []  # counted, not listed: a rebuild's would be every file
    for src in files:
        if not as_read(manifest.articles.get(src.id), src, sidecar) and not same_stat(
            manifest.skipped.get(src.id), src
        ):
            stale += 1
            if is_html_path(src.path):
                pages.append(src.path)
    _extract_pages(pages, cache_dir_for(index_dir), progress)
    del pages
    if report.rebuilt:  # nothing is gone from an empty manifest
        gone: list[str] = []
        lost: list[str] = []
    else:
        on_disk = {src.id for src in files}
        gone = [aid for aid in manifest.articles if aid not in on_disk]
        lost = [aid for aid in manifest.skipped if aid not in on_disk]
        del on_disk
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
        up = Update(settings, sidecar, manifest, report, dupes)
    # Articles are cleaned with the repeated lines counted by the last update, and
    # indexed at once; once every file is counted, the few whose repeated lines changed
    # are cleaned and indexed again (a second, small commit).
    repeated = manifest.repeated
    parallel = stale >= PARALLEL_MIN_FILES and (os.cpu_count() or 1) >= 2
    # A fresh build's manifest entries since the last part committed (for partial.json).
    pending: list[tuple[str, dict]] = []

    def committed(articles: int, _passages: int) -> None:
        nonlocal noted
        if target != index_dir:
            return
        part = dict(pending[: articles - noted])
        del pending[: articles - noted]
        noted = articles
        articles += len(resumed)
        Manifest.append_partial(target, part, articles, total, fp)
        if on_partial:
            on_partial(articles, total)

    noted = 0  # articles already in partial.json
    batch = Batch(
        ix, fresh=report.rebuilt, parallel=parallel, on_commit=committed, progress=progress
    )
    # A rebuild reads every file: what it keeps of each waits on disk until the end.
    log = ArticleLog(target) if report.rebuilt else None
    # A rebuild's articles with lines the corpus may repeat, indexed once all are counted.
    held: list[SourceFile] = []
    read_now: set[str] = set()
    try:
        for i, src in enumerate(files, 1):
            entry = manifest.articles.get(src.id)
            skipped = manifest.skipped.get(src.id)
            if as_read(entry, src, sidecar):
                report.warnings.extend(entry.get("warnings", ()))
            elif src.id in resumed and as_read(resumed[src.id], src, sidecar):
                # indexed before the build stopped: read again for the log alone
                log_again(log, resumed[src.id], src, settings, sidecar, report)
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
                        remove_article(batch, manifest, src.id)
                else:
                    line_entry = prep.line_entry()
                    if log is None:
                        read_now.add(src.id)
                        lines.entries[src.id] = line_entry
                    if log is not None and line_entry.lines:
                        # It may lose lines the corpus repeats: a rebuild cleans it
                        # once every file is counted (index_held).
                        report.added += 1
                        report.warnings.extend(prep.warnings)
                        log.hold(src.id, line_entry)
                        held.append(src)
                    else:
                        article = finish(prep, settings, repeated)
                        manifest.skipped.pop(src.id, None)
                        report.warnings.extend(article.warnings)
                        same_side = entry and entry.get("side") == side_digest(sidecar, src.id)
                        if same_side and entry["hash"] == article.content_hash:
                            entry.update(size=src.size, mtime_ns=src.mtime_ns)
                            entry.pop("warnings", None)
                            if article.warnings:  # same text, other bytes (e.g. re-encoded)
                                entry["warnings"] = article.warnings
                        elif log is not None:
                            report.added += 1
                            info = entry_of(article, src, sidecar)
                            log.put(article.id, info, line_entry, sketch_article(article))
                            if target == index_dir:
                                pending.append((article.id, info))  # first: adding may commit
                            batch.add(article)
                        else:
                            if entry:
                                report.changed += 1
                            else:
                                report.added += 1
                            add_article(batch, manifest, article, src, sidecar)
                            keep_sketch(dupes, article)
            if progress and (i % PROGRESS_EVERY == 0 or i == total):
                progress(i, total, "indexing" if batch.writing else "reading")
        for aid in lost:
            del manifest.skipped[aid]
        for aid in gone:
            remove_article(batch, manifest, aid)
            lines.entries.pop(aid, None)
            dupes.prints.pop(aid, None)
        if log is not None:
            log.close()
            index_held(held, log, up, batch, pending if target == index_dir else None, progress)
        # While the writer processes finish their last parts, the parts written so far
        # are checksummed (saving then reads only the files written after).
        early = Meanwhile(record, target) if log is not None else None
        batch.commit(progress)
        if early is not None:
            manifest.files.update(early.result({}))
        if log is not None:
            if resumed:  # parts indexed before it stopped, cleaned with no count
                skip = {src.id for src in held}
                reclean_rebuilt(log, up, ix, skip, progress)
        elif lines is not None:
            manifest.repeated = named_step(progress, "counting repeated lines", lines.counts)
            again = lines.affected(repeated, manifest.repeated, skip=set())
            if again:
                reclean(again, files, up, ix, progress)
                report.recleaned = len(set(again) - read_now)
    except BaseException:
        batch.cancel()
        # A rebuild beside the index is dropped; a first build keeps the parts it
        # committed, searchable, and the next update continues it.
        if report.rebuilt and target != index_dir:
            shutil.rmtree(target, ignore_errors=True)
        raise
    if lines is not None:  # something was read, removed or rebuilt
        try:
            save_stores(target, manifest, lines, dupes, log, report, progress)
        except BaseException:
            if report.rebuilt:
                shutil.rmtree(target, ignore_errors=True)
            raise
    if target != index_dir:
        swap(target, index_dir)
    report.removed += len(gone)
    if log is None:  # a rebuild's totals were counted as its manifest was saved
        _fill_report(report, manifest)
    report.duplicate_groups = len(manifest.duplicates)
    report.seconds = time.perf_counter() - t0
    return report


def _list_files(settings: Settings, progress: Progress | None):
    """The corpus's files; listing a large folder takes seconds, so it is a phase."""
    if not progress:
        return scan_corpus(settings)
    progress(0, 1, "listing files")

    def listed(n: int) -> None:
        progress(0, 1, f"listing files ({n:,})")

    return scan_corpus(settings, listed)


def _fill_report(report: IndexReport, manifest: Manifest) -> None:
    report.articles = len(manifest.articles)
    report.passages = sum(a["passages"] for a in manifest.articles.values())
    report.title_only = sum(1 for a in manifest.articles.values() if a.get("title_only"))


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
