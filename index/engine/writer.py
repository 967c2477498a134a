"""The Whoosh index, and the only module of the build that knows it is Whoosh: the
schema, creating and opening an index, and `Batch`, the writer a build adds articles
to and removes them from (one process, or several for a large build).

The build itself (what to read, the manifest, the swap of a rebuilt index) is
index/build.py; searching is index/search.py.
"""

from __future__ import annotations

import contextlib
import queue
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from whoosh.fields import ID, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import LockError, clean_files
from whoosh.multiproc import MpWriter
from whoosh.writing import SegmentWriter

from ..errors import IndexBusy, IndexUnavailable
from ..indexfiles import beside
from ..model import Article
from ..text import variant_map
from .analysis import FastText, exact_analyzer, stemming_analyzer
from .private import segment_count, segments_of
from .segments import MERGEABLE_PASSAGES, FreshWriter, OnCommit

if TYPE_CHECKING:
    from ..config import Settings

MAX_SMALL_SEGMENTS = 6  # small segments an update leaves before they are merged
WRITER_PROCS = 2  # writer processes of a parallel build
LIMIT_MB = 256  # posting pool before it spills to disk (a spill costs ~7 us a posting)
PROC_LIMIT_MB = 192  # the same, per writer process of a parallel build
Progress = Callable[[int, int, str], None]
BUSY = "another dossier is updating the index"


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


def create_index(index_dir: Path, settings: Settings):
    """A new, empty index in `index_dir` (whatever was there is removed)."""
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    return _storage(index_dir).create_index(make_schema(settings))


def open_at(index_dir: Path):
    """The index in `index_dir`, its segments read once (a corrupt one fails here).
    Raises whatever opening raises: to a build, any failure means rebuild."""
    ix = _storage(index_dir).open_index()
    ix.reader().close()
    return ix


def continue_at(index_dir: Path) -> tuple[object, int] | None:
    """A first build that stopped midway, to be continued: its index open, with the
    files of parts that were being written when it stopped removed, and the passages
    its committed parts hold. None when it cannot be opened."""
    try:
        ix = open_at(index_dir)
        clean_files(ix.storage, ix.indexname, ix.latest_generation(), segments_of(ix))
        with contextlib.suppress(OSError):
            shutil.rmtree(index_dir / f"{ix.indexname}.tmp")
        return ix, ix.doc_count_all()
    except Exception:  # any failure to open means: start over
        return None


class Batch:
    """The changes of one update, written as they are found so that progress flows and
    no article is held in memory after it is indexed. The writer (and Whoosh's lock)
    is only taken when something must change. In a `fresh` index (a rebuild) nothing
    is there to delete before adding. Whoosh's lock held by another raises IndexBusy."""

    def __init__(
        self,
        ix,
        fresh: bool,
        parallel: bool,
        on_commit: OnCommit | None = None,
        progress: Progress | None = None,
    ) -> None:
        self.ix, self.fresh, self.parallel = ix, fresh, parallel
        self.progress = progress  # told while adding waits for a writer process
        self.on_commit = on_commit  # a fresh build's segments, as each is committed
        self.writer = None
        self.started = 0.0

    @property
    def writing(self) -> bool:
        return self.writer is not None

    def _writer(self):
        if self.writer is None:
            self.started = time.perf_counter()
            try:
                if self.fresh:
                    procs = WRITER_PROCS if self.parallel else 1
                    self.writer = FreshWriter(self.ix, procs=procs, on_commit=self.on_commit)
                    if self.progress:
                        self.writer.tick = self._writing_tick
                elif self.parallel:
                    self.writer = _ParallelWriter(
                        self.ix,
                        procs=WRITER_PROCS,
                        batchsize=256,
                        multisegment=True,
                        limitmb=PROC_LIMIT_MB,
                    )
                else:
                    self.writer = self.ix.writer(limitmb=LIMIT_MB)
            except LockError:
                raise IndexBusy(BUSY) from None
        return self.writer

    def _writing_tick(self) -> None:
        w = self.writer
        if self.progress and w is not None:
            self.progress(w.passages_done, w.passages_fed, "writing passages")

    def remove(self, aid: str) -> None:
        if not self.fresh:
            self._writer().delete_by_term("article", aid)

    def add(self, article: Article) -> None:
        writer = self._writer()
        if self.fresh:
            passages = [(p.pid, p.text) for p in article.passages]
            writer.add(
                (article.id, article.title, article.source or "", article.date or "", passages)
            )
            return
        if not self.fresh:
            writer.delete_by_term("article", article.id)
        for doc in _docs(article):
            writer.add_document(**doc)

    def commit(self, progress: Progress | None) -> None:
        writer = self.writer
        if writer is None:
            return
        fed = time.perf_counter() - self.started
        tick = _saving_ticker(progress, fed) if progress else None
        if progress:
            progress(0, 100, "saving")
        if isinstance(writer, FreshWriter):
            writer.commit(tick)
            self.writer = None
            return
        writer.tick = tick
        if segment_count(self.ix) >= MAX_SMALL_SEGMENTS and progress:
            progress(0, 100, "merging")
        # No optimize: rewriting every segment costs minutes at 100k articles; small
        # segments left by updates are merged into the new one instead.
        writer.commit(mergetype=merge_small)
        self.writer = None

    def cancel(self) -> None:
        if self.writer is not None:
            writer, self.writer = self.writer, None
            writer.cancel()


def merge_small(writer, segments):
    """Merge policy of an update: once MAX_SMALL_SEGMENTS segments are small (a tenth
    of a build's segment or less: MERGEABLE_PASSAGES), they are merged into the segment
    being written; segments whose documents were all deleted are dropped. Large
    segments stay (a fresh build's keep one `exact` posting a word: segments.py)."""
    from whoosh.reading import SegmentReader

    keep, small = [], []
    for seg in segments:
        if seg.doc_count() == 0:
            continue
        (small if seg.doc_count_all() <= MERGEABLE_PASSAGES else keep).append(seg)
    if len(small) < MAX_SMALL_SEGMENTS:
        return keep + small
    for seg in small:
        writer.add_reader(SegmentReader(writer.storage, writer.schema, seg))
    return keep


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
            return open_at(index_dir)
        except Exception as exc:
            # A commit (of a build, or an update) may delete the TOC found a moment ago,
            # once it has written the next: read again. Between the two renames of a
            # swap the folder is briefly absent.
            replaced = isinstance(exc, FileNotFoundError) and index_dir.exists()
            if not replaced and (index_dir.exists() or not beside(index_dir, ".new").exists()):
                raise IndexUnavailable(
                    f"no usable index in {index_dir} ({type(exc).__name__}); run `dossier index`"
                ) from None
            time.sleep(0.02)
    raise IndexUnavailable(f"no usable index in {index_dir}; run `dossier index`")
