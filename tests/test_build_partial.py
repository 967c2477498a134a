"""A first build is searchable while it runs: each committed part of the index can be
searched, the result says how much of the corpus it covers, and the finished index is
the whole (no sleeps: the build is paused in its own callback)."""

from __future__ import annotations

import itertools
import shutil
import threading

from index import build_finish, scan
from index.build import update_index
from index.engine import segments
from index.library import Library
from index.manifest import PARTIAL, Manifest
from index.search import SearchEngine
from tui import indexer

ARTICLES = 40


def _corpus(make_corpus):
    files = {}
    for i in range(ARTICLES):
        body = "\n\n".join(
            f"Paragraph {k} of report {i}: the harbour authority met the ferry company."
            for k in range(3)
        )
        files[f"{i:03d}.md"] = f'---\ntitle: "Harbour report {i}"\ndate: 2024-01-01\n---\n{body}\n'
    return make_corpus(files)


def test_search_during_a_first_build_sees_the_part_indexed_so_far(make_corpus, monkeypatch):
    settings = _corpus(make_corpus)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)  # three articles a part
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 30)  # then ten
    seen: list[tuple] = []

    def searched_midway(indexed: int, expected: int) -> None:
        engine = SearchEngine(settings)
        result = engine.search("harbour", limit=5)
        titles = {a.title for a in result.articles}
        seen.append((indexed, expected, result.total, result.partial, titles))
        engine.close()

    report = update_index(settings, on_partial=searched_midway)

    assert report.rebuilt and report.articles == ARTICLES
    assert len(seen) >= 3
    first = seen[0]
    assert first[0] == 3 and first[1] == ARTICLES
    assert first[2] == 3 * 3  # every passage of the three articles, none of the others
    assert first[3] == (3, ARTICLES)
    assert first[4] == {"Harbour report 0", "Harbour report 1", "Harbour report 2"}
    indexed = [s[0] for s in seen]
    assert indexed == sorted(indexed) and indexed[-1] == ARTICLES
    assert all(s[2] == 3 * s[0] for s in seen)  # grows with the part indexed

    done = Library(settings).engine.search("harbour", limit=5)
    assert done.total == 3 * ARTICLES and done.partial is None
    assert not (settings.index_dir / PARTIAL).exists()
    assert Manifest.load(settings.index_dir) is not None


def test_a_rebuild_beside_an_index_keeps_the_whole_one_searchable(make_corpus, monkeypatch):
    """An index that exists is searched whole while its rebuild is written beside it:
    no partial results then."""
    settings = _corpus(make_corpus)
    update_index(settings)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)
    calls: list = []
    update_index(settings, rebuild=True, on_partial=lambda *a: calls.append(a))
    assert calls == []
    result = Library(settings).engine.search("harbour")
    assert result.total == 3 * ARTICLES and result.partial is None


def test_a_first_build_names_its_phase_before_any_file_is_indexed(make_corpus, monkeypatch):
    """Listing a large folder takes seconds: the reader is told the build is listing
    files, and how many it has looked at, before the first file is read."""
    settings = _corpus(make_corpus)
    monkeypatch.setattr(scan, "LISTED_EVERY", 10)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)
    events: list[tuple] = []
    update_index(
        settings,
        progress=lambda done, total, label: events.append(("progress", label)),
        on_partial=lambda indexed, expected: events.append(("partial", indexed)),
    )
    first_partial = events.index(("partial", 3))
    labels = [e[1] for e in events[:first_partial] if e[0] == "progress"]
    assert labels[:5] == [
        "listing files",
        "listing files (10)",
        "listing files (20)",
        "listing files (30)",
        "listing files (40)",
    ]
    assert not any(label.startswith("listing") for label in labels[5:])


def test_a_segment_written_in_the_build_process_reports_while_it_is_written(
    make_corpus, monkeypatch
):
    """The first part is written in the build's own process: its progress goes on
    while it is written, not only once it is searchable."""
    settings = _corpus(make_corpus)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)
    monkeypatch.setattr(segments, "TICK_ARTICLES", 1)
    events: list[tuple] = []
    update_index(
        settings,
        progress=lambda done, total, label: events.append(("progress", label, done, total)),
        on_partial=lambda indexed, expected: events.append(("partial", indexed)),
    )
    first_partial = events.index(("partial", 3))
    writing = [e for e in events[:first_partial] if e[1] == "writing passages"]
    assert len(writing) >= 3  # one a written article of the three in the first part
    assert all(e[2:] == (0, 9) for e in writing)  # none searchable yet, nine fed


def test_the_indexer_process_says_a_waiting_phase_once_a_second():
    """While the build waits for a writer process its count does not move; the reader
    still gets a line a second (it would otherwise look stuck), and no more."""
    clock = [100.0]
    said: list[tuple[float, list]] = []
    throttle = indexer.Throttle(
        lambda **line: said.append((clock[0], line["progress"])), clock=lambda: clock[0]
    )
    for _ in range(5):  # many reports at one instant: one line
        throttle(500, 30000, "writing passages")
    assert len(said) == 1
    for _ in range(20):  # ten seconds of waiting, told every half second
        clock[0] += 0.5
        throttle(500, 30000, "writing passages")
    times = [t for t, _ in said]
    assert len(said) == 11
    assert max(b - a for a, b in itertools.pairwise(times)) <= 1.0
    assert all(p == [500, 30000, "writing passages"] for _, p in said)


