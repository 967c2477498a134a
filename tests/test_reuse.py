"""Shared text and stories: on the bundled articles, on generated corpora with planted
reuse and altered quotations, and across updates (only changed articles are read)."""

from __future__ import annotations

import importlib.util
import json
import shutil

import pytest
import yaml
from conftest import ARTICLES, CONFIG, REPO, settings_for

from index.indexfiles import check
from index.library import Library
from index.manifest import Manifest
from index.reuse_store import analyse, analysis_dir, cached
from tui.cli import main

SHARE_PASSAGE = "to share with their governments the perspective"


def bench():
    spec = importlib.util.spec_from_file_location("bench_reuse", REPO / "bench/bench_reuse.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_bundled_shared_paragraphs_cluster(bundled_library):
    reuse = analyse(bundled_library).reuse
    (cluster,) = [c for c in reuse.clusters if any(SHARE_PASSAGE in p.text for p in c.passages)]
    assert sorted(cluster.articles) == [
        "001_1a5c9ff20c0ee09c",
        "002_e536400ab8bce265",
        "004_bd0bc0e79d4348b1",
    ]
    assert cluster.first == "001_1a5c9ff20c0ee09c"  # dated May 4, id before 002's
    assert all(0 < p.shared_words <= p.words for p in cluster.passages)
    shared, total = reuse.articles["001_1a5c9ff20c0ee09c"]
    assert 0 < shared < total
    assert reuse.outlets["RFE/RL"] == reuse.articles["001_1a5c9ff20c0ee09c"]


def test_bundled_stories_follow_the_two_rounds_of_talks(bundled_library):
    stories = analyse(bundled_library).stories
    assert [s.articles for s in stories] == [
        ["001_1a5c9ff20c0ee09c", "002_e536400ab8bce265", "004_bd0bc0e79d4348b1"],
        ["000_0d42f3f6a94791ae", "003_408a409204c2d65a"],
    ]


def test_cli_reuse_json(bundled_library, capsys, tmp_path):
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    settings = bundled_library.settings
    data.update(corpus=str(ARTICLES), index=str(settings.index_dir), tags=str(tmp_path / "t.yaml"))
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["reuse", "--json", "--config", str(config)]) == 0
    out = json.loads(capsys.readouterr().out)["reuse"]
    cluster = next(
        c for c in out["clusters"] if any(SHARE_PASSAGE in p["text"] for p in c["passages"])
    )
    assert cluster["first"] == "001_1a5c9ff20c0ee09c"
    assert {p["id"].split("#")[0][:3] for p in cluster["passages"]} == {"001", "002", "004"}
    assert 0 < out["outlets"]["Europa Press"]["share"] < 1


def test_planted_reuse_and_quotes_are_found(tmp_path):
    b = bench()
    planted = b.plant_corpus(tmp_path / "corpus", 150, seed=3)
    lib = Library(settings_for(tmp_path / "corpus", tmp_path))
    lib.update()
    scores = b.score(analyse(lib), planted)
    assert scores["reuse_recall"] >= 0.9, scores
    assert scores["reuse_precision"] >= 0.9, scores
    assert scores["quote_recall"] >= 0.9, scores
    assert scores["quote_precision"] >= 0.9, scores
    assert scores["speaker_accuracy"] >= 0.9, scores


