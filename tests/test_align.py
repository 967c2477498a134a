"""Passage alignment and word diff (index/align.py, index/worddiff.py) and `dossier compare`."""

from __future__ import annotations

import itertools
import json
import random
import re
import shutil
import time
from pathlib import Path

import pytest

from index.align import Alignment, Match, align, similarity, word_diff
from index.config import load_settings
from index.corpus import load_corpus
from index.model import Article, Passage
from index.text import variant_map

ROOT = Path(__file__).parents[1]
STATEMENT = "to share with their governments the perspective that"
MAY_ARTICLES = ("001", "002", "004")


@pytest.fixture(scope="module")
def settings():
    return load_settings(ROOT / "config.yaml")


@pytest.fixture(scope="module")
def variants(settings):
    return variant_map(settings.variants)


@pytest.fixture(scope="module")
def articles(settings) -> dict[str, Article]:
    found, _ = load_corpus(settings)
    return {a.id[:3]: a for a in found}


def statement_passage(article: Article) -> int:
    """The passage that reports Blinken's 'within reach' statement."""
    hits = [p.n for p in article.passages if STATEMENT in p.text]
    assert len(hits) == 1, (article.id, hits)
    return hits[0]


def test_api_shapes(articles, variants):
    al = align(articles["001"], articles["002"], variants)
    assert isinstance(al, Alignment)
    assert (al.left_id, al.right_id) == (articles["001"].id, articles["002"].id)
    assert al.pairs and all(len(p) == 3 for p in al.pairs)
    scores = [s for _, _, s in al.pairs]
    assert scores == sorted(scores, reverse=True)
    assert all(0.2 <= s <= 1.0 for s in scores)
    m = al.matches("left", statement_passage(articles["001"]))
    assert m and isinstance(m[0], Match)
    with pytest.raises(ValueError):
        al.matches("middle", 1)
    with pytest.raises(AttributeError):  # frozen
        m[0].score = 0.0  # type: ignore[misc]


@pytest.mark.parametrize("left_key,right_key", list(itertools.permutations(MAY_ARTICLES, 2)))
def test_statement_passages_align_above_everything_else(articles, variants, left_key, right_key):
    left, right = articles[left_key], articles[right_key]
    ln, rn = statement_passage(left), statement_passage(right)
    al = align(left, right, variants, threshold=0.0)  # every scored pair
    best_l = al.matches("left", ln, limit=1)
    best_r = al.matches("right", rn, limit=1)
    assert best_l[0].n == rn and best_r[0].n == ln
    good = best_l[0].score
    assert best_r[0].score == good
    others = [m.score for m in al.matches("left", ln, limit=100) if m.n != rn]
    others += [m.score for m in al.matches("right", rn, limit=100) if m.n != ln]
    assert good > max(others, default=0.0)
    # and a clear margin, not a tie broken by luck
    assert good - max(others, default=0.0) > 0.15
    # with the default threshold the pair is among the CLI's pairs
    assert (ln, rn, good) in align(left, right, variants).pairs


def test_alignment_is_symmetric(articles, variants):
    a, b = articles["001"], articles["004"]
    ab, ba = align(a, b, variants), align(b, a, variants)
    assert sorted(ab.pairs) == sorted((r, left, s) for left, r, s in ba.pairs)
    for p in a.passages:
        assert ab.matches("left", p.n, 10) == ba.matches("right", p.n, 10)


def test_matches_limit_and_order(articles, variants):
    al = align(articles["002"], articles["004"], variants, threshold=0.0)
    for p in articles["002"].passages:
        got = al.matches("left", p.n, limit=2)
        assert len(got) <= 2
        assert [m.score for m in got] == sorted((m.score for m in got), reverse=True)
    assert al.matches("left", 999) == []


def test_identical_text_scores_one_and_unrelated_zero():
    text = "Azerbaijan installed a road checkpoint at the start of the Lachin Corridor."
    assert similarity(text, text) == pytest.approx(1.0)
    assert similarity(text, "Tens of thousands were killed in the wars.") == 0.0


def test_word_diff_marks_compromise_and_commitment(articles, variants):
    a = articles["001"].passage(statement_passage(articles["001"])).text
    b = articles["004"].passage(statement_passage(articles["004"])).text
    left, right = word_diff(a, b, variants)
    lw = [a[s:e] for s, e in left]
    rw = [b[s:e] for s, e in right]
    assert "compromise" in lw and "an" in lw
    assert "commitment" in rw and "the" in rw
    for same in ("goodwill", "flexibility", "agreement", "reach", "perspective"):
        assert same not in lw and same not in rw
    # spans are words, in order, not overlapping
    for text, spans in ((a, left), (b, right)):
        assert spans == sorted(spans)
        assert all(e1 <= s2 for (_, e1), (s2, _) in itertools.pairwise(spans))
        assert all(re.fullmatch(r"\w+(?:['’.]\w+)*", text[s:e]) for s, e in spans)


def test_word_diff_quote_pair_between_001_and_002(articles, variants):
    a = articles["001"].passage(statement_passage(articles["001"])).text
    b = articles["002"].passage(statement_passage(articles["002"])).text
    left, right = word_diff(a, b, variants)
    # the quote is the same; only the reporting words around it differ
    assert [a[s:e] for s, e in left] == ["that"]
    assert [b[s:e] for s, e in right] == ["said", "he", "had", "two"]


