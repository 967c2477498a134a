"""The index: built once, updated incrementally by content, rebuilt when it must be, and
always derived from the corpus."""

from __future__ import annotations

import dataclasses
import os
import shutil

import pytest
from conftest import ARTICLES

from index.build import update_index
from index.library import Library


@pytest.fixture
def corpus(make_corpus):
    """A writable copy of the bundled five."""
    files = {p.name: p.read_bytes() for p in ARTICLES.iterdir()}
    return make_corpus(files)


def search_results(settings, queries=("Lachin", '"within reach"', "Mirzoyan", "negot*")):
    lib = Library(settings)
    out = {}
    for q in queries:
        r = lib.engine.search(q, limit=100)
        out[q] = (
            r.total,
            [(a.id, a.hits) for a in r.articles],
            sorted((p.pid, p.text, tuple(p.spans)) for p in r.passages),
        )
    lib.engine.close()
    return out


def test_first_build_then_nothing_to_do(corpus):
    first = update_index(corpus)
    assert first.rebuilt and first.reason and first.added == 5
    assert (first.articles, first.passages) == (
        5,
        sum(len(Library(corpus).article(a).passages) for a in Library(corpus).infos),
    )
    again = update_index(corpus)
    assert not again.rebuilt and again.reason == ""
    assert (again.added, again.changed, again.removed) == (0, 0, 0)
    assert (again.articles, again.passages) == (first.articles, first.passages)


def test_touch_without_change_reindexes_nothing(corpus):
    update_index(corpus)
    path = corpus.corpus / "000_0d42f3f6a94791ae.txt"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))
    report = update_index(corpus)
    assert (report.added, report.changed, report.removed, report.rebuilt) == (0, 0, 0, False)
    # and the new mtime is remembered: next time the file is not even re-read
    assert update_index(corpus).reindexed == 0


def test_added_changed_and_removed_files(corpus, make_corpus):
    update_index(corpus)
    lib = Library(corpus)
    assert lib.engine.search("zanzibar").total == 0
    make_corpus({"new/extra.txt": "A New Story\n\nTalks moved to Zanzibar today.\n"})
    path = corpus.corpus / "003_408a409204c2d65a.txt"
    path.write_bytes(path.read_bytes().replace(b"Pashinyan", b"Quuxinyan"))
    (corpus.corpus / "000_0d42f3f6a94791ae.txt").unlink()
    report = update_index(corpus)
    assert (report.added, report.changed, report.removed) == (1, 1, 1)
    assert not report.rebuilt and report.articles == 5
    lib = Library(corpus)
    assert [a.id for a in lib.engine.search("zanzibar").articles] == ["new/extra"]
    assert lib.engine.search("Pashinyan").total == 0
    assert {a.id for a in lib.engine.search("Quuxinyan").articles} == {"003_408a409204c2d65a"}
    assert lib.engine.search("delimitation").total == 0  # only 000 had it
    assert "000_0d42f3f6a94791ae" not in lib.infos


def test_file_that_turns_bad_leaves_the_index(corpus):
    update_index(corpus)
    (corpus.corpus / "002_e536400ab8bce265.txt").write_bytes(b"")
    report = update_index(corpus)
    assert report.removed == 1 and any("002_e536400ab8bce265" in w for w in report.warnings)
    assert Library(corpus).engine.search('"last mile"').total == 0


def test_variants_change_rebuilds_with_a_reason(corpus):
    update_index(corpus)
    before = Library(corpus).engine.search("Mirzoyan").total
    fewer = dataclasses.replace(
        corpus, variants=tuple(g for g in corpus.variants if "Mirzoyan" not in g)
    )
    report = update_index(fewer)
    assert report.rebuilt and "variants" in report.reason
    assert Library(fewer).engine.search("Mirzoyan").total < before


def test_deleted_toc_rebuilds_with_a_reason(corpus):
    update_index(corpus)
    for f in corpus.index_dir.glob("*.toc"):
        f.unlink()
    report = update_index(corpus)
    assert report.rebuilt and "_MAIN_1.toc is missing" in report.reason
    assert Library(corpus).engine.search("Lachin").total == 4


def test_missing_manifest_rebuilds(corpus):
    update_index(corpus)
    (corpus.index_dir / "manifest.json").write_text("{not json")
    report = update_index(corpus)
    assert report.rebuilt and report.reason


def test_corrupt_segment_rebuilds_with_a_reason(corpus):
    update_index(corpus)
    segs = list(corpus.index_dir.glob("*.seg"))
    assert segs
    for f in segs:
        f.write_bytes(b"garbage" * 10)
    report = update_index(corpus)
    assert report.rebuilt and "damaged" in report.reason
    assert Library(corpus).engine.search("Lachin").total == 4


def test_rebuild_on_request(corpus):
    update_index(corpus)
    report = update_index(corpus, rebuild=True)
    assert report.rebuilt and report.added == 5 and report.reason


def test_index_is_derived(corpus):
    update_index(corpus)
    before = search_results(corpus)
    shutil.rmtree(corpus.index_dir)
    report = update_index(corpus)
    assert report.rebuilt
    assert search_results(corpus) == before
    assert before["Lachin"][0] == 4


def test_incremental_equals_fresh_build(corpus, make_corpus, tmp_path):
    update_index(corpus)
    make_corpus({"z.txt": "Extra Headline\n\nMirzoyan spoke about Lachin again.\n"})
    update_index(corpus)
    fresh = dataclasses.replace(corpus, index_dir=tmp_path / "fresh")
    update_index(fresh)
    inc, new = search_results(corpus), search_results(fresh)
    for q in inc:  # scores may differ with segment layout; what is found may not
        assert inc[q][0] == new[q][0]
        assert sorted(inc[q][1]) == sorted(new[q][1])
        assert [x[:2] for x in inc[q][2]] == [x[:2] for x in new[q][2]]
