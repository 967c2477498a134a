"""The end of a rebuild: its parts are checksummed while the writers finish the last
ones, and the record saved is that of the finished files."""

from __future__ import annotations

from index import indexfiles
from index.build import update_index
from index.engine import segments
from index.indexfiles import check, record
from index.manifest import Manifest


def _corpus(make_corpus):
    files = {
        f"{i:03d}.md": f'---\ntitle: "Harbour report {i}"\n---\n'
        + "\n\n".join(f"Paragraph {k} of report {i}: the ferry sailed." for k in range(3))
        + "\n"
        for i in range(30)
    }
    return make_corpus(files)


def test_a_rebuilds_checksums_are_those_of_its_finished_files(make_corpus, monkeypatch):
    settings = _corpus(make_corpus)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 20)  # several parts
    update_index(settings, rebuild=True)
    manifest = Manifest.load(settings.index_dir)
    assert set(manifest.files) == set(record(settings.index_dir))
    assert check(settings.index_dir, manifest.files, full=True) is None
    assert not update_index(settings).rebuilt  # the index is trusted as it is


def test_a_file_removed_while_the_index_is_checksummed_is_left_out(tmp_path, monkeypatch):
    (tmp_path / "a.seg").write_bytes(b"a")
    (tmp_path / "b.seg").write_bytes(b"b")
    digest = indexfiles._digest

    def removing(path):
        for other in ("a.seg", "b.seg"):  # the other one goes while this one is read
            if path.name != other:
                (tmp_path / other).unlink(missing_ok=True)
        return digest(path)

    monkeypatch.setattr(indexfiles, "_digest", removing)
    assert len(record(tmp_path)) == 1


def test_an_article_held_for_the_count_and_gone_meanwhile_is_left_out(make_corpus, monkeypatch):
    """A rebuild indexes the articles with lines the corpus may repeat once every file
    is counted; one whose file went in the meantime is reported and left out (not
    listed without passages), and the next update has nothing to mend."""
    from index import build_finish
    from index.search import SearchEngine

    files = {  # no figures: a line near figures is a table's, never furniture
        f"a{i}.txt": f"Headline {c} of the day\n\nThe ferry {c}x sailed.\n\nMost watched videos\n"
        for i, c in enumerate("pqr")
    }
    settings = make_corpus(files)
    read_again = build_finish.prepare_file

    def gone(src, *args):
        if src.id == "a1":
            (settings.corpus / "a1.txt").unlink()
        return read_again(src, *args)

    monkeypatch.setattr(build_finish, "prepare_file", gone)
    report = update_index(settings, rebuild=True)
    assert report.articles == 2 and report.added == 2
    assert any(w.startswith("a1:") for w in report.warnings)
    manifest = Manifest.load(settings.index_dir)
    assert set(manifest.articles) == {"a0", "a2"} and "a1" in manifest.skipped
    engine = SearchEngine(settings)
    assert engine.search("qx").total == 0 and engine.search("rx").total == 1
    assert engine.search("videos").total == 0  # repeated in 3 articles when counted
    monkeypatch.undo()
    again = update_index(settings)
    assert not again.rebuilt and again.removed == 0 and again.articles == 2
