"""The fast writer of a fresh index: segments built in memory and written straight
through Whoosh's codec, one after another, by up to two worker processes.

Whoosh's own writer sends every posting through a pickled external sort and reads
each document's field length back from disk for every posting; profiled on a 5k-article
build that was ~60% of the time. Here a segment's postings are gathered in dicts
(term -> flat list of docnum, weight, value), its lengths in arrays, and written term
by term in sorted order, a block at a time. The files are exactly what Whoosh's writer
makes of the same documents (tests/test_fast_writer.py compares them posting by
posting), so searching is unchanged.

Segments are committed in the order of the articles, so document numbers are those of
a one-writer build; each commit is a new index generation that a searcher can open:
the first build is searchable on the part written so far.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from array import array
from collections import deque
from collections.abc import Callable

from whoosh.analysis import IDTokenizer
from whoosh.fields import ID
from whoosh.filedb.filestore import FileStorage
from whoosh.formats import Existence
from whoosh.index import TOC, LockError

from ..errors import IndexBusy
from ..pool import stop_now
from .analysis import one_pass_analysis
from .private import segments_of, write_field, write_lengths

# Passages a segment holds: the first segment is small so that the first results come
# quickly; later ones are large (fewer segments to search) but bounded in memory:
# ~2.5 kB of postings a passage, so ~25 MB a segment in each worker (the whole
# build, three processes, stays near 300 MB at 20k articles).
FIRST_SEGMENT = 500
SEGMENT_PASSAGES = 10000
# Postings a block (Whoosh writes 128). Reading a common word cost ~20 µs a block on
# top of its postings; at 100k articles, 1024 made a word, an AND or a phrase counted
# whole 10-20% faster, and Whoosh's own matchers too, for no change in build time and
# a 3% smaller index (docs/scaling.md). Segments written by updates keep Whoosh's 128.
POSTINGS_BLOCK = 1024

# An update merges segments of at most this many passages (writer.merge_small), keeping
# only the postings of passages still there; larger segments are never merged.
MERGEABLE_PASSAGES = SEGMENT_PASSAGES // 10
TICK_ARTICLES = 20  # articles indexed between two ticks of a segment written here
TICK_TERMS = 2000  # terms written between two ticks (and one a field)

# (article id, title, source, date, [(pid, text), ...])
ArticleDocs = tuple[str, str, str, str, list[tuple[str, str]]]
OnCommit = Callable[[int, int], None]  # (articles committed, passages committed)


def _storage(index_dir: str) -> FileStorage:
    return FileStorage(index_dir, supports_mmap=False)


class SegmentBuilder:
    """One new segment of an index, built in memory and written by `finish`.

    With `exact_once`, the `exact` field gets one posting a word: the first passage of
    the segment holding it. Its lexicon is all that is read of it (prefix and fuzzy
    words are expanded there and searched in `text`, index/engine/queries.py), and its
    postings were a sixth of a worker's time (docs/scaling.md). Only for a segment no update merges:
    a merge drops a deleted passage's postings, and with them a word that other
    passages of the segment still hold."""

    def __init__(self, storage, schema, indexname: str = "MAIN", exact_once: bool = False):
        from whoosh.codec import default_codec

        self.storage, self.schema = storage, schema
        self.codec = default_codec(blocklimit=POSTINGS_BLOCK)
        self.segment = self.codec.new_segment(storage, indexname)
        self.perdoc = self.codec.per_document_writer(storage, self.segment)
        self.names = sorted(schema.names())  # Whoosh adds a document's fields in name order
        self.fields = [(n, schema[n]) for n in self.names]
        self.postings: dict[str, dict[bytes, list]] = {n: {} for n in self.names}
        self.lengths: dict[str, array] = {n: array("I") for n in self.names}
        self.docnum = 0
        self.text_and_exact = one_pass_analysis(schema)
        self.exact_seen: set[bytes] | None = set() if exact_once else None
        self.pid_is_whole = "pid" in schema and _whole_value(schema["pid"])

    def add_article(self, docs: ArticleDocs) -> int:
        """Index every passage of an article; returns the number of passages."""
        aid, title, source, date, passages = docs
        per_article = {"article": aid, "date": date, "source": source, "title": title}
        items = {
            n: list(self.schema[n].index(v)) for n, v in per_article.items() if n in self.schema
        }
        both = self.text_and_exact
        for pid, text in passages:
            values = {**per_article, "pid": pid, "text": text, "exact": text}
            if both is not None:
                items["text"], items["exact"] = both(text, self.exact_seen)
            if self.pid_is_whole and pid:
                items["pid"] = [(pid.encode("utf-8"), 1, 1.0, b"")]
            self._add_doc(values, items)
        return len(passages)

    def _add_doc(self, values: dict[str, str], cached: dict[str, list]) -> None:
        docnum = self.docnum
        perdoc = self.perdoc
        perdoc.start_doc(docnum)
        for name, field in self.fields:
            value = values.get(name)
            if value is None:
                continue
            length = 0
            if field.indexed:
                post = self.postings[name]
                scorable = field.scorable
                got = cached.get(name)
                for tbytes, freq, weight, vbytes in got if got is not None else field.index(value):
                    if scorable:
                        length += freq
                    lst = post.get(tbytes)
                    if lst is None:
                        post[tbytes] = [docnum, weight, vbytes]
                    else:
                        lst += (docnum, weight, vbytes)
            self.lengths[name].append(length)  # the length columns: in `finish`
            if field.stored:
                perdoc.add_field(name, field, value, 0)
            column = field.column_type
            if column:
                perdoc.add_column_value(name, column, field.to_column_value(value))
        perdoc.finish_doc()
        self.docnum += 1

    def finish(self, tick: Callable[[], None] | None = None):
        """Write the postings and close the segment (one compound file, as Whoosh's
        writer leaves it); returns the segment for a TOC. `tick` is called at each
        field and every TICK_TERMS terms."""
        lengths = {n: write_lengths(self.perdoc, n, self.lengths[n]) for n in self.names}
        self.perdoc.close()
        fw = self.codec.field_writer(self.storage, self.segment)
        for name, field in self.fields:
            terms = self.postings.pop(name)
            if not terms:
                continue
            if tick:
                tick()
            write_field(fw, name, field, terms, lengths[name], tick, TICK_TERMS)
        fw.close()
        if tick:
            tick()
        self.segment.set_doc_count(self.docnum)
        self.segment.create_compound_file(self.storage)
        return self.segment

    def cancel(self) -> None:
        with contextlib.suppress(Exception):
            self.perdoc.close()


def _whole_value(field) -> bool:
    """Whether a field indexes its value as one term, as `pid` does: then its posting is
    made here, not by Whoosh's tokenizer (a generator and a token each passage)."""
    return (
        type(field) is ID
        and type(field.analyzer) is IDTokenizer
        and type(field.format) is Existence
        and field.format.field_boost == 1.0
    )


