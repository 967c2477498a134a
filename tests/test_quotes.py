"""Quotations: extraction with speakers, grouping across articles, word differences; on
the bundled articles and on small texts made to the point."""

from __future__ import annotations

import json

import yaml
from conftest import CONFIG

from index.model import Article, Passage
from index.quotes import changes, extract_quotes, group_quotes, quote_spans
from index.reuse_store import analyse
from tui.cli import main

WITHIN_REACH = "with additional goodwill, flexibility"


def article(aid: str, *paras: str) -> Article:
    text, passages, pos = "", [], 0
    for n, para in enumerate(paras, 1):
        passages.append(Passage(aid, n, pos, pos + len(para), para))
        text += para + "\n\n"
        pos = len(text)
    return Article(aid, f"/x/{aid}.txt", text, aid, passages=passages, content_hash=aid)


def texts(a: Article) -> list[tuple[str, str]]:
    return [(q.text, q.speaker) for q in extract_quotes(a)]


def test_every_kind_of_quotation_mark_and_no_apostrophes():
    para = (
        'Straight "one two three" and curly “four five six” and «sept huit neuf» and '
        "„zehn elf zwölf“ and ‘thirteen fourteen fifteen’ while Azerbaijan’s ministers’ "
        "view and 'sixteen seventeen eighteen' stand."
    )
    found = [para[s:e] for s, e in quote_spans(para)]
    assert found == [
        "one two three",
        "four five six",
        "sept huit neuf",
        "zehn elf zwölf",
        "thirteen fourteen fifteen",
        "sixteen seventeen eighteen",
    ]


def test_a_quotation_left_open_runs_to_the_end_of_its_passage():
    para = "He has asserted that “a final agreement is within reach."
    assert [para[s:e] for s, e in quote_spans(para)] == ["a final agreement is within reach."]


def test_speaker_after_before_according_to_and_by_pronoun():
    a = article(
        "a",
        "“We will sign it soon,” Maria Lopez said on Monday.",
        "“The border stays closed for now,” said Foreign Minister Jean Dupont.",
        "According to Olga Ivanova, “nothing has been agreed yet” in the talks.",
        "Talks went on late, Lopez said.",
        "She added that “the maps are ready to be exchanged.”",
        "The ministry spokeswoman told Reuters that “the issue is closed for good.”",
    )
    assert texts(a) == [
        ("We will sign it soon,", "Maria Lopez"),
        ("The border stays closed for now,", "Jean Dupont"),
        ("nothing has been agreed yet", "Olga Ivanova"),
        ("the maps are ready to be exchanged.", "Maria Lopez"),
        # `told X`: X is who listened; the last person named before speaks
        ("the issue is closed for good.", "Maria Lopez"),
    ]


def test_a_speaker_no_person_is_given_for_gets_no_speaker():
    a = article(
        "a",
        "“We will sign it soon,” Maria Lopez said on Monday.",
        "“The ministers and their teams made progress on the draft,” the statement said.",
        "A joint statement issued after the talks said Lopez and Dupont and their teams "
        "“exchanged views on the border and the maps.”",
        "In it they noted that “positions on key issues remain divergent.”",
        "“Talks will go on in the weeks ahead,” read a statement by the ministry.",
        "Later the official said: “we are close to a deal on the maps.”",
    )
    assert texts(a) == [
        ("We will sign it soon,", "Maria Lopez"),
        ("The ministers and their teams made progress on the draft,", ""),
        # the name after `said` is what the statement reports, not who speaks
        ("exchanged views on the border and the maps.", ""),
        ("positions on key issues remain divergent.", ""),
        # not a paragraph of speech going on: not Lopez's for coming after her
        ("Talks will go on in the weeks ahead,", ""),
        # a role is a person named before, as `he` is
        ("we are close to a deal on the maps.", "Maria Lopez"),
    ]


def test_speech_going_on_in_the_next_paragraph_keeps_its_speaker():
    a = article(
        "a",
        "“We will sign it soon,” Maria\xa0Lopez\xa0said on Monday.",
        "“The maps are ready and the border will open after that.”",
        "Talks went on late into the night in the capital.",
        "“Nobody knows when the next round of talks will start.”",
    )
    assert texts(a) == [
        ("We will sign it soon,", "Maria Lopez"),
        ("The maps are ready and the border will open after that.", "Maria Lopez"),
        ("Nobody knows when the next round of talks will start.", ""),
    ]


