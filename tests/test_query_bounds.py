"""Any query text is answered quickly with a message, never a traceback: the parser's
own failures, deep brackets, pasted pages, long phrases (issue 13 items 3 and 7)."""

from __future__ import annotations

import pytest
from conftest import ARTICLES, CONFIG

from index import query as q
from index import querymodel as qm
from tui.cli import main


@pytest.fixture(scope="module")
def engine(bundled_library):
    return bundled_library.engine


def test_not_not_is_read_not_a_crash(engine):
    r = engine.search("NOT NOT border")
    assert "NOT NOT" in r.message
    assert r.total == engine.search("border").total > 0


def test_a_thousand_brackets_are_read_to_a_depth(engine):
    r = engine.search("(" * 900 + "Lachin")
    assert r.total == 4
    assert "brackets nest 900 deep" in r.message
    assert r.reading.count("(") == q.MAX_DEPTH


def test_a_pasted_page_is_cut_with_a_message(engine):
    text = " ".join(f"word{i} Lachin" for i in range(8000))  # ~100k characters
    r = engine.search(text)
    assert f"{len(text):,} characters" in r.message
    assert len(r.reading) <= q.MAX_CHARS
    assert not r.reading.endswith("word")  # cut between words


def test_clauses_are_capped(engine):
    text = "Lachin OR " + " OR ".join(["zz"] * 149)
    r = engine.search(text)
    assert f"the query has 150 terms; searched the first {q.MAX_CLAUSES}" in r.message
    assert r.total == 4


def test_a_long_phrase_is_cut_and_a_normal_one_kept(engine):
    r = engine.search('"' + " ".join(["war"] * 200) + '"')
    assert f"a phrase of 200 words; searched its first {q.MAX_PHRASE_WORDS}" in r.message
    parsed = engine.parse('"' + " ".join(["peace"] * 3000) + '"')
    phrases = q.query_phrases(parsed.query)
    assert phrases and len(phrases[0][1]) == q.MAX_PHRASE_WORDS
    # a phrase within the cap is searched whole
    assert engine.search('"within reach"').total > 0
    assert not engine.search('"within reach"').message


def test_a_phrase_on_a_field_without_positions_searches_its_words(engine):
    r = engine.search('exact:"peace treaty"')
    assert "cannot search phrases" in r.message
    assert r.total == engine.search("exact:peace AND exact:treaty").total > 0


def test_a_short_word_gets_fewer_fuzzy_edits(engine):
    r = engine.search("mu~2")
    assert "'mu~2': a word of 2 letters allows 0 edits" in r.message
    assert engine.search("Lachin~2").total >= 4  # a long word keeps what it asked for
    assert not engine.search("Lachin~2").message


def test_wide_expansions_are_bounded(engine):
    r = engine.search("[a TO]")  # every word from 'a' on
    assert "'[a TO ]' matched" in r.message and f"the {q.MAX_EXPANSION} most" in r.message
    parsed = engine.parse("negot* OR peac* OR bord* OR [a TO] OR [b TO] OR [c TO]")
    expanded = [len(s.words) for s in parsed.query.children if isinstance(s, qm.AnyOf)]
    assert sum(expanded) <= q.MAX_EXPANDED


def test_control_characters_read_as_spaces(engine):
    assert engine.search("\x00Lachin\x1b\x7f").total == 4


@pytest.mark.parametrize(
    "query", ["NOT NOT border", "(" * 1000, "a " * 60000], ids=["not-not", "brackets", "long"]
)
def test_cli_prints_the_message_not_an_error(capsys, tmp_path, query):
    cfg = tmp_path / "config.yaml"
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("corpus: articles", f"corpus: {ARTICLES}")
    text = text.replace("index: .dossier-cache/index", f"index: {tmp_path / 'index'}")
    text = text.replace("tags: tags.yaml", f"tags: {tmp_path / 'tags.yaml'}")
    cfg.write_text(text, encoding="utf-8")
    code = main(["--config", str(cfg), "search", query])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "unexpected error" not in out + err and "Traceback" not in out + err
    assert "note:" in out