_schema = None  # a worker process's: the schema of the build its pool writes for


def _start_worker(schema: bytes) -> None:
    """A worker process's start: the build's schema, as the build's process has it
    (the analyzers' word caches then live in it for every segment this worker writes).
    Reading it from the index's TOC raced with the commits: the TOC a worker found
    could be replaced and deleted before it was opened."""
    global _schema
    _schema = pickle.loads(schema)


def write_segment(
    index_dir: str,
    chunk: list[ArticleDocs],
    schema,
    tick: Callable[[], None] | None = None,
):
    """A worker's job: one segment of `chunk`'s articles in the index at `index_dir`.
    Returns the segment, not yet in the TOC. `tick` is called every TICK_ARTICLES
    articles and TICK_TERMS terms written (a segment written in the build's own
    process takes seconds: the build says it is alive)."""
    storage = _storage(index_dir)
    passages = sum(len(docs[4]) for docs in chunk)
    builder = SegmentBuilder(storage, schema, exact_once=passages > MERGEABLE_PASSAGES)
    # Consumed as indexed: each article's text is let go once its postings are made.
    chunk.reverse()
    done = 0
    while chunk:
        builder.add_article(chunk.pop())
        done += 1
        if tick and done % TICK_ARTICLES == 0:
            tick()
    return builder.finish(tick)


def _write_pickled(index_dir: str, pickled: bytes):
    """write_segment in a worker, for a chunk sent pickled: the build's process keeps
    the chunks in flight as bytes (half the memory of the objects) until their segment
    is back."""
    return write_segment(index_dir, pickle.loads(pickled), _schema)


def _started() -> None:
    """A worker's first job: nothing but starting the process (see `_start_pool`)."""


