"""The compare view model: aligned pairs and their differing words, computed without a
terminal, spelling variants counting as the same word (issue 9)."""

from __future__ import annotations

from index.library import Library
from index.views_compare import compare_view

LEFT = (
    "Talks in Brussels\n\n"
    "Foreign Minister Ararat Mirzoyan said the border talks would continue next week.\n\n"
    "The weather in the capital was mild and the markets were calm on Thursday.\n"
)
RIGHT = (
    "Brussels talks\n\n"
    "Fishing quotas in the northern sea were discussed at length by another committee.\n\n"
    "Foreign Minister Ararat Mirzoian said the border talks would resume next week.\n"
)


def words_at(text: str, spans) -> list[str]:
    return [text[s:e] for s, e in spans]


def test_pairs_and_differing_words_on_both_sides(make_corpus):
    settings = make_corpus({"left.txt": LEFT, "right.txt": RIGHT})
    lib = Library(settings)
    lib.update()
    left, right = lib.article("left"), lib.article("right")

    model = compare_view(left, right, settings.variants)

    pair = model.pair("left", 1)
    assert pair is not None and pair.best.n == 2 and pair.best.score >= 0.2
    # Mirzoyan / Mirzoian is one spelling variant: only continue/resume differ
    assert words_at(left.passage(1).text, pair.here_diff) == ["continue"]
    assert words_at(right.passage(2).text, pair.there_diff) == ["resume"]
    back = model.pair("right", 2)
    assert back is not None and back.best.n == 1
    assert words_at(right.passage(2).text, back.here_diff) == ["resume"]
    # passages that report nothing in common have no pair
    assert model.pair("left", 2) is None and model.pair("right", 1) is None
    assert model.scores("left", 1)[2] == pair.best.score


def test_without_the_variants_the_spelling_differs(make_corpus):
    settings = make_corpus({"left.txt": LEFT, "right.txt": RIGHT})
    lib = Library(settings)
    lib.update()
    left = lib.article("left")
    model = compare_view(left, lib.article("right"), variants=())
    pair = model.pair("left", 1)
    assert words_at(left.passage(1).text, pair.here_diff) == ["Mirzoyan", "continue"]