def test_word_diff_identical_and_cosmetic():
    text = "He said, “an agreement is within reach.”"
    assert word_diff(text, text) == ([], [])
    # case, accents, quotes and punctuation are not differences
    assert word_diff("Lachín corridor, “closed”", 'lachin Corridor "closed".') == ([], [])
    assert word_diff("", "") == ([], [])
    assert word_diff("", "new words") == ([], [(0, 3), (4, 9)])


def test_word_diff_uses_spelling_variants(variants):
    assert word_diff("Mirzoyan said", "Mirzoian said", variants) == ([], [])
    assert word_diff("Mirzoyan said", "Mirzoian said") == ([(0, 8)], [(0, 8)])


# --- long generated articles ------------------------------------------------------------

SWAPS = {
    "said": "stated",
    "talks": "negotiations",
    "ministers": "diplomats",
    "agreement": "accord",
    "Armenia": "ARMENIA",
}


def _article(aid: str, texts: list[str]) -> Article:
    passages, pos = [], 0
    for n, t in enumerate(texts, 1):
        passages.append(Passage(aid, n, pos, pos + len(t), t))
        pos += len(t) + 2
    return Article(id=aid, path="", text="\n\n".join(texts), title=aid, passages=passages)


def _sentences(articles: dict[str, Article]) -> list[str]:
    out = []
    for a in articles.values():
        for p in a.passages:
            out += [
                s for s in re.split(r'(?<=[.!?;:”"])\s+(?=[“"A-Z])', p.text) if len(s.split()) >= 3
            ]
    return out + [a.title for a in articles.values()]


def _reword(text: str, rng: random.Random) -> str:
    ws = text.split()
    del ws[rng.randrange(len(ws))]
    return " ".join(SWAPS.get(w, w) for w in ws)


def test_long_generated_articles_align(articles, variants):
    sents = _sentences(articles)
    assert len(sents) >= 100
    rng = random.Random(1)
    order = list(range(len(sents)))
    rng.shuffle(order)
    left = _article("L", sents)
    right = _article("R", [_reword(sents[k], rng) for k in order])
    where = {k: pos + 1 for pos, k in enumerate(order)}  # left index -> right n
    t0 = time.perf_counter()
    al = align(left, right, variants)
    elapsed = time.perf_counter() - t0
    for i in range(len(sents)):
        best = al.matches("left", i + 1, 1)
        assert best and best[0].n == where[i], (sents[i], best)
    for ln, rn, _ in al.pairs[: len(sents) // 2]:
        assert where[ln - 1] == rn
    assert elapsed < 1.0  # the budget is 200 ms; this only catches a blow-up


def test_empty_and_wordless_passages(variants):
    a = _article("A", ["…", "Azerbaijan installed a road checkpoint."])
    b = _article("B", ["", "A road checkpoint installed by Azerbaijan."])
    al = align(a, b, variants)
    assert al.matches("left", 1) == [] and al.matches("right", 1) == []
    assert al.pairs and al.pairs[0][:2] == (2, 2)
    assert align(_article("E", []), b).pairs == []


# --- CLI ---------------------------------------------------------------------------------


@pytest.fixture
def corpus_config(tmp_path) -> Path:
    shutil.copytree(ROOT / "articles", tmp_path / "articles")
    shutil.copy(ROOT / "config.yaml", tmp_path / "config.yaml")
    return tmp_path / "config.yaml"


def _run(argv: list[str]) -> int:
    from tui.cli import main

    return main(argv)


def test_cli_compare_json(corpus_config, capsys, articles):
    assert _run(["--config", str(corpus_config), "compare", "001", "004", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"left", "right", "threshold", "pairs"}
    assert data["left"]["id"].startswith("001_") and data["right"]["id"].startswith("004_")
    assert data["left"]["passages"] == len(articles["001"].passages)
    first = data["pairs"][0]
    assert set(first) >= {
        "left",
        "right",
        "score",
        "left_id",
        "right_id",
        "left_text",
        "right_text",
        "left_diff",
        "right_diff",
        "left_words",
        "right_words",
    }
    assert STATEMENT in first["left_text"] and STATEMENT in first["right_text"]
    assert "compromise" in first["left_words"] and "commitment" in first["right_words"]
    for s, e in first["left_diff"]:
        assert first["left_text"][s:e] in first["left_words"]
    scores = [p["score"] for p in data["pairs"]]
    assert scores == sorted(scores, reverse=True) and min(scores) >= 0.2


def test_cli_compare_text(corpus_config, capsys, articles):
    assert _run(["--config", str(corpus_config), "compare", "001", "002"]) == 0
    out = capsys.readouterr().out
    assert "aligned pairs" in out
    ln, rn = statement_passage(articles["001"]), statement_passage(articles["002"])
    assert re.search(rf"^#{ln} ↔ #{rn}  score 0\.\d\d$", out, re.M)
    assert "differs: that  |  said he had two" in out
    assert "\x1b" not in out  # not a terminal: no colour codes