class FreshWriter:
    """Writes a new, empty index as a run of segments, each committed (a new TOC
    generation) as soon as the ones before it are: readers see the index grow.

    With `procs` > 1 the segments are built by that many worker processes (spawned: a
    caller may be a thread), at most `procs` + 1 chunks in flight; otherwise here."""

    def __init__(self, ix, procs: int = 1, on_commit: OnCommit | None = None):
        self.ix, self.procs, self.on_commit = ix, procs, on_commit
        self.lock = ix.lock("WRITELOCK")
        if not self.lock.acquire():
            raise IndexBusy("another dossier is updating the index")
        self.dir = ix.storage.folder
        self.schema = ix.schema
        self.generation = ix.latest_generation()
        self.segments: list = segments_of(ix)  # a stopped first build's parts, if any
        self.chunk: list[ArticleDocs] = []
        self.chunk_passages = 0
        self.target = FIRST_SEGMENT
        self.pending: deque = deque()  # (future or segment, articles, passages)
        self.articles_done = self.passages_done = 0
        self.pool = None
        self.closed = False
        self.tick: Callable[[], None] | None = None  # called while adding waits for a worker
        self.passages_fed = 0

    def add(self, docs: ArticleDocs) -> None:
        self.chunk.append(docs)
        self.chunk_passages += len(docs[4])
        self.passages_fed += len(docs[4])
        if self.chunk_passages >= self.target:
            self._dispatch()
        elif self.pending and self._ready():  # a worker finished: searchable now
            self._commit_next()

    def _dispatch(self, tick: Callable[[], None] | None = None) -> None:
        """Hand the chunk gathered to a worker, or write it here; `tick` (or the
        writer's own) is called meanwhile."""
        tick = tick or self.tick
        if not self.chunk:
            return
        chunk, articles, passages = self.chunk, len(self.chunk), self.chunk_passages
        self.chunk, self.chunk_passages = [], 0
        first = self.target == FIRST_SEGMENT and not self.segments and not self.pending
        self.target = SEGMENT_PASSAGES
        if self.procs > 1 and self.pool is None:
            self._start_pool()
        if self.procs > 1 and not first:  # the first, small part here: no wait for a worker
            pickled = pickle.dumps(chunk, pickle.HIGHEST_PROTOCOL)
            del chunk
            job = self.pool.submit(_write_pickled, self.dir, pickled)
        else:
            job = write_segment(self.dir, chunk, self.schema, tick)
        self.pending.append((job, articles, passages))
        while self.pending and (len(self.pending) > self.procs or self._ready()):
            self._wait_first(tick)
            self._commit_next()

    def _start_pool(self) -> None:
        """Start the worker processes now: they import while this process writes the
        first part and reads the next (a spawned worker takes ~0.5 s to import, on the
        core that would otherwise wait for the second part)."""
        from concurrent.futures import ProcessPoolExecutor
        from multiprocessing import get_context

        self.pool = ProcessPoolExecutor(
            self.procs,
            mp_context=get_context("spawn"),
            initializer=_start_worker,
            initargs=(pickle.dumps(self.schema, pickle.HIGHEST_PROTOCOL),),
        )
        for _ in range(self.procs):
            self.pool.submit(_started)

    def _wait_first(self, tick: Callable[[], None] | None) -> None:
        """Wait for the oldest part in flight, calling `tick` every half second."""
        from concurrent.futures import TimeoutError as FutureTimeout

        job = self.pending[0][0]
        while hasattr(job, "result"):
            try:
                job.result(timeout=0.5)
                return
            except FutureTimeout:
                if tick:
                    tick()

    def _ready(self) -> bool:
        job = self.pending[0][0]
        return not hasattr(job, "done") or job.done()

    def _commit_next(self) -> None:
        job, articles, passages = self.pending.popleft()
        segment = job.result() if hasattr(job, "result") else job
        self.segments.append(segment)
        self.generation += 1
        storage, name = self.ix.storage, self.ix.indexname
        TOC(self.schema, list(self.segments), self.generation).write(storage, name)
        # Only the TOC before: clean_files would take the segments being written now.
        with contextlib.suppress(OSError):
            storage.delete_file(TOC._filename(name, self.generation - 1))
        self.articles_done += articles
        self.passages_done += passages
        if self.on_commit:
            self.on_commit(self.articles_done, self.passages_done)

    def commit(self, tick: Callable[[], None] | None = None) -> None:
        """Write what is left and wait for every segment; `tick` is called while
        waiting."""
        self._dispatch(tick)
        while self.pending:
            self._wait_first(tick)
            self._commit_next()
        self._close()

    def cancel(self) -> None:
        if self.pool is not None:
            stop_now(self.pool)
        self.pending.clear()
        self._close()

    def _close(self) -> None:
        if self.closed:
            return
        self.closed = True
        if self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
        # The column writers' scratch folder (Whoosh's writer removes it on commit).
        with contextlib.suppress(OSError):
            shutil.rmtree(os.path.join(self.dir, f"{self.ix.indexname}.tmp"))
        with contextlib.suppress(LockError, OSError):
            self.lock.release()


def worker_count(passages_expected: int) -> int:
    """Worker processes worth starting: two on a machine with two cores or more, for
    a build of more than a few segments."""
    if (os.cpu_count() or 1) < 2 or passages_expected < 2 * SEGMENT_PASSAGES:
        return 1
    return 2


__all__ = ["MERGEABLE_PASSAGES", "FreshWriter", "SegmentBuilder", "worker_count", "write_segment"]
