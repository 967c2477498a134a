"""A first build is searchable while it runs: each committed part of the index can be
searched, the result says how much of the corpus it covers, and the finished index is
the whole (no sleeps: the build is paused in its own callback)."""

from __future__ import annotations

from index.build import update_index
from index.engine import segments
from index.library import Library
from index.manifest import PARTIAL, Manifest
from index.search import SearchEngine

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