def test_an_update_reads_only_changed_articles_and_follows_them(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ARTICLES, corpus)
    lib = Library(settings_for(corpus, tmp_path))
    lib.update()
    first = analyse(lib)
    assert first.read == 5
    assert cached(lib.settings) is not None
    # the analysis lives beside the index: the index's own checksums still hold
    assert analysis_dir(lib.settings) != lib.settings.index_dir
    assert check(lib.settings.index_dir, Manifest.load(lib.settings.index_dir).files) is None
    path = corpus / "004_bd0bc0e79d4348b1.txt"
    text = path.read_text(encoding="utf-8")
    para = next(line for line in text.splitlines() if "I have proposed" in line)
    path.write_text(text.replace(para, "Nothing was said about the talks."), encoding="utf-8")
    lib.update()
    assert cached(lib.settings) is None  # stale: the corpus changed
    second = analyse(lib)
    assert second.read == 1
    (cluster,) = [
        c for c in second.reuse.clusters if any(SHARE_PASSAGE in p.text for p in c.passages)
    ]
    assert sorted(cluster.articles) == ["001_1a5c9ff20c0ee09c", "002_e536400ab8bce265"]
    (group,) = [g for g in second.quotes if SHARE_PASSAGE in g.variants[0].quote.text]
    assert sorted(group.articles) == ["001_1a5c9ff20c0ee09c", "002_e536400ab8bce265"]
    unchanged = [g.articles for g in first.quotes if "004_bd0bc0e79d4348b1" not in g.articles]
    assert unchanged == [g.articles for g in second.quotes if g.articles in unchanged]
    (corpus / "002_e536400ab8bce265.txt").unlink()
    lib.update()
    third = analyse(lib)
    assert third.read == 0
    assert all("002_e536400ab8bce265" not in c.articles for c in third.reuse.clusters)
    # what the updates made is what a whole analysis makes
    shutil.rmtree(analysis_dir(lib.settings))
    whole = analyse(lib)
    assert whole.read == 4
    assert whole.reuse.clusters == third.reuse.clusters
    assert whole.reuse.articles == third.reuse.articles
    assert whole.all_quotes == third.all_quotes


def test_a_damaged_analysis_cache_is_made_again(tmp_path):
    lib = Library(settings_for(ARTICLES, tmp_path))
    lib.update()
    analyse(lib)
    for f in analysis_dir(lib.settings).iterdir():
        f.write_bytes(b"not a pickle")
    again = analyse(lib)
    assert again.read == 5
    assert again.quotes


def test_a_result_stored_in_an_earlier_format_is_made_again_from_the_features(tmp_path):
    """A result pickled by an earlier version (its clusters as objects, its links
    inside) is not read as this one's: the result is made again from the stored
    features, without reading the articles again, and gives what it gave."""
    import pickle

    from index.reuse_store import RESULT, VERSION

    lib = Library(settings_for(ARTICLES, tmp_path))
    lib.update()
    first = analyse(lib)
    path = analysis_dir(lib.settings) / RESULT
    with open(path, "rb") as f:
        head, body = pickle.load(f), pickle.load(f)
    del head["format"]
    assert head["version"] == VERSION
    with open(path, "wb") as f:
        pickle.dump(head, f)
        pickle.dump(body, f)
    assert cached(lib.settings) is None
    again = analyse(lib)
    assert again.read == 0  # (from the features)
    _same_analysis(again, first)
    assert cached(lib.settings) is not None


def test_the_stored_result_is_read_without_the_links_an_update_starts_from(tmp_path):
    """What the reader loads leaves out the links an update starts from (the update
    tests below read them back)."""
    settings = settings_for(ARTICLES, tmp_path)
    lib = Library(settings)
    lib.update()
    whole = analyse(lib)
    assert whole.reuse.links and whole.quote_links
    shown = cached(settings)
    assert shown.reuse.clusters == whole.reuse.clusters
    assert shown.reuse.links == [] and shown.quote_links == []


def test_a_result_stored_in_pieces_reads_back_whole(tmp_path, monkeypatch):
    """Clusters and quotation groups are stored in pieces (one pickle of them all froze
    the reader 2.4 s at 100k articles): what is read back, by the reader and by an
    update, is every one of them, in order."""
    from index import reuse_store

    monkeypatch.setattr(reuse_store, "PIECE", 2)
    corpus = tmp_path / "corpus"
    shutil.copytree(ARTICLES, corpus)
    settings = settings_for(corpus, tmp_path)
    lib = Library(settings)
    lib.update()
    whole = analyse(lib)
    assert len(whole.reuse.clusters) > 4 and len(whole.all_quotes) > 4  # several pieces
    shown = cached(settings)
    assert shown.reuse.clusters == whole.reuse.clusters
    assert shown.all_quotes == whole.all_quotes
    assert shown.quotes == whole.quotes
    changed = corpus / "000_0d42f3f6a94791ae.txt"
    changed.write_text(changed.read_text(encoding="utf-8") + "\nOne more line.\n", "utf-8")
    lib.update()
    update = analyse(lib)  # from the stored pieces and the links after them
    assert update.read == 1
    shutil.rmtree(analysis_dir(settings))
    _same_analysis(update, analyse(lib))


