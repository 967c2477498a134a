"""The Tags screen's summary and article × topic matrix, computed without a terminal."""

from __future__ import annotations

from conftest import app_settings

from index.library import Library
from index.tags import TagStore
from index.tags.evidence import rows
from index.views_tags import tag_matrix, tags_summary

A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"


def test_summary_and_matrix_count_tags_per_article_and_topic(tmp_path):
    settings = app_settings(tmp_path)
    lib = Library(settings)
    store = TagStore.open(settings, lib)
    a0, a1 = lib.article(A0), lib.article(A1)
    store.add_passage(a1, 10, ["corridor"])
    p = a1.passage(5)
    store.add(a1, p.start, p.start + 30, ["treaty"])
    store.add_passage(a0, 2, ["border", "treaty"])
    evidence = rows(store, lib.infos, settings)

    summary = tags_summary(evidence, settings)
    assert (summary.entries, summary.orphans) == (3, 0)
    order = [t.id for t in settings.topics]
    assert [t for t, _ in summary.per_topic] == [t for t in order if t in dict(summary.per_topic)]
    assert dict(summary.per_topic) == {"corridor": 1, "treaty": 2, "border": 1}

    topics = tuple(order)
    matrix = tag_matrix(evidence, topics)
    by_article = {r.article: r for r in matrix.rows}
    assert set(by_article) == {A0, A1}
    assert by_article[A0].counts[topics.index("border")] == 1
    assert by_article[A0].counts[topics.index("treaty")] == 1 and by_article[A0].total == 2
    assert by_article[A1].counts[topics.index("corridor")] == 1 and by_article[A1].total == 2
    assert by_article[A1].title == lib.infos[A1].title
    assert sum(matrix.column_totals()) == len(evidence) == 4
    # oldest article first
    dates = [lib.infos[r.article].date or "" for r in matrix.rows]
    assert dates == sorted(dates)
    # a filter (one topic) counts only its rows
    only = tag_matrix([r for r in evidence if r["topic"] == "treaty"], topics)
    assert sum(r.total for r in only.rows) == 2
