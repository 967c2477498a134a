"""The Whoosh index: schema, build, incremental update, open.

The index is derived and disposable: a manifest beside it (index/manifest.py) records
what each article was when indexed, so nothing needs re-reading when nothing changed.
Writers take turns (indexlock); a rebuild is written beside the index and swapped in
whole (indexfiles). (Just over 400 lines: the build loop and the parallel writer are
the ingest/build split of issue 9, left to that work.)
"""

from __future__ import annotations

import os
import queue
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.multiproc import MpWriter
from whoosh.writing import SegmentWriter

from .analysis import FastText, exact_analyzer, fingerprint, stemming_analyzer, variant_map
from .boilerplate import LineStore
from .config import Settings
from .corpus import SourceFile, Unreadable, finish, prepare_file, scan_corpus
from .duplicates import DupeStore, fingerprint_of
from .duplicates import groups as duplicate_groups
from .errors import IndexUnavailable
from .extract import cache_dir_for, extractor_id, is_html_path, warm_cache
from .indexfiles import beside, check, damaged, record, swap
from .indexlock import IndexLock, disk_error
from .manifest import MANIFEST, Manifest
from .metadata import load_sidecar
from .model import Article, ArticleInfo
from .whoosh_private import segment_count

MAX_SEGMENTS = 6
# Index with two writer processes when at least this many files are (re)read and the
# machine has two cores or more: a build saturates one core with Whoosh's Python.
PARALLEL_MIN_FILES = 1500
WRITER_PROCS = 2
LIMIT_MB = 256  # posting pool before it spills to disk (a spill costs ~7 us a posting)
PROC_LIMIT_MB = 192  # the same, per writer process of a parallel build
# Extract web pages in a process pool when at least this many are (re)read: a pool costs
# about a second to start, a page about a fifth of one to extract.
EXTRACT_POOL_MIN = 16
EXTRACT_PROCS_MAX = 4
Progress = Callable[[int, int, str], None]


def make_schema(settings: Settings) -> Schema:
    variants = variant_map(settings.variants)
    return Schema(
        pid=ID(stored=True, unique=True),
        article=ID(stored=True, sortable=True),
        source=FastText(analyzer=exact_analyzer({}), phrase=True),
        date=ID,
        title=FastText(analyzer=stemming_analyzer(variants), phrase=True),
        text=FastText(analyzer=stemming_analyzer(variants), stored=True, phrase=True),
        exact=FastText(analyzer=exact_analyzer(variants), phrase=False),
        tag=ID,  # never stored: `tag:` queries are answered from the tag file
    )


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


def _storage(index_dir: Path) -> FileStorage:
    # mmap keeps whole segment files resident: measured ~500 MB vs ~35 MB at equal speed.
    return FileStorage(str(index_dir), supports_mmap=False)


def _docs(article: Article):
    for p in article.passages:
        yield {
            "pid": p.pid,
            "article": article.id,
            "source": article.source or "",
            "date": article.date or "",
            "title": article.title,
            "text": p.text,
            "exact": p.text,
        }


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


def _same_stat(entry: dict | None, src: SourceFile) -> bool:
    return bool(entry) and entry["size"] == src.size and entry["mtime_ns"] == src.mtime_ns


def update_index(
    settings: Settings,
    rebuild: bool = False,
    progress: Progress | None = None,
    wait: bool = True,
) -> IndexReport:
    """Bring the index up to date with the corpus folder. Re-reads only files whose
    size or mtime changed, re-indexes only those whose content hash changed (and those
    whose lines repeated across the corpus changed); rebuilds
    from scratch when asked, when analysis settings changed, or when the index is
    damaged or fails to open. A rebuild is written beside the index and swapped in
    only when complete: if it fails, the old index stays as it was.

    One writer at a time: another waits (saying so through `progress`), or with
    `wait=False` raises IndexBusy naming the holder. Disk trouble (full, read-only)
    raises IndexUnavailable with one line."""
    index_dir = settings.index_dir
    if index_dir.exists() and not index_dir.is_dir():
        raise IndexUnavailable(
            f"the index path {index_dir} is a file, not a folder "
            "(remove it, or set `index:` in config.yaml)"
        )
    with IndexLock(index_dir, wait=wait, progress=progress):
        try:
            return _update(settings, rebuild, progress)
        except OSError as exc:
            raise IndexUnavailable(
                f"{disk_error(index_dir.parent, exc)}; the index was not changed"
            ) from None