def test_loading_the_stored_result_says_so_piece_by_piece_and_stops_when_asked(
    tmp_path, monkeypatch
):
    """The reader quitting while the stored result loads (seconds at 100k articles)
    stops it between two pieces."""
    from index import reuse_store
    from index.errors import StopAsked

    monkeypatch.setattr(reuse_store, "PIECE", 2)
    lib = Library(settings_for(ARTICLES, tmp_path))
    lib.update()
    whole = analyse(lib)
    told: list[tuple[int, int, str]] = []
    assert analyse(lib, lambda *said: told.append(said)).reuse.clusters == whole.reuse.clusters
    pieces = -(-len(whole.reuse.clusters) // 2) + -(-len(whole.all_quotes) // 2)
    assert told == [(n, pieces, "loading shared text and quotations") for n in range(1, pieces + 1)]

    def stop_after_two(done: int, total: int, label: str) -> None:
        if done == 2:
            raise StopAsked

    with pytest.raises(StopAsked):
        analyse(lib, stop_after_two)


def test_a_pool_that_cannot_start_reads_in_one_process(tmp_path, monkeypatch):
    """Worker processes that cannot be started (the reader's replaced stderr once made
    every submit fail) cost only the head start: the articles are read here."""
    import concurrent.futures

    from index import reuse_store

    def refuse(self, *a, **kw):
        raise ValueError("bad value(s) in fds_to_keep")

    monkeypatch.setattr(reuse_store, "PARALLEL_MIN", 1)
    monkeypatch.setattr(reuse_store.os, "cpu_count", lambda: 2)
    monkeypatch.setattr(concurrent.futures.ProcessPoolExecutor, "submit", refuse)
    lib = Library(settings_for(ARTICLES, tmp_path))
    lib.update()
    result = analyse(lib)
    assert result.read == 5 and result.reuse.clusters


def _same_analysis(update, whole) -> None:
    assert update.reuse.clusters == whole.reuse.clusters
    assert update.reuse.articles == whole.reuse.articles
    assert update.reuse.outlets == whole.reuse.outlets
    assert update.reuse.passages == whole.reuse.passages
    assert update.all_quotes == whole.all_quotes
    assert update.stories == whole.stories


def _edit_corpus(corpus, rng, round_no: int) -> None:
    """Change, remove and add articles: paragraphs copied between articles (new shared
    text and quotations), shared paragraphs dropped (clusters split)."""
    files = sorted(corpus.glob("*.md"))
    paragraphs = {f: f.read_text(encoding="utf-8").split("\n\n") for f in files}
    for f in rng.sample(files, 12):
        head, *paras = paragraphs[f]
        action = rng.randrange(3)
        if action == 0 and len(paras) > 1:  # drop a paragraph
            del paras[rng.randrange(len(paras))]
        elif action == 1:  # carry a paragraph (text or quotation) of another article
            donor = paragraphs[rng.choice(files)][1:]
            paras.insert(rng.randrange(len(paras) + 1), rng.choice(donor).strip())
        else:
            f.unlink()
            continue
        f.write_text("\n\n".join([head, *paras]) + "\n", encoding="utf-8")
    for k in range(4):
        donors = [paragraphs[f][1:] for f in rng.sample(files, 2)]
        paras = [rng.choice(d).strip() for d in donors]
        (corpus / f"new{round_no}_{k}.md").write_text(
            f"---\ntitle: New {k}\nsource: Outlet {k}\ndate: 1997-05-{20 + k:02d}\n---\n"
            + "\n\n".join(paras),
            encoding="utf-8",
        )


def test_updates_give_what_a_whole_analysis_gives(tmp_path):
    import random

    corpus = tmp_path / "corpus"
    bench().plant_corpus(corpus, 240, seed=5)
    lib = Library(settings_for(corpus, tmp_path))
    lib.update()
    analyse(lib)
    folder = analysis_dir(lib.settings)
    rng = random.Random(11)
    for round_no in range(3):  # each update starts from the last: changes pile up
        _edit_corpus(corpus, rng, round_no)
        lib.update()
        update = analyse(lib)
        assert 0 < update.read <= 16  # only what changed was read
        folder.rename(tmp_path / "updated")
        whole = analyse(lib)
        assert whole.read == len(lib.infos)
        _same_analysis(update, whole)
        shutil.rmtree(folder)
        (tmp_path / "updated").rename(folder)
