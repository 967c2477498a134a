"""The end of a build: the steps after every file is read (repeated lines counted,
the articles the count changes cleaned again, duplicates grouped, the stores, checksums
and manifest saved), a rebuild's streamed from its article log; and how a step that
cannot count says it is still running."""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TypeVar

from .articlelog import ArticleLog, sketch_of, sketch_text
from .boilerplate import LineStore, affected, count, save_lines
from .build_entries import IndexReport, Update, add_article, entry_of, keep_sketch
from .corpus import SourceFile, Unreadable, finish, prepare_file
from .duplicates import DupeStore, save_prints
from .duplicates import groups as duplicate_groups
from .engine import Batch, Progress
from .indexfiles import record
from .manifest import PARTIAL, Manifest

# Files read between two progress reports (the reader's indexer passes on what moves).
PROGRESS_EVERY = 10
NAMED_EVERY = 0.5  # seconds between two reports of a step that cannot count
T = TypeVar("T")


def named_step(progress: Progress | None, label: str, step: Callable[..., T], *args) -> T:
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


class Meanwhile:
    """step(*args) run in a thread while this one waits on something else (the writer
    processes finishing their last parts, with a core to spare); its result, or
    `default` when it failed."""

    def __init__(self, step: Callable[..., T], *args) -> None:
        import threading

        self._result: list = []
        self._thread = threading.Thread(
            target=self._run, args=(step, args), name="dossier-build-meanwhile", daemon=True
        )
        self._thread.start()

    def _run(self, step: Callable[..., T], args: tuple) -> None:
        # A head start only: when it fails, the caller does the step itself.
        with contextlib.suppress(Exception):
            self._result.append(step(*args))

    def result(self, default: T) -> T:
        self._thread.join()
        return self._result[0] if self._result else default


def checksum_ticker(progress: Progress) -> Callable[[int, int], None]:
    def tick(done: int, total: int) -> None:
        progress(done, total, "saving")

    return tick


def reclean(
    ids: list[str], files: Sequence[SourceFile], up: Update, ix, progress: Progress | None = None
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
                article = finish(
                    prepare_file(src, up.settings, up.sidecar), up.settings, up.manifest.repeated
                )
            except Unreadable as exc:  # changed since it was read a moment ago
                up.report.warnings.append(str(exc))
                continue
            add_article(batch, up.manifest, article, src, up.sidecar)
            keep_sketch(up.dupes, article)
        batch.commit(progress)
    except BaseException:
        batch.cancel()
        raise


def index_held(
    held: list[SourceFile],
    log: ArticleLog,
    up: Update,
    batch: Batch,
    pending: list[tuple[str, dict]] | None,
    progress: Progress | None,
) -> None:
    """A rebuild's count of repeated lines, and the articles it held back (those with
    lines the count may find repeated) cleaned with it and handed to the writers like
    the others: no article is written twice, and nothing is deleted from the new index.
    (Their entries and sketches are kept apart from the log's, in the manifest and the
    duplicate store; `pending` gets a first build's entries in the order added.)"""
    repeated = named_step(
        progress, "counting repeated lines", count, (e for _, e in log.line_entries())
    )
    up.manifest.repeated = repeated
    for done, src in enumerate(held, 1):
        if progress and (done % PROGRESS_EVERY == 0 or done == len(held)):
            progress(done, len(held), "cleaning again")
        try:
            article = finish(prepare_file(src, up.settings, up.sidecar), up.settings, repeated)
        except Unreadable as exc:  # changed since it was read a moment ago
            up.report.warnings.append(str(exc))
            up.report.added -= 1
            log.drop(src.id)
            why = {"size": src.size, "mtime_ns": src.mtime_ns, "why": str(exc)}
            up.manifest.skipped[src.id] = why
            continue
        info = up.manifest.articles[src.id] = entry_of(article, src, up.sidecar)
        keep_sketch(up.dupes, article)
        if pending is not None:
            pending.append((article.id, info))  # first: adding may commit
        batch.add(article)


def reclean_rebuilt(
    log: ArticleLog, up: Update, ix, skip: set[str], progress: Progress | None
) -> None:
    """The articles a continued first build indexed before it stopped that the count of
    repeated lines changes, cleaned again (their entries and sketches kept apart from
    the log's, in the manifest and the duplicate store); `skip`: those indexed after
    the count."""
    # They were cleaned with no repeated lines (a rebuild has no count before).
    again = set(affected(log.line_entries(), {}, up.manifest.repeated, skip))
    if again:
        infos = ((aid, json.loads(info)) for aid, info, _, _ in log.rows() if aid in again)
        files = [SourceFile(aid, i["path"], i["size"], i["mtime_ns"]) for aid, i in infos]
        reclean(list(again), files, up, ix, progress)


def save_stores(
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
    manifest.duplicates = named_step(progress, "finding duplicates", duplicate_groups, prints)
    del prints
    if progress:
        progress(1, 1, "finding duplicates")

    def write() -> None:
        if log is None:
            lines.save(target)
            dupes.save(target)
            return
        save_lines(target, ((aid, entry) for aid, _, entry, _ in log.rows()))
        save_prints(target, _logged_sketches(log, manifest, dupes))

    named_step(progress, "saving line counts and duplicate sketches", write)
    (target / PARTIAL).unlink(missing_ok=True)
    tick = checksum_ticker(progress) if progress else None
    manifest.files = record(target, manifest.files, tick)
    entries = None if log is None else _logged_entries(log, manifest, report)
    named_step(progress, "saving the manifest", manifest.save, target, entries)
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
            yield aid, sketch_text(fp)


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