def _update(settings: Settings, rebuild: bool, progress: Progress | None) -> IndexReport:
    t0 = time.perf_counter()
    report = IndexReport()
    index_dir = settings.index_dir
    # The extractor is part of the fingerprint: upgrading it re-extracts every page.
    fp = f"{fingerprint(variant_map(settings.variants))}/{extractor_id()}"
    found = scan_corpus(settings)
    report.warnings.extend(found.warnings)

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
            ix = _storage(index_dir).open_index()
            ix.reader().close()  # reads the segments too: a corrupt one fails here
        except Exception as exc:  # any failure to open means: rebuild from the corpus
            report.reason = f"index could not be opened ({type(exc).__name__}); rebuilt"
            manifest = None
    target = index_dir
    if manifest is None:
        report.rebuilt = True
        manifest = Manifest(fp)
        target = beside(index_dir, ".new")
        ix = _create(target, settings)

    sidecar, note = load_sidecar(settings.corpus)
    if note:
        report.warnings.append(note)
    total = len(found.files)
    stale_files = [
        src
        for src in found.files
        if not _same_stat(manifest.articles.get(src.id), src)
        and not _same_stat(manifest.skipped.get(src.id), src)
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
    batch = _Batch(ix, manifest, report, parallel)
    seen: set[str] = set()
    read_now: set[str] = set()
    try:
        for i, src in enumerate(found.files, 1):
            seen.add(src.id)
            entry = manifest.articles.get(src.id)
            skipped = manifest.skipped.get(src.id)
            if _same_stat(entry, src):
                report.warnings.extend(entry.get("warnings", ()))
            elif _same_stat(skipped, src):
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
                        batch.remove(src.id)
                else:
                    read_now.add(src.id)
                    lines.entries[src.id] = prep.line_entry()
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
                        batch.add(article, src)
                        _sketch(dupes, article)
            if progress and (i % 100 == 0 or i == total):
                progress(i, total, "indexing" if batch.writer else "reading")
        for aid in lost:
            del manifest.skipped[aid]
        for aid in gone:
            batch.remove(aid)
            lines.entries.pop(aid, None)
            dupes.prints.pop(aid, None)
        batch.commit(progress)
        if lines is not None:
            manifest.repeated = lines.counts()
            again = lines.affected(repeated, manifest.repeated, skip=set())
            if again:
                _reclean(again, found.files, settings, sidecar, manifest, report, dupes, ix)
                report.recleaned = len(set(again) - read_now)
    except BaseException:
        batch.cancel()
        if target != index_dir:
            shutil.rmtree(target, ignore_errors=True)
        raise
    if lines is not None:  # something was read, removed or rebuilt
        manifest.duplicates = duplicate_groups(dupes.prints)
        try:
            lines.save(target)
            dupes.save(target)
            manifest.files = record(target, manifest.files)
            manifest.save(target)
        except BaseException:
            if target != index_dir:
                shutil.rmtree(target, ignore_errors=True)
            raise
    if target != index_dir:
        swap(target, index_dir)
    report.removed += len(gone)
    _fill_report(report, manifest, t0)
    return report


def _sketch(dupes: DupeStore, article: Article) -> None:
    if article.title_only:
        dupes.prints.pop(article.id, None)
    else:
        dupes.prints[article.id] = fingerprint_of(article.title, [p.text for p in article.passages])


def _reclean(
    ids: list[str],
    files: list[SourceFile],
    settings: Settings,
    sidecar: dict,
    manifest: Manifest,
    report: IndexReport,
    dupes: DupeStore,
    ix,
) -> None:
    """Clean and index again the articles whose repeated lines changed."""
    wanted = set(ids)
    batch = _Batch(ix, manifest, IndexReport(), parallel=False)
    try:
        for src in files:
            if src.id not in wanted:
                continue
            try:
                article = finish(prepare_file(src, settings, sidecar), settings, manifest.repeated)
            except Unreadable as exc:  # changed since it was read a moment ago
                report.warnings.append(str(exc))
                continue
            batch.add(article, src)
            _sketch(dupes, article)
        batch.commit(None)
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
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    # spawn, not fork: a caller may build from a thread, and forking a threaded process
    # can leave a lock held forever in the child.
    with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
        jobs = pool.map(warm_cache, paths, [str(cache_dir)] * len(paths), chunksize=2)
        try:
            for i, _ in enumerate(jobs, 1):
                if progress:
                    progress(i, len(paths), "extracting")
        except Exception:
            # A worker that died (a page that crashed the parser) costs only the head
            # start: the build loop extracts what is not cached, page by page.
            pool.shutdown(wait=False, cancel_futures=True)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise


def _create(index_dir: Path, settings: Settings):
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    return _storage(index_dir).create_index(make_schema(settings))


class _Batch:
    """The changes of one update, written as they are found so that progress flows and
    no article is held in memory after it is indexed. The writer (and the index lock)
    is only taken when something must change."""

    def __init__(self, ix, manifest: Manifest, report: IndexReport, parallel: bool):
        self.ix, self.manifest, self.report, self.parallel = ix, manifest, report, parallel
        self.writer = None
        self.started = 0.0

    def _writer(self):
        if self.writer is None:
            self.started = time.perf_counter()
            if self.parallel:
                self.writer = _ParallelWriter(
                    self.ix,
                    procs=WRITER_PROCS,
                    batchsize=256,
                    multisegment=True,
                    limitmb=PROC_LIMIT_MB,
                )
            else:
                self.writer = self.ix.writer(limitmb=LIMIT_MB)
        return self.writer

    def remove(self, aid: str) -> None:
        if not self.report.rebuilt:
            self._writer().delete_by_term("article", aid)
        self.manifest.articles.pop(aid, None)

    def add(self, article: Article, src: SourceFile) -> None:
        writer = self._writer()
        if not self.report.rebuilt:
            writer.delete_by_term("article", src.id)
        for doc in _docs(article):
            writer.add_document(**doc)
        self.manifest.articles[article.id] = _info(article, src)

    def commit(self, progress: Progress | None) -> None:
        writer = self.writer
        if writer is None:
            return
        fed = time.perf_counter() - self.started
        if progress:
            progress(0, 100, "saving")
            writer.tick = _saving_ticker(progress, fed)
        writer.commit(merge=True)
        self.writer = None
        if segment_count(self.ix) > MAX_SEGMENTS:
            if progress:
                progress(0, 1, "optimizing")
            self.ix.optimize()
            if progress:
                progress(1, 1, "optimizing")

    def cancel(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.cancel()


def _saving_ticker(progress: Progress, fed_seconds: float) -> Callable[[], None]:
    """Progress while the writer processes finish: an estimate from the time it took to
    feed them (finishing takes about half that), never reaching the end before it."""
    t0 = time.perf_counter()
    expected = max(1.0, fed_seconds * 0.5)

    def tick() -> None:
        done = min(99, int(100 * (time.perf_counter() - t0) / expected))
        progress(done, 100, "saving")

    return tick


class _ParallelWriter(MpWriter):
    """Whoosh's MpWriter, with each sub-process writing its own segment, that reports
    progress while it waits for them and never leaves them running after a failure.
    (Follows MpWriter._commit of whoosh-reloaded 2.7.5.)"""

    tick: Callable[[], None] | None = None

    def _commit(self, mergetype, optimize, merge):
        if self.docbuffer:
            self._enqueue()
        for _task in self.tasks:
            self.jobqueue.put(None)
        finalsegments = self._merge_segments(mergetype, optimize, merge)
        results = []
        while len(results) < len(self.tasks):
            try:
                results.append(self.resultqueue.get(timeout=0.25))
            except queue.Empty:
                if not any(t.is_alive() for t in self.tasks) and self.resultqueue.empty():
                    break
                if self.tick:
                    self.tick()
        for task in self.tasks:
            task.join()
        if len(results) < len(self.tasks) or any(t.exitcode for t in self.tasks):
            raise RuntimeError("an indexing process failed; the index was not changed")
        finalsegments += [segment for _, _, segment in results]
        if self._added:
            finalsegments.append(self._finalize_segment())
        else:
            self._close_segment()
        self._commit_toc(finalsegments)
        self._finish()

    def cancel(self):
        try:
            for task in self.tasks:
                if task.is_alive():
                    task.terminate()
                task.join()
        finally:
            SegmentWriter.cancel(self)


def open_index(settings: Settings):
    """The existing index, for searching. Raises IndexUnavailable with a message when
    there is none or it cannot be opened."""
    index_dir = settings.index_dir
    for _attempt in range(50):
        try:
            ix = _storage(index_dir).open_index()
            ix.reader().close()
            return ix
        except Exception as exc:
            # Between the two renames of a swap the folder is briefly absent.
            if index_dir.exists() or not beside(index_dir, ".new").exists():
                raise IndexUnavailable(
                    f"no usable index in {index_dir} ({type(exc).__name__}); run `dossier index`"
                ) from None
            time.sleep(0.02)
    raise IndexUnavailable(f"no usable index in {index_dir}; run `dossier index`")


def article_infos(settings: Settings) -> list[ArticleInfo]:
    manifest = Manifest.load(settings.index_dir)
    return manifest.infos() if manifest else []
