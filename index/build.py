"""Building the index: scan the corpus, compare with the manifest, read and clean what
changed, count repeated lines and duplicates, and hand finished articles to the index.

The index is derived and disposable: a manifest beside it (index/manifest.py) records
what each article was when indexed, so nothing needs re-reading when nothing changed.
Writers take turns (indexlock); a rebuild is written beside the index and swapped in
whole (indexfiles). This module talks to the index only through `index/engine/`
(create, open, a batch of additions and removals); it never imports Whoosh.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from .articlelog import ArticleLog, sketch_of
from .boilerplate import LineStore, affected, count, save_lines
from .config import Settings
from .corpus import SourceFile, Unreadable, finish, prepare_file, scan_corpus
from .duplicates import DupeStore, Fingerprint, fingerprint_of, save_prints
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


def _side(sidecar: dict, aid: str) -> str | None:
    """A digest of an article's entry in the corpus's metadata.yaml (None: it has none),
    kept in its manifest entry: editing the entry re-reads the article although its
    file did not change."""
    entry = sidecar.get(aid)
    if not entry:
        return None
    text = json.dumps(entry, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def _as_read(entry: dict | None, src: SourceFile, sidecar: dict) -> bool:
    """Whether an article is as its manifest entry saw it: its file and its
    metadata.yaml entry."""
    return same_stat(entry, src) and entry.get("side") == _side(sidecar, src.id)


def _info(article: Article, src: SourceFile, sidecar: dict) -> dict:
    side = _side(sidecar, src.id)
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
        **({"side": side} if side else {}),
    }


def _add(
    batch: Batch, manifest: Manifest, article: Article, src: SourceFile, sidecar: dict
) -> None:
    manifest.articles[article.id] = _info(article, src, sidecar)  # first: adding may commit
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
    sidecar, note = load_sidecar(settings.corpus)
    manifest, ix, target, resumed = _open_or_create(
        settings, rebuild, fp, found.files, sidecar, report, progress
    )
    if note:
        report.warnings.append(note)
    total = len(found.files)
    if resumed and on_partial:  # searchable already: the reader says how much
        on_partial(len(resumed), total)
    stale_files = [
        src
        for src in found.files
        if not _as_read(manifest.articles.get(src.id), src, sidecar)
        and not same_stat(manifest.skipped.get(src.id), src)
    ]
    stale = len(stale_files)
    _extract_pages(
        [src.path for src in stale_files if is_html_path(src.path)],
        cache_dir_for(index_dir),
        progress,
    )
    del stale_files
    if report.rebuilt:  # nothing is gone from an empty manifest
        gone: list[str] = []
        lost: list[str] = []
    else:
        on_disk = {src.id for src in found.files}
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
    read_now: set[str] = set()
    try:
        # A rebuild lets each file's listing go once read (it keeps no list of them).
        files = _consumed(found.files) if log else found.files
        for i, src in enumerate(files, 1):
            entry = manifest.articles.get(src.id)
            skipped = manifest.skipped.get(src.id)
            if _as_read(entry, src, sidecar):
                report.warnings.extend(entry.get("warnings", ()))
            elif src.id in resumed and _as_read(resumed[src.id], src, sidecar):
                # indexed before the build stopped: read again for the log alone
                _log_again(log, resumed[src.id], src, settings, sidecar, report)
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
                    line_entry = prep.line_entry()
                    if log is None:
                        read_now.add(src.id)
                        lines.entries[src.id] = line_entry
                    article = finish(prep, settings, repeated)
                    manifest.skipped.pop(src.id, None)
                    report.warnings.extend(article.warnings)
                    same_side = entry and entry.get("side") == _side(sidecar, src.id)
                    if same_side and entry["hash"] == article.content_hash:
                        entry.update(size=src.size, mtime_ns=src.mtime_ns)
                        entry.pop("warnings", None)
                        if article.warnings:  # same text, other bytes (e.g. re-encoded)
                            entry["warnings"] = article.warnings
                    elif log is not None:
                        report.added += 1
                        info = _info(article, src, sidecar)
                        log.put(article.id, info, line_entry, _fingerprint(article))
                        if target == index_dir:
                            pending.append((article.id, info))  # first: adding may commit
                        batch.add(article)
                    else:
                        if entry:
                            report.changed += 1
                        else:
                            report.added += 1
                        _add(batch, manifest, article, src, sidecar)
                        _sketch(dupes, article)
            if progress and (i % PROGRESS_EVERY == 0 or i == total):
                progress(i, total, "indexing" if batch.writing else "reading")
        for aid in lost:
            del manifest.skipped[aid]
        for aid in gone:
            _remove(batch, manifest, aid)
            lines.entries.pop(aid, None)
            dupes.prints.pop(aid, None)
        batch.commit(progress)
        if log is not None:
            log.close()
            _reclean_rebuilt(log, settings, sidecar, manifest, report, dupes, ix, progress)
        elif lines is not None:
            manifest.repeated = _named(progress, "counting repeated lines", lines.counts)
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
        try:
            _save_stores(target, manifest, lines, dupes, log, report, progress)
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


def _open_or_create(
    settings: Settings,
    rebuild: bool,
    fp: str,
    files: list[SourceFile],
    sidecar: dict,
    report: IndexReport,
    progress: Progress | None,
) -> tuple[Manifest, object, Path, dict[str, dict]]:
    """The manifest, the index and the folder to write: the index as it is when its
    manifest and files are sound, else a new one (`report` says why), written in place
    when there is no index to search meanwhile, beside it otherwise; or a first build
    that stopped midway, continued (with the manifest entries of the articles it had
    indexed: the last of the four)."""
    index_dir = settings.index_dir
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
    resumed: dict[str, dict] = {}
    if manifest is None:
        report.rebuilt = True
        manifest = Manifest(fp)
        # With no usable index to search meanwhile, build in place: searchable as it grows.
        if (index_dir / MANIFEST).exists():
            target = beside(index_dir, ".new")
        elif not rebuild and (stopped := _stopped_first_build(index_dir, fp, files, sidecar)):
            ix, resumed = stopped
            report.reason = f"continuing the first build ({len(resumed):,} articles indexed)"
        if not resumed:
            ix = create_index(target, settings)
    return manifest, ix, target, resumed


def _stopped_first_build(
    index_dir: Path, fp: str, files: list[SourceFile], sidecar: dict
) -> tuple[object, dict[str, dict]] | None:
    """The index and the manifest entries of a first build that stopped midway (the
    reader closed, Ctrl-C, a crash), when they can be trusted: its note of committed
    parts (partial.json) was made under the same analysis, every article it lists is on
    disk (and in metadata.yaml) as it was read, and the index holds exactly their
    passages (a part committed but not yet noted when it stopped would be indexed
    twice: then it starts over)."""
    noted = Manifest.load_partial(index_dir)
    if noted is None or noted.fingerprint != fp or not noted.articles:
        return None
    on_disk = {src.id: src for src in files}
    if not all(
        aid in on_disk and _as_read(e, on_disk[aid], sidecar) for aid, e in noted.articles.items()
    ):
        return None
    opened = continue_at(index_dir)
    if opened is None:
        return None
    ix, passages = opened
    if passages != sum(e["passages"] for e in noted.articles.values()):
        return None
    return ix, noted.articles


def _log_again(
    log: ArticleLog, info: dict, src: SourceFile, settings: Settings, sidecar, report
) -> None:
    """A continued first build's article indexed before it stopped: read again for its
    line entry and duplicate sketch, which a build makes at its end."""
    try:
        prep = prepare_file(src, settings, sidecar)
    except Unreadable as exc:  # changed since a moment ago: the next update sees it
        report.warnings.append(str(exc))
        return
    article = finish(prep, settings, {})
    report.warnings.extend(article.warnings)
    log.put(src.id, info, prep.line_entry(), _fingerprint(article))


def _consumed(items: list[T]) -> Iterator[T]:
    """The items of a list, each let go by the list once given."""
    for i, item in enumerate(items):
        items[i] = None
        yield item


def _reclean_rebuilt(
    log: ArticleLog,
    settings: Settings,
    sidecar: dict,
    manifest: Manifest,
    report: IndexReport,
    dupes: DupeStore,
    ix,
    progress: Progress | None,
) -> None:
    """A rebuild's count of repeated lines, and the articles it cleaned before the
    count that it changes cleaned again (their entries and sketches kept apart from
    the log's, in the manifest and the duplicate store)."""
    repeated = _named(
        progress, "counting repeated lines", count, (e for _, e in log.line_entries())
    )
    # Every article was cleaned with no repeated lines (a rebuild has no count before).
    again = set(affected(log.line_entries(), {}, repeated, set()))
    manifest.repeated = repeated
    if again:
        infos = ((aid, json.loads(info)) for aid, info, _, _ in log.rows() if aid in again)
        files = [SourceFile(aid, i["path"], i["size"], i["mtime_ns"]) for aid, i in infos]
        _reclean(list(again), files, settings, sidecar, manifest, report, dupes, ix, progress)


def _save_stores(
    target: Path,
    manifest: Manifest,
    lines: LineStore,
    dupes: DupeStore,
    log: ArticleLog | None,
    report: IndexReport,
    progress: Progress | None,
) -> None:
    """Group duplicates, save the line counts, sketches, checksums and manifest; a
    rebuild's from its log (with the entries and sketches of the articles it cleaned
    again in their place), streamed."""
    prints = dupes.prints if log is None else _logged_prints(log, manifest, dupes)
    manifest.duplicates = _named(progress, "finding duplicates", duplicate_groups, prints)
    del prints
    if progress:
        progress(1, 1, "finding duplicates")

    def save_stores() -> None:
        if log is None:
            lines.save(target)
            dupes.save(target)
            return
        save_lines(target, ((aid, entry) for aid, _, entry, _ in log.rows()))
        save_prints(target, _logged_sketches(log, manifest, dupes))

    _named(progress, "saving line counts and duplicate sketches", save_stores)
    (target / PARTIAL).unlink(missing_ok=True)
    tick = _checksum_ticker(progress) if progress else None
    manifest.files = record(target, manifest.files, tick)
    entries = None if log is None else _logged_entries(log, manifest, report)
    _named(progress, "saving the manifest", manifest.save, target, entries)
    if log is not None:
        log.discard()


def _logged_prints(log: ArticleLog, manifest: Manifest, dupes: DupeStore) -> dict:
    out = {}
    for aid, _, _, sketch in log.rows():
        fp = dupes.prints.get(aid) if aid in manifest.articles else sketch_of(sketch)
        if fp is not None:
            out[aid] = fp
    return out


def _logged_sketches(log: ArticleLog, manifest: Manifest, dupes: DupeStore):
    for aid, _, _, sketch in log.rows():
        if aid not in manifest.articles:
            if sketch != "null":
                yield aid, sketch
        elif (fp := dupes.prints.get(aid)) is not None:
            yield aid, json.dumps([fp.exact, fp.sketch, fp.figures], separators=(",", ":"))


def _logged_entries(log: ArticleLog, manifest: Manifest, report: IndexReport):
    """The manifest entries of a rebuild (those cleaned again from the manifest); the
    report's totals counted on the way."""
    report.articles = report.passages = report.title_only = 0
    for aid, info, _, _ in log.rows():
        if aid in manifest.articles:
            entry = manifest.articles[aid]
            info = json.dumps(entry, separators=(",", ":"))
        else:
            entry = json.loads(info)
        report.articles += 1
        report.passages += entry["passages"]
        report.title_only += bool(entry.get("title_only"))
        yield aid, info


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
            _add(batch, manifest, article, src, sidecar)
            _sketch(dupes, article)
        batch.commit(progress)
    except BaseException:
        batch.cancel()
        raise


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