def test_bundled_joint_statement_is_not_blinkens(bundled_library):
    result = analyse(bundled_library)
    (group,) = [
        g
        for g in result.quotes
        if any("The Ministers and their teams" in v.quote.text for v in g.variants)
    ]
    assert len(group.articles) >= 3
    assert group.speaker == ""
    assert not any("Blinken" in v.quote.speaker for v in group.variants)


def test_scare_quotes_are_not_speech():
    a = article("a", "Talks were “constructive” and “very intense”, Lopez said.")
    assert extract_quotes(a) == []


def test_same_quotation_grouped_across_articles_with_its_change():
    quote = "we will keep working until the last question on the border is settled"
    changed = quote.replace("settled", "resolved")
    one = article("one", f"“{quote},” Maria Lopez said.")
    two = article("two", f"Lopez said: “{changed}.”")
    three = article("three", "An unrelated quote: “the weather was fine all week long.”")
    quotes = [q for a in (one, two, three) for q in extract_quotes(a)]
    about = {"one": ("A", "2023-05-04"), "two": ("B", "2023-05-03"), "three": ("C", None)}
    groups, _ = group_quotes(quotes, about)
    assert len(groups) == 1
    (group,) = groups
    assert group.articles == ["two", "one"]  # earliest first: "two" is dated a day before
    assert group.speaker == "Maria Lopez"
    assert group.variants[0].diff == []
    (change,) = group.variants[1].diff
    assert (change.was, change.now) == ("resolved", "settled")
    text = group.variants[1].quote.text
    assert text[change.start : change.end] == "settled"


def test_a_deletion_is_placed_where_the_words_were():
    (change,) = changes("one two three four five", "one two four five")
    assert (change.was, change.now, change.start, change.end) == ("three", "", 8, 8)


def test_bundled_within_reach_quotation_in_one_group(bundled_library):
    result = analyse(bundled_library)
    groups = [g for g in result.quotes if any(WITHIN_REACH in v.quote.text for v in g.variants)]
    assert len(groups) == 1
    (group,) = groups
    assert "Blinken" in group.speaker
    assert sorted(group.articles) == [
        "001_1a5c9ff20c0ee09c",
        "002_e536400ab8bce265",
        "004_bd0bc0e79d4348b1",
    ]
    assert all("Blinken" in v.quote.speaker for v in group.variants)
    translated = next(v for v in group.variants if v.quote.article.startswith("004"))
    assert ("compromise, an", "commitment, the") in [(c.was, c.now) for c in translated.diff]


def test_cli_quotes_json_on_the_bundled_articles(bundled_library, capsys):
    assert main(["quotes", "--json", "--config", str(_config(bundled_library))]) == 0
    data = json.loads(capsys.readouterr().out)
    group = next(g for g in data["quotes"] if any(WITHIN_REACH in v["text"] for v in g["variants"]))
    assert "Blinken" in group["speaker"]
    assert {v["article"][:3] for v in group["variants"]} == {"001", "002", "004"}
    assert set(group["variants"][0]) >= {"article", "outlet", "date", "text", "diff"}
    diffs = [(d["was"], d["now"]) for v in group["variants"] for d in v["diff"]]
    assert ("compromise, an", "commitment, the") in diffs


def _config(lib) -> str:
    """A config file for the CLI pointing at the library's corpus and index."""
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    work = lib.settings.index_dir.parent
    settings = lib.settings
    data.update(corpus=str(settings.corpus), index=str(settings.index_dir), tags=str(work / "t"))
    path = work / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_speaker_spelling_variants_name_one_person_one_way(bundled_library):
    # config.yaml: [Antony, Anthony]; RFE/RL spells it Anthony in one attribution
    result = analyse(bundled_library)
    spoken = {v.quote.speaker for g in result.quotes for v in g.variants}
    assert {"Antony Blinken", "Anthony Blinken"} <= spoken
    named = {g.speaker for g in result.all_quotes if "Blinken" in g.speaker}
    assert named == {"Antony Blinken"}


def test_speaker_groups_without_variants_keep_each_spelling():
    one = article("a1", '"We are close to a deal today," said Secretary Anthony Blinken.')
    two = article("b2", '"Another thing entirely was said here," said Antony Blinken.')
    quotes = extract_quotes(one) + extract_quotes(two)
    groups, _ = group_quotes(quotes, {}, None, single=True)
    assert {g.speaker for g in groups} == {"Anthony Blinken", "Antony Blinken"}
    groups, _ = group_quotes(quotes, {}, {"anthony": "antony", "antony": "antony"}, single=True)
    assert {g.speaker for g in groups} == {"Antony Blinken"}
