"""A word found only in a headline: the search lists the article after those whose text
matches ("in the headline only"), read the way passages are read (folding, spelling
variants, stems), and never for a question a headline cannot answer (outlet, date)."""

from __future__ import annotations

import yaml
from conftest import CONFIG, run_cli
from helpers_tui import H, W, until
from textual.widgets import OptionList

from index.library import Library
from tui.app import DossierApp

HEADLINE = "Mirzoian Hails Constructive Rounds in Geneva"
FILES = {
    "a.txt": f"---\ntitle: {HEADLINE}\noutlet: Wire One\ndate: 2024-03-02\n---\n\n"
    "The ministers met for two days.\n\nThey agreed to meet again.\n",
    "b.txt": "---\ntitle: Talks in Vienna\noutlet: Wire Two\ndate: 2024-03-05\n---\n\n"
    "Delegates spoke of constructive rounds of talks in Geneva.\n",
    "c.txt": "---\ntitle: Weather report\ndate: 2024-03-06\n---\n\nRain in Geneva.\n",
}


def library(make_corpus) -> Library:
    lib = Library(make_corpus(FILES))
    lib.update()
    return lib


def headline_only(lib: Library, query: str) -> list[str]:
    return [lib.infos[a.id].title for a in lib.engine.search(query).headline_only]


def test_a_word_only_in_a_headline_lists_that_article(make_corpus):
    lib = library(make_corpus)
    result = lib.engine.search("hails")
    assert result.total == 0
    assert headline_only(lib, "hails") == [HEADLINE]
    assert result.suggestions == [], "no 'did you mean' when a headline matches"
    # stems and spelling variants as in passages: hail ~ hails, Mirzoyan = Mirzoian
    assert headline_only(lib, "hail") == [HEADLINE]
    assert headline_only(lib, "Mirzoyan") == [HEADLINE]


def test_articles_whose_text_matches_are_not_repeated(make_corpus):
    lib = library(make_corpus)
    result = lib.engine.search("constructive")
    assert {a.title for a in result.articles} == {"Talks in Vienna"}
    assert headline_only(lib, "constructive") == [HEADLINE]
    talks = lib.engine.search("talks")  # in b's headline and in its text: listed once
    assert [a.title for a in talks.articles] == ["Talks in Vienna"]
    assert talks.headline_only == []


def test_phrases_and_operators_read_on_the_headline(make_corpus):
    lib = library(make_corpus)
    assert headline_only(lib, '"constructive rounds"') == [HEADLINE]
    assert headline_only(lib, '"rounds constructive"') == []
    assert headline_only(lib, '"hails rounds"') == [], "both words, not side by side"
    assert headline_only(lib, '"mirzoyan hails constructive"') == [HEADLINE]
    assert headline_only(lib, "hails AND geneva") == [HEADLINE]
    assert headline_only(lib, "hails NOT geneva") == []
    assert headline_only(lib, "hails OR weather") == ["Weather report", HEADLINE]  # newest first


def test_the_table_kept_beside_the_index_follows_edited_headlines(make_corpus, tmp_path):
    lib = library(make_corpus)
    assert headline_only(lib, "hails") == [HEADLINE]
    kept = lib.settings.index_dir / "headlines.pickle"
    assert kept.is_file()
    again = Library(lib.settings)  # another process: reads the table, same answers
    assert headline_only(again, "hails") == [HEADLINE]
    edited = FILES["a.txt"].replace(HEADLINE, "Mirzoian Praises Geneva Rounds")
    (tmp_path / "corpus" / "a.txt").write_text(edited, encoding="utf-8")
    again.update()
    assert headline_only(again, "hails") == []
    assert headline_only(again, "praises") == ["Mirzoian Praises Geneva Rounds"]


def test_the_kept_table_is_no_damage_to_the_index(make_corpus, tmp_path):
    lib = library(make_corpus)
    for n in range(3):  # the table is written, the index updated, the table written again
        assert headline_only(lib, "hails") == [HEADLINE]
        (tmp_path / "corpus" / f"new{n}.txt").write_text(f"New {n}\n\nSome text.\n", "utf-8")
        report = lib.update()
        assert not report.rebuilt and report.added == 1, report.reason