def test_a_part_being_noted_while_the_reader_reads_is_left_for_the_next_time(
    make_corpus, monkeypatch
):
    """The build appends each part to partial.json while the reader may read it: a
    line caught half-written is not an error, the parts before it are searchable."""
    settings = _corpus(make_corpus)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 30)
    caught: list = []

    def read_mid_append(indexed: int, expected: int) -> None:
        note = settings.index_dir / PARTIAL
        whole = note.read_bytes()
        if indexed == 13:  # the second part: cut its line in half, as a reader may see it
            note.write_bytes(whole[: len(whole) - len(whole.splitlines()[-1]) // 2])
            caught.append(Manifest.load_partial(settings.index_dir))
            note.write_bytes(whole)
        caught.append(Manifest.load_partial(settings.index_dir))

    update_index(settings, on_partial=read_mid_append)
    torn, second = caught[1], caught[2]
    assert torn.partial == (3, ARTICLES) and len(torn.infos()) == 3
    assert second.partial == (13, ARTICLES)
    assert sorted(i.title for i in second.infos())[:2] == ["Harbour report 0", "Harbour report 1"]
    assert len(second.infos()) == 13


def test_a_step_that_cannot_count_is_reported_while_it_runs(make_corpus, monkeypatch):
    """Finding duplicates (like counting repeated lines and saving) takes seconds on a
    large corpus and has no count to report: the build says it again while it runs.
    The step here waits until it has been reported twice more; without those reports
    it would give up and the build would fail."""
    settings = _corpus(make_corpus)
    said_again = threading.Event()
    reports: list[str] = []

    def progress(done: int, total: int, label: str) -> None:
        reports.append(label)
        if reports.count("finding duplicates") >= 3:
            said_again.set()

    real_groups = build_finish.duplicate_groups

    def slow_groups(prints):
        assert said_again.wait(timeout=10), "not reported while it ran"
        return real_groups(prints)

    monkeypatch.setattr(build_finish, "duplicate_groups", slow_groups)
    report = update_index(settings, progress=progress)
    assert report.articles == ARTICLES
    assert reports[-1] != "finding duplicates"  # the phases after it were named too
    assert "saving the manifest" in reports


def _stop_after(parts_indexed: int):
    def on_partial(indexed: int, _expected: int) -> None:
        if indexed >= parts_indexed:
            raise KeyboardInterrupt  # the reader closed, or Ctrl-C on `dossier index`

    return on_partial


def _stopped_first_build(make_corpus, monkeypatch, settings=None):
    if settings is None:
        settings = _corpus(make_corpus)
    shutil.rmtree(settings.index_dir, ignore_errors=True)
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 9)  # three articles a part
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 30)  # then ten
    try:
        update_index(settings, on_partial=_stop_after(13))
    except KeyboardInterrupt:
        pass
    else:
        raise AssertionError("the build was not stopped")
    return settings


def test_a_first_build_stopped_midway_is_continued_not_started_over(make_corpus, monkeypatch):
    """Closing the reader (or Ctrl-C) during a first build keeps the parts it indexed:
    they are searchable at once, and the next start indexes only the rest."""
    settings = _stopped_first_build(make_corpus, monkeypatch)
    meanwhile = SearchEngine(settings).search("harbour")
    assert meanwhile.partial == (13, ARTICLES) and meanwhile.total == 3 * 13

    seen: list[int] = []
    report = update_index(settings, on_partial=lambda indexed, _n: seen.append(indexed))
    assert "continuing the first build (13 articles" in report.reason
    assert report.added == ARTICLES - 13  # the 13 were not indexed again
    assert seen[:2] == [13, 13 + 3] and seen[-1] == ARTICLES  # counts go on from there
    done = Library(settings).engine.search("harbour")
    assert done.total == 3 * ARTICLES and done.partial is None  # each passage once
    assert report.articles == ARTICLES and not (settings.index_dir / PARTIAL).exists()


def test_a_stopped_first_build_is_started_over_when_it_cannot_be_trusted(make_corpus, monkeypatch):
    """A part committed but not yet noted when the build stopped, or an article changed
    since it was indexed: the build starts over rather than index a passage twice."""
    settings = _stopped_first_build(make_corpus, monkeypatch)
    note = settings.index_dir / PARTIAL
    note.write_text("".join(note.read_text().splitlines(keepends=True)[:-1]))
    report = update_index(settings)
    assert "continuing" not in (report.reason or "") and report.added == ARTICLES
    assert Library(settings).engine.search("harbour").total == 3 * ARTICLES

    settings = _stopped_first_build(make_corpus, monkeypatch, settings)
    path = settings.corpus / "000.md"
    path.write_text(path.read_text() + "\nA harbour line added since.\n")
    report = update_index(settings)
    assert "continuing" not in (report.reason or "") and report.added == ARTICLES
    assert Library(settings).engine.search("harbour").total == 3 * ARTICLES + 1
