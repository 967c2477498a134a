"""The fast scoring path (plain terms, AND, OR, expansions read straight from postings)
ranks and counts exactly as Whoosh's own matchers do, deletions and segments included."""

from __future__ import annotations

import pytest

from index.engine import update_index
from index.library import Library

QUERIES = [
    "Lachin",
    "peace AND treaty",  # Whoosh path
    "check* OR peace*",
    "peace agreement",
    "border OR corridor",
    "negot*",
    "Mirzoián~1",
    "checkpoint",
    "said",
    "zzzz",
]


def both(engine, q):
    engine.fast_path = True
    fast = engine.search(q, limit=15)
    engine.fast_path = False
    slow = engine.search(q, limit=15)
    return fast, slow


def assert_same(fast, slow):
    assert fast.total == slow.total and fast.total_articles == slow.total_articles
    assert [(p.pid, round(p.score, 6)) for p in fast.passages] == [
        (p.pid, round(p.score, 6)) for p in slow.passages
    ]
    assert [(a.id, a.hits) for a in fast.articles] == [(a.id, a.hits) for a in slow.articles]


@pytest.mark.parametrize("q", QUERIES)
def test_same_results_on_the_bundled_articles(bundled_settings, q):
    update_index(bundled_settings)
    assert_same(*both(Library(bundled_settings).engine, q))


def test_same_results_with_deletions_and_several_segments(make_corpus):
    files = {
        f"a{i:02}.txt": f"Title {i}\n\nThe checkpoint on the corridor, item {i}.\n\n"
        f"Peace treaty talks said {'again ' * (i % 4)}progress.\n"
        for i in range(40)
    }
    settings = make_corpus(files)
    update_index(settings)
    for i in range(0, 40, 3):  # changed articles: deleted documents, a new segment
        (settings.corpus / f"a{i:02}.txt").write_text(
            f"Title {i}\n\nA corridor checkpoint, rewritten {i}.\n", encoding="utf-8"
        )
    update_index(settings)
    engine = Library(settings).engine
    assert engine._searcher.reader().has_deletions() or len(engine._searcher.subsearchers or []) > 1
    for q in ["checkpoint", "corridor AND checkpoint", "peace OR rewritten", "check*", "said"]:
        fast, slow = both(engine, q)
        assert fast.total > 0
        assert_same(fast, slow)