def test_many_headline_matches_are_listed_newest_first_up_to_the_limit(make_corpus):
    """Dates repeat and some are missing: ties go by id, undated last; articles whose
    text matches are left out however new."""
    from index.search import HEADLINES_LISTED

    dates = ["2024-05-01", "2024-04-30", "2023-12-31", ""]
    files, dated = {}, {}
    for n in range(HEADLINES_LISTED + 25):
        date = dates[n * 7 % len(dates)]
        head = f"---\ntitle: Harbour report {n}\n" + (f"date: {date}\n" if date else "")
        text = "The harbour reopened.\n" if n % 5 == 0 else "Ships came in.\n"
        files[f"h{n:03}.txt"] = head + "---\n\n" + text
        if n % 5:
            dated[f"h{n:03}"] = date
    lib = Library(make_corpus(files))
    lib.update()
    want = sorted(dated, key=lambda a: (dated[a], a), reverse=True)[:HEADLINES_LISTED]
    assert [a.id for a in lib.engine.search("harbour").headline_only] == want


def test_copies_of_an_article_are_listed_once(make_corpus):
    lib = Library(make_corpus({**FILES, "copy-of-a.txt": FILES["a.txt"]}))
    lib.update()
    found = lib.engine.search("hails").headline_only
    assert [a.title for a in found] == [HEADLINE]
    assert len(found[0].also_in) == 1, "the copy is named, not listed again"
    assert lib.engine.search("constructive").headline_only[0].title == HEADLINE


def test_questions_a_headline_cannot_answer_list_nothing(make_corpus):
    lib = library(make_corpus)
    assert headline_only(lib, "hails outlet:wire") == []
    assert headline_only(lib, "title:hails") == [], "title: finds the passages themselves"


def test_the_cli_lists_headline_matches(make_corpus, capsys, tmp_path):
    lib = library(make_corpus)
    cfg = tmp_path / "config.yaml"
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    data.update(
        corpus=str(lib.settings.corpus),
        index=str(lib.settings.index_dir),
        tags=str(tmp_path / "tags.yaml"),
    )
    cfg.write_text(yaml.safe_dump(data), encoding="utf-8")
    code, out, _ = run_cli(capsys, cfg, "search", "hails")
    assert code == 0
    assert "No passages match 'hails'" in out
    assert "In the headline only: 1 article" in out and HEADLINE in out


async def test_the_reader_lists_and_opens_a_headline_match(make_corpus):
    lib = library(make_corpus)
    app = DossierApp(lib.settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.screen.query_one("#query").value = "hails"
        await until(pilot, lambda: app.last_result is not None, "the results")
        results = app.screen.query_one("#results", OptionList)
        await until(pilot, lambda: results.option_count == 2, "the headline match")
        assert "In the headline only" in str(results.get_option_at_index(0).prompt)
        assert HEADLINE in str(results.get_option_at_index(1).prompt)
        assert "1 article by its headline" in str(app.screen.query_one("#message").render())
        results.focus()
        await pilot.press("enter")
        await until(pilot, lambda: getattr(app.screen, "article", None) is not None, "reader")
        assert app.screen.article.title == HEADLINE


def test_an_update_reads_only_the_headlines_it_changed(make_corpus, tmp_path):
    """After an update the kept table is brought up to date, not made anew: a few
    changed articles cost a few headlines (100,000 headlines take seconds to read)."""
    from dataclasses import replace

    from index.headlines import FIELDS, HeadlineIndex

    lib = library(make_corpus)
    analysis = lib.engine._engine.analysis
    read: list[str] = []

    def counting(field: str, text: str) -> list[str]:
        read.append(text)
        return analysis.words(field, text)

    counted = replace(analysis, words=counting)
    where = tmp_path / "table"
    where.mkdir()
    infos = dict(lib.infos)
    for n in range(10):
        infos[f"x{n}"] = replace(infos["b"], id=f"x{n}", title=f"Report number {n}")
    HeadlineIndex.stored(where, infos.values(), counted, "r")
    assert len(read) == len(FIELDS) * 13
    read.clear()
    infos["a"] = replace(infos["a"], title="Mirzoian Praises Geneva Rounds")  # edited
    del infos["c"]  # gone
    infos["d"] = replace(infos["b"], id="d", title="Harbour Strike Ends")  # new
    table = HeadlineIndex.stored(where, infos.values(), counted, "r")
    assert sorted(set(read)) == ["Harbour Strike Ends", "Mirzoian Praises Geneva Rounds"]

    def ids(query) -> set[str]:
        return {info.id for info in table.newest(lib.engine.parse(query).query)}

    assert ids("praises") == {"a"} and ids("hails") == set()
    assert ids("weather") == set() and ids("strike") == {"d"} and ids("vienna") == {"b"}
    assert ids("NOT praises") == {"b", "d"} | {f"x{n}" for n in range(10)}
    read.clear()
    again = HeadlineIndex.stored(where, infos.values(), counted, "r")  # nothing changed
    assert read == [] and [i.id for i in again.newest(lib.engine.parse("strike").query)] == ["d"]
