"""The article view model: what the reader draws, computed without a terminal."""

from __future__ import annotations

from dataclasses import replace

from helpers_tags import bundled, bundled_corpus  # noqa: F401  (fixtures)

from index.library import Library
from index.tags import TagStore
from index.views import article_view

ART = "001_1a5c9ff20c0ee09c"


def test_article_view_has_marks_spans_suggestions_and_hits(bundled):  # noqa: F811
    lib = Library(bundled)
    article = lib.article(ART)
    store = TagStore.open(bundled, lib)
    store.add_passage(article, 10, ["corridor"])
    p5 = article.passage(5)
    store.add(article, p5.start + 4, p5.start + 40, ["treaty"])
    colour = {t.id: t.colour for t in bundled.topics}

    model = article_view(article, lib, store, "Lachin")

    assert model.problems == ()
    assert [p.n for p in model.passages] == [p.n for p in article.passages]
    assert model.passage(10).marks == (("Corridor", colour["corridor"]),)
    assert model.passage(5).spans == ((4, 40, colour["treaty"]),)
    assert model.passage(5).marks == (("Peace treaty", colour["treaty"]),)
    # hits: exactly the passages that name Lachin, each span on the word
    naming = [p.n for p in article.passages if "lachin" in p.text.casefold()]
    assert naming and model.hit_passages == naming
    for n in naming:
        p = model.passage(n)
        assert all(p.text[s:e].casefold() == "lachin" for s, e in p.hits)
    # suggestions: candidates from the topic queries, never a topic already tagged there
    assert model.suggested_passages
    assert ("Corridor", colour["corridor"]) not in model.passage(10).suggested


def test_article_view_without_an_index_keeps_the_marks_and_says_why(bundled, tmp_path):  # noqa: F811
    article = Library(bundled).article(ART)
    store = TagStore.open(bundled, {ART: article}.get)
    store.add_passage(article, 3, ["border"])
    no_index = Library(replace(bundled, index_dir=tmp_path / "no-index"))
    model = article_view(article, no_index, store, "Lachin")
    assert [label for label, _ in model.passage(3).marks] == ["Border"]
    assert model.hit_passages == [] and model.suggested_passages == []
    assert [p.split(":")[0] for p in model.problems] == ["suggestions", "hits"]
