"""The fast writer of a fresh index writes what Whoosh's own writer writes: the same
terms, postings (document, weight, positions), block statistics, lengths and stored
fields, on the bundled articles and on a generated corpus with many segments."""

from __future__ import annotations

import pickle
import random

import pytest
from helpers_procs import still_running
from whoosh.codec.whoosh3 import W3Codec
from whoosh.filedb.filestore import FileStorage

from index.corpus import read_article, scan
from index.engine import segments
from index.engine.segments import FreshWriter
from index.engine.writer import _docs, create_index


def _articles(settings):
    return [read_article(src, settings) for src in scan(settings.corpus).files]


def _whoosh_build(settings, articles, where):
    ix = create_index(where, settings)
    w = ix.writer(codec=W3Codec(blocklimit=segments.POSTINGS_BLOCK))
    for a in articles:
        for doc in _docs(a):
            w.add_document(**doc)
    w.commit()
    return ix


def _fast_build(settings, articles, where, procs=1):
    ix = create_index(where, settings)
    commits = []
    w = FreshWriter(ix, procs=procs, on_commit=lambda a, p: commits.append((a, p)))
    for a in articles:
        w.add((a.id, a.title, a.source or "", a.date or "", [(p.pid, p.text) for p in a.passages]))
    w.commit()
    return FileStorage(str(where)).open_index(), commits


def _contents(ix) -> dict:
    """Everything a search reads, by global document number."""
    out: dict = {}
    with ix.reader() as r:
        out["docs"] = r.doc_count_all()
        out["stored"] = [r.stored_fields(d) for d in range(r.doc_count_all())]
        for name in ix.schema.names():
            out[("len", name)] = r.field_length(name)
            # A segment without any length of a field answers 0, with some None for an
            # empty one (Whoosh's own writer does the same): both mean no words.
            lens = [r.doc_field_length(d, name) or 0 for d in range(r.doc_count_all())]
            out[("lens", name)] = lens
        for sub, base in r.leaf_readers():
            for fname, btext in sub.all_terms():
                field = ix.schema[fname]
                m = sub.postings(fname, btext)
                posts, blocks = [], []
                while m.is_active():
                    blocks.append(
                        (m.block_min_length(), m.block_max_length(), m.block_max_weight())
                    )
                    posts.append((m.id() + base, m.weight(), m.value()))
                    m.next()
                key = (fname, btext)
                out.setdefault(key, []).extend(posts)
                if field.scorable:
                    out.setdefault(("blocks", *key), []).append(sorted(set(blocks)))
                # The term table's statistics of the term in this segment (what a
                # scorer and the fast path read without opening the postings).
                ti = sub.term_info(fname, btext)
                stats = (ti.weight(), ti.doc_frequency(), ti.min_length(), ti.max_length())
                stats += (ti.max_weight(), ti.min_id() + base, ti.max_id() + base)
                out.setdefault(("blocks", "info", *key), []).append(stats)
    return out


@pytest.mark.parametrize("block", [segments.POSTINGS_BLOCK, 4])
def test_fast_writer_writes_what_whoosh_writes(bundled_settings, tmp_path, monkeypatch, block):
    """(With blocks of 4 postings, most words' postings span several blocks.)"""
    monkeypatch.setattr(segments, "POSTINGS_BLOCK", block)
    articles = _articles(bundled_settings)
    plain = _contents(_whoosh_build(bundled_settings, articles, tmp_path / "plain"))
    fast_ix, commits = _fast_build(bundled_settings, articles, tmp_path / "fast")
    assert _contents(fast_ix) == plain
    assert commits[-1] == (len(articles), sum(len(a.passages) for a in articles))


@pytest.mark.parametrize("procs", [1, 2])
def test_many_segments_in_article_order(bundled_settings, tmp_path, monkeypatch, procs):
    """Small segments (several per build) in one process or two: document numbers,
    postings and statistics still those of one Whoosh writer."""
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 5)
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 11)
    articles = _articles(bundled_settings)
    rng = random.Random(3)
    many = [rng.choice(articles) for _ in range(12)]  # same ids repeat: fine for the index
    plain = _contents(_whoosh_build(bundled_settings, many, tmp_path / "plain"))
    fast_ix, commits = _fast_build(bundled_settings, many, tmp_path / "fast", procs=procs)
    fast = _contents(fast_ix)
    assert len(commits) > 3
    assert [c[0] for c in commits] == sorted(c[0] for c in commits)
    # Block statistics are per segment: compare the postings and everything else.
    assert {k: v for k, v in fast.items() if k[0] != "blocks"} == {
        k: v for k, v in plain.items() if k[0] != "blocks"
    }


def test_a_worker_writes_its_segment_without_reading_the_index_toc(bundled_settings, tmp_path):
    """A worker takes the build's schema when it starts, not from the index's TOC: the
    build's process writes a new TOC at every commit and deletes the one before, so the
    TOC a worker had found could be gone when it opened it (a failed build)."""
    where = tmp_path / "ix"
    ix = create_index(where, bundled_settings)
    articles = _articles(bundled_settings)[:2]
    chunk = [
        (a.id, a.title, a.source or "", a.date or "", [(p.pid, p.text) for p in a.passages])
        for a in articles
    ]
    segments._start_worker(pickle.dumps(ix.schema))
    for toc in where.glob("_MAIN_*.toc"):
        toc.unlink()  # replaced by a commit meanwhile
    segment = segments._write_pickled(str(where), pickle.dumps(chunk))
    assert segment.doc_count() == sum(len(a.passages) for a in articles)


def test_positions_are_encoded_as_whoosh_encodes_them():
    """The position lists built by hand (gaps under 256) and by pickle (the others) are
    Whoosh's bytes: lists of 1 to 200 positions, gaps of any size."""
    from whoosh.formats import Positions

    from index.engine.analysis import _encode_positions

    rng = random.Random(5)
    fmt = Positions()
    for _ in range(5000):
        n = rng.choice([1, 2, 3, 8, 63, 64, 200])
        span = rng.choice([40, 255, 256, 300, 5000])
        pos = sorted(rng.sample(range(span + n), n))
        assert _encode_positions(pos) == fmt.encode(pos), pos


def test_a_stopped_build_ends_its_writer_processes(bundled_settings, tmp_path, monkeypatch):
    """A build stopped (Ctrl-C, a failure) while its writer processes work ends them,
    and the stop is what the caller sees, not another error."""
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 5)
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 11)
    articles = _articles(bundled_settings)
    w = FreshWriter(create_index(tmp_path / "ix", bundled_settings), procs=2)
    for a in articles:
        w.add((a.id, a.title, a.source or "", a.date or "", [(p.pid, p.text) for p in a.passages]))
    workers = list(w.pool._processes.values())
    assert len(workers) == 2
    w.cancel()
    assert not still_running(workers)
