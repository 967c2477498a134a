"""Cleaning that generalises, on small generated corpora: lines repeated across a
corpus, captions, the title rule, scripts without spaces, lists and tables, front
matter forms, wire datelines, folding, title-only articles, duplicates, files that are
not articles and links out of the corpus."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import time
import zlib

import pytest
import yaml
from conftest import CONFIG

from index.config import load_settings
from index.corpus import load_corpus
from index.errors import ConfigError
from index.library import Library
from tui.cli import main

SENTENCES = [
    "The ministers met in the capital on Monday to discuss the disputed border.",
    "Officials said the talks would resume next week after a short break.",
    "Neither side gave details of the maps that were exchanged during the meeting.",
    "Observers described the atmosphere as constructive but cautious.",
    "A joint statement is expected once both delegations return home.",
]


def story(title: str, *extra: str, n: int = 3) -> str:
    """An article whose body differs from any other title's (no two are copies)."""
    seed = zlib.crc32(title.encode())
    body = [f"{SENTENCES[(seed >> i) % 5]} Item {seed % 9973 + i} of {title}." for i in range(n)]
    return "\n\n".join([title, *body, *extra]) + "\n"


def by_id(settings) -> dict:
    articles, _ = load_corpus(settings)
    return {a.id: a for a in articles}


def reasons(article) -> dict[str, str]:
    return {article.text[r.start : r.end]: r.reason for r in article.removed}


# ---------------------------------------------------------------- repeated lines


FURNITURE = ["Most watched videos", "Pensioner dances with penguins at the zoo"]


def test_line_repeated_in_three_articles_of_a_folder_is_dropped_with_its_count(make_corpus):
    files = {f"site/a{i}.txt": story(f"Headline number {i}", *FURNITURE) for i in range(3)}
    files["site/b.txt"] = story("Another headline", "Pensioner dances at the zoo again")
    a = by_id(make_corpus(files))
    for i in range(3):
        art = a[f"site/a{i}"]
        got = reasons(art)
        for line in FURNITURE:
            assert got[line] == "repeated in 3 articles", got
            assert all(line not in p.text for p in art.passages)
        assert len(art.passages) == 3  # the story itself is whole
    assert [p.text for p in a["site/b"].passages][-1] == "Pensioner dances at the zoo again"


def test_line_in_two_articles_or_in_other_folders_is_kept(make_corpus):
    files = {
        "one/a.txt": story("First headline here", *FURNITURE),
        "one/b.txt": story("Second headline here", *FURNITURE),
        "two/c.txt": story("Third headline here", *FURNITURE),
    }
    a = by_id(make_corpus(files))
    for art in a.values():
        assert [p.text for p in art.passages][-2:] == FURNITURE, art.id


def test_same_outlet_across_folders_counts_together(make_corpus):
    files = {
        f"f{i}/a.md": f"---\nsource: Daily Example\n---\n{story(f'Story {i} headline', *FURNITURE)}"
        for i in range(3)
    }
    a = by_id(make_corpus(files))
    assert all(reasons(art).get(FURNITURE[0]) == "repeated in 3 articles" for art in a.values())


def test_copies_of_one_file_do_not_make_their_own_lines_furniture(make_corpus):
    text = story("The same story", "A subheading of the story")
    a = by_id(make_corpus({f"c{i}.txt": text for i in range(3)}))
    assert all(p.text != "" for p in a["c0"].passages)
    assert "A subheading of the story" in [p.text for p in a["c0"].passages]


def test_lines_among_figures_are_data_not_furniture(make_corpus):
    """Earnings tables repeat short lines ("Qtly div six cts vs six cts prior") across
    many reports; beside figures they are kept."""
    files = {
        f"div{i}.txt": (
            f"Company {i} sets dividend\n\nQtly div six cts vs six cts prior\n\n"
            f"Pay April One\n\nRecord March {20 + i}\n"
        )
        for i in range(4)
    }
    a = by_id(make_corpus(files))
    for art in a.values():
        assert art.passages[0].text == "Qtly div six cts vs six cts prior"
        assert not any(r.reason.startswith("repeated") for r in art.removed)


def test_a_line_two_lines_from_figures_is_data_too(make_corpus):
    """A short line up to two lines away from a row of figures is part of the table."""
    files = {
        f"r{i}.txt": (
            f"Company {i} posts results\n\nSales {12 + i}.5 mln vs 10.1 mln\n\n"
            "Full year results\n\nSource company statement\n\n"
            f"The company said demand grew in the year to March {i + 1}.\n"
        )
        for i in range(4)
    }
    for art in by_id(make_corpus(files)).values():
        assert "Source company statement" in [p.text for p in art.passages]


def test_repeated_lines_follow_an_incremental_update(make_corpus):
    """Two articles share a line (kept); a third arrives and the line goes from all
    three, though the first two did not change; the third goes and it comes back."""
    line = "Watch the zebra crossing video"
    make = make_corpus
    s = make({f"a{i}.txt": story(f"Headline {i} of the day", line) for i in range(2)})
    lib = Library(s)
    lib.update()
    assert lib.engine.search("zebra").total_articles == 2
    s = make({"a2.txt": story("Headline 2 of the day", line)})
    report = lib.update()
    assert (report.added, report.recleaned) == (1, 2)
    assert lib.engine.search("zebra").total == 0
    assert reasons(lib.article("a0"))[line] == "repeated in 3 articles"
    os.remove(s.corpus / "a2.txt")
    report = lib.update()
    assert (report.removed, report.recleaned) == (1, 2)
    assert lib.engine.search("zebra").total_articles == 2
    assert line not in reasons(lib.article("a0"))
    again = lib.update()
    assert again.reindexed == 0 and again.recleaned == 0


def test_show_raw_names_the_repeated_line_reason(make_corpus, tmp_path, capsys):
    s = make_corpus({f"a{i}.txt": story(f"Headline {i} of the day", *FURNITURE) for i in range(3)})
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    data.update(corpus=str(s.corpus), index=str(tmp_path / "ix"), tags=str(tmp_path / "t.yaml"))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert main(["--config", str(cfg), "show", "a1", "--raw"]) == 0
    out = capsys.readouterr().out
    assert "(removed: repeated in 3 articles) Most watched videos" in out


# ---------------------------------------------------------------- captions and credits


CAPTIONS = [
    "Photo: John Smith/AFP",
    "Image caption, Delegates arrive for the talks",
    "Image source, Getty Images",
    "Credit: Jane Doe for The Example",
    "© 2023 Example Media Ltd",
    "President Biden speaks in the Rose Garden. (AP Photo/Evan Vucci)",
    "The two leaders shake hands in Brussels (Getty Images)",
    "File photo",
]


@pytest.mark.parametrize("caption", CAPTIONS)
def test_captions_and_credit_lines_are_dropped(make_corpus, caption):
    a = by_id(make_corpus({"x.txt": story("A Headline Of Note", caption)}))["x"]
    assert reasons(a).get(caption) == "caption or credit"
    assert len(a.passages) == 3


def test_sentences_about_photos_stay(make_corpus):
    text = story("A Headline Of Note", "The photo was taken in 2019, a credit to her patience.")
    a = by_id(make_corpus({"x.txt": text}))["x"]
    assert a.passages[-1].text.startswith("The photo was taken")


# ---------------------------------------------------------------- the title rule


def test_lead_paragraph_is_not_taken_for_a_title(make_corpus):
    lead = "The talks ended without a deal on Monday, officials said. Both sides left."
    a = by_id(make_corpus({"x.txt": f"{lead}\n\nA second paragraph follows.\n"}))["x"]
    assert a.title == "The talks ended without a deal on Monday, officials said."
    assert [p.text for p in a.passages] == [lead, "A second paragraph follows."]
    assert not a.removed


def test_hard_wrapped_lead_is_not_a_title(make_corpus):
    text = "Shares fell sharply on Monday as\ninvestors took fright at the news.\n\nMore.\n"
    a = by_id(make_corpus({"x.txt": text}))["x"]
    assert a.passages[0].text.startswith("Shares fell sharply")
    assert a.title == "Shares fell sharply on Monday as investors took fright at the news."


def test_metadata_title_keeps_the_lead(make_corpus):
    text = "---\ntitle: Talks End\n---\nThe talks ended on Monday.\n\nMore text.\n"
    a = by_id(make_corpus({"x.md": text}))["x"]
    assert a.title == "Talks End"
    assert a.passages[0].text == "The talks ended on Monday."


@pytest.mark.parametrize(
    "headline", ["Talks End Without A Deal", "Is peace within reach?", "My memories of Marley..."]
)
def test_headline_is_the_title(make_corpus, headline):
    a = by_id(make_corpus({"x.txt": f"{headline}\n\nThe talks ended on Monday.\n"}))["x"]
    assert a.title == headline
    assert [p.text for p in a.passages] == ["The talks ended on Monday."]


# ---------------------------------------------------------------- scripts without spaces


CHINESE = (
    "中国与东盟举行外长会谈\n\n"
    "新华社北京5月4日电 中国外交部长今天在北京会见了东盟秘书长，双方就地区合作交换了意见。\n\n"
    "会谈中，双方同意加强经贸合作。\n\n"
    "双方还讨论了南海问题\n\n"
    "外长表示，中方愿与东盟各国一道，推动地区和平与发展。\n"
)


def test_chinese_article_keeps_every_paragraph(make_corpus):
    a = by_id(make_corpus({"zh.txt": CHINESE}))["zh"]
    assert a.title == "中国与东盟举行外长会谈"
    paragraphs = CHINESE.strip().split("\n\n")[1:]
    assert [p.text for p in a.passages] == paragraphs
    assert [r.reason for r in a.removed] == ["title"]


def test_chinese_section_label_is_still_a_label(make_corpus):
    a = by_id(make_corpus({"zh.txt": "国际\n\n" + CHINESE}))["zh"]
    assert reasons(a)["国际"] == "section label"
    assert a.title == "中国与东盟举行外长会谈"


def test_thai_paragraphs_are_kept(make_corpus):
    text = (
        "ข่าวการเมือง\n\nนายกรัฐมนตรีเดินทางไปเยือนประเทศญี่ปุ่นเพื่อหารือความร่วมมือ\n\nการประชุมจะมีขึ้นในสัปดาห์หน้า\n"
    )
    a = by_id(make_corpus({"th.txt": text}))["th"]
    assert len(a.passages) == 2


# ---------------------------------------------------------------- lists and tables


def test_bullets_numbered_lists_and_tables_are_content(make_corpus):
    """Each list item is a passage of its own (as in a web page), whether or not a blank
    line parts the items; a wrapped item keeps its indented next line; a table is one."""
    body = [
        "The plan has three parts:",
        "• Open the border crossings\n• Exchange prisoners\n• Apples",
        "1. Sign the treaty\n2) Ratify it\n   within a year",
        "| Year | Trade |\n|------|-------|\n| 2022 | 10 bn |",
        "Key points:\n- Demarcation first\n* Then the corridor\n+ Then trade",
    ]
    a = by_id(make_corpus({"x.md": "Plan Agreed\n\n" + "\n\n".join(body) + "\n"}))["x"]
    assert [p.text for p in a.passages] == [
        "The plan has three parts:",
        "• Open the border crossings",
        "• Exchange prisoners",
        "• Apples",
        "1. Sign the treaty",
        "2) Ratify it\n   within a year",
        "| Year | Trade |\n|------|-------|\n| 2022 | 10 bn |",
        "Key points:",
        "- Demarcation first",
        "* Then the corridor",
        "+ Then trade",
    ]
    assert [r.reason for r in a.removed] == ["title"]


def test_breadcrumbs_and_category_lines_still_go(make_corpus):
    text = "• Home\n• World\n\nPlan Agreed\n\n| News, Politics\n\nThe plan has parts.\n"
    a = by_id(make_corpus({"x.txt": text}))["x"]
    assert [p.text for p in a.passages] == ["The plan has parts."]
    assert reasons(a)["• Home"] == "navigation"
    assert reasons(a)["| News, Politics"] == "navigation"


# ---------------------------------------------------------------- front matter


@pytest.mark.parametrize(
    "head",
    [
        "---\npost_title: Talks Resume\npost_date: 2021-03-04 10:00:00\nsite: Example News\n"
        "link: https://example.org/x\n---\n",
        "---\ntitle: Talks Resume\npublished: 2021-03-04\noutlet: Example News\n"
        "url: https://example.org/x\n---\n",
        '+++\ntitle = "Talks Resume"\ndate = 2021-03-04\nsource = "Example News"\n'
        'url = "https://example.org/x"\n+++\n',
        "Title: Talks Resume\nDate: 4 March 2021\nSource: Example News\n"
        "URL: https://example.org/x\n\n",
    ],
    ids=["wordpress", "yaml-other-keys", "toml", "header-lines"],
)
@pytest.mark.parametrize("ext", [".md", ".txt"])
def test_front_matter_forms(make_corpus, head, ext):
    a = by_id(make_corpus({f"x{ext}": head + "The talks resumed.\n\nMore.\n"}))["x"]
    assert (a.title, a.date, a.source, a.url) == (
        "Talks Resume",
        "2021-03-04",
        "Example News",
        "https://example.org/x",
    )
    assert [p.text for p in a.passages] == ["The talks resumed.", "More."]
    assert a.removed[0].reason == "front matter"


def test_a_headline_with_a_colon_is_not_a_header_line(make_corpus):
    text = "Blinken: talks make progress\n\nThe talks went well.\n"
    a = by_id(make_corpus({"x.txt": text}))["x"]
    assert a.title == "Blinken: talks make progress" and not a.meta


def test_invalid_yaml_is_read_leniently_with_the_line(make_corpus):
    text = "---\nsource: Example\ntitle: Blinken: talks make progress\n---\nBody.\n"
    articles, warnings = load_corpus(make_corpus({"x.md": text}))
    assert articles[0].title == "Blinken: talks make progress"
    assert articles[0].source == "Example"
    assert any(w.startswith("x: front matter line 3") for w in warnings), warnings


def test_list_values_are_joined(make_corpus, tmp_path, capsys):
    text = "---\ntitle: T\nsource: [Reuters, AP]\nplaces: [usa, uk]\n---\nBody text.\n"
    a = by_id(make_corpus({"x.md": text}))["x"]
    assert a.source == "Reuters, AP" and a.meta["places"] == "usa, uk"


ALIAS_BOMB = (
    "---\ntitle: bomb\n"
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\ne: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\ng: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]\n---\nBody.\n"
)


def test_yaml_alias_bomb_is_not_expanded(make_corpus):
    assert 300 < len(ALIAS_BOMB) < 420
    t0 = time.monotonic()
    articles, warnings = load_corpus(make_corpus({"x.md": ALIAS_BOMB}))
    assert time.monotonic() - t0 < 2
    a = articles[0]
    assert a.title == "bomb" and [p.text for p in a.passages] == ["Body."]
    assert sum(len(str(v)) for v in a.meta.values()) < 1000
    assert any("aliases" in w and "line 4" in w for w in warnings), warnings


def test_front_matter_values_are_capped(make_corpus):
    text = f"---\ntitle: T\nnote: {'x' * 100_000}\n---\nBody.\n"
    a = by_id(make_corpus({"x.md": text}))["x"]
    assert len(a.meta["note"]) <= 2000


# ---------------------------------------------------------------- datelines


@pytest.mark.parametrize(
    "lead, outlet, date",
    [
        ("MOSCOW (Reuters) - Russia said on Tuesday it would talk.", "Reuters", None),
        ("WASHINGTON (AP) — The talks went on.", "AP", None),
        ("BAKU, Azerbaijan (AP) — The talks went on.", "AP", None),
        ("PARIS, May 4 (AFP) - The talks went on.", "AFP", "2023-05-04"),
        ("Blinken said (AP) - the talks went on.", None, None),
    ],
)
def test_wire_datelines_give_the_outlet(make_corpus, lead, outlet, date):
    s = make_corpus({"x.txt": f"A Headline For This\n\n{lead}\n\nMore.\n"})
    june_2023 = 1_686_000_000
    os.utime(s.corpus / "x.txt", (june_2023, june_2023))
    a = by_id(s)["x"]
    assert (a.source, a.date) == (outlet, date)
    assert a.passages[0].text == lead  # the lead stays reading matter


# ---------------------------------------------------------------- folding


def test_folding_finds_letters_without_decomposition_and_highlights_the_original(make_corpus):
    s = make_corpus(
        {
            "x.txt": "Talks In Baku\n\nİlham Əliyev spoke in Azərbaycan, then Łódź and "
            "the Straße des 17. Juni, with Søren.\n"
        }
    )
    lib = Library(s)
    lib.update()
    for query, word in [
        ("Azerbaycan", "Azərbaycan"),
        ("Ilham", "İlham"),
        ("Lodz", "Łódź"),
        ("strasse", "Straße"),
        ("Soren", "Søren"),
        ("azər*", "Azərbaycan"),
    ]:
        hits = lib.engine.search(query).passages
        assert len(hits) == 1, query
        p = hits[0]
        assert [p.text[a:b] for a, b in p.spans] == [word], query


# ---------------------------------------------------------------- title-only articles


def test_title_only_articles_are_found_by_their_title(make_corpus):
    s = make_corpus(
        {
            "r1.md": '---\ntitle: "OPEC OIL OUTPUT TALKS DELAYED"\nsource: Reuters\n---\n',
            "r2.txt": "Zinc Prices Steady In London\n",
            "r3.txt": story("A Full Story Headline"),
        }
    )
    lib = Library(s)
    report = lib.update()
    assert report.title_only == 2 and report.articles == 3
    assert "2 title-only" in report.summary()
    for query, pid in [("opec", "r1#1"), ("title:delayed", "r1#1"), ("zinc", "r2#1")]:
        assert [p.pid for p in lib.engine.search(query).passages] == [pid], query
    a = lib.article("r1")
    assert a.title_only and a.passages[0].text == "OPEC OIL OUTPUT TALKS DELAYED"
    assert a.text[a.passages[0].start : a.passages[0].end] == a.title
    assert all(r.end <= a.passages[0].start or r.start >= a.passages[0].end for r in a.removed)


# ---------------------------------------------------------------- duplicates


LONG = " ".join(
    f"{SENTENCES[i % 5]} Sentence {i} adds the word w{i} to the story." for i in range(40)
)


def test_duplicates_are_found_listed_once_and_noted(make_corpus, capsys, tmp_path):
    near = LONG.replace("w17 ", "w17x ")
    files = {
        "a.txt": f"Border Talks Go On\n\n{LONG}\n",
        "b.txt": f"Border talks go on\n\n{LONG.upper()}\n",  # same words, other case
        "c.txt": f"Talks Continue At Border\n\n{near}\n",  # nearly the same
        "d.txt": story("Something Else Entirely", n=5),
        # short bodies are copies only with the same title
        "e.txt": "Company E sets dividend\n\nQtly div six cts\n",
        "f.txt": "Company F sets dividend\n\nQtly div six cts\n",
    }
    s = make_corpus(files)
    lib = Library(s)
    report = lib.update()
    assert report.duplicate_groups == 1 and "1 duplicate groups" in report.summary()
    res = lib.engine.search("w17")
    assert [a.id for a in res.articles] == ["a"] or [a.id for a in res.articles] == ["b"]
    [hit] = res.articles
    assert sorted([hit.id, *hit.also_in]) == ["a", "b", "c"]
    assert res.total_articles == 1
    assert {p.article_id for p in res.passages} == {hit.id}
    assert lib.also_in["c"] == ["a", "b"]
    assert lib.engine.search("title:dividend").total_articles == 2

    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    data.update(corpus=str(s.corpus), index=str(tmp_path / "index"), tags=str(tmp_path / "t.yml"))
    cfg = tmp_path / "c.yaml"
    cfg.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    capsys.readouterr()
    assert main(["--config", str(cfg), "search", "w17", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["articles"]) == 1 and len(out["articles"][0]["also_in"]) == 2
    assert main(["--config", str(cfg), "show", "c"]) == 0
    assert "same text as: a, b" in capsys.readouterr().out


# ---------------------------------------------------------------- what is not an article


def test_readme_license_hidden_and_ignored_files_are_not_articles(make_corpus):
    s = make_corpus(
        {
            "README.TXT": "About This Set\n\nA description.\n",
            "sub/readme.md": "About\n\nText.\n",
            "LICENSE.txt": "License\n\nTerms.\n",
            ".hidden.txt": "Hidden\n\nText.\n",
            "drafts/d.txt": "Draft\n\nText.\n",
            "notes.log.txt": "Log\n\nText.\n",
            "a.txt": "Real Article\n\nText.\n",
        },
        ignore=("drafts/*", "*.log.txt"),
    )
    articles, warnings = load_corpus(s)
    assert [a.id for a in articles] == ["a"]
    assert warnings == []


@pytest.mark.parametrize(
    "line, msg",
    [("ignore: 5", "list of file patterns"), ("follow_links_outside: maybe", "true or false")],
)
def test_new_keys_are_validated(tmp_path, line, msg):
    key = line.split(":")[0]
    text = re.sub(rf"^{key}:.*$", line, CONFIG.read_text(encoding="utf-8"), flags=re.M)
    path = tmp_path / "c.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    assert msg in info.value.message and info.value.key == key
    path.write_text(text.replace(line, f"{key}: ['drafts/*']"), encoding="utf-8")
    if key == "ignore":
        assert load_settings(path).ignore == ("drafts/*",)


def test_links_out_of_the_corpus_are_skipped_unless_allowed(make_corpus, tmp_path):
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.txt").write_text("Secret Title\n\nPrivate words.\n")
    (outside / "dir" / "x.txt").write_text("Other Title\n\nMore private words.\n")
    s = make_corpus({"a.txt": "Real Article\n\nText.\n", "sub/b.txt": "B Title\n\nText.\n"})
    os.symlink(outside / "secret.txt", s.corpus / "secret.txt")
    os.symlink(outside / "dir", s.corpus / "linked")
    os.symlink(s.corpus / "sub" / "b.txt", s.corpus / "inside.txt")  # inside: fine
    os.symlink(s.corpus / "sub", s.corpus / "sub2")  # inside: fine
    articles, warnings = load_corpus(s)
    assert sorted(a.id for a in articles) == ["a", "inside", "sub/b"]
    assert any(w.startswith("sub2") and "reached again" in w for w in warnings)
    assert any(w.startswith("secret.txt: skipped") and "outside" in w for w in warnings)
    assert any(w.startswith("linked: skipped") and "outside" in w for w in warnings)
    allowed = dataclasses.replace(s, follow_links_outside=True)
    ids = sorted(a.id for a in load_corpus(allowed)[0])
    assert ids == ["a", "inside", "linked/x", "secret", "sub/b"]


def test_a_sentence_with_a_sign_off_is_not_furniture(make_corpus):
    line = "It gave no further details. REUTER"
    a = by_id(make_corpus({f"a{i}.txt": story(f"Headline {i} today", line) for i in range(3)}))
    assert all(art.passages[-1].text == line for art in a.values())


def test_table_header_beside_a_row_of_figures_is_kept(make_corpus):
    files = {
        f"t{i}.txt": f"Stocks Report {i}\n\nCURRENT  WEEK   YEAR\n\n"
        f"WEEK AGO AGO DEL GRADES {1600 + i} 1747 5338 NON-DEL GRADES/UNGRADED 294 238 242\n"
        for i in range(3)
    }
    a = by_id(make_corpus(files))
    assert all(art.passages[0].text == "CURRENT  WEEK   YEAR" for art in a.values())


def test_a_daily_report_with_other_figures_is_not_a_copy(make_corpus):
    files = {
        f"fed{i}.txt": f"Fed Adds Reserves\n\n{LONG.replace('Sentence 3 ', f'Sentence {i} ')}\n"
        for i in (3, 977)
    }
    files["copy.txt"] = f"Fed Adds Reserves Again\n\n{LONG.replace('w17 ', 'w17x ')}\n"
    s = make_corpus(files)
    lib = Library(s)
    lib.update()
    assert lib.also_in == {"copy": ["fed3"], "fed3": ["copy"]}


def test_a_one_sentence_lead_stays_passage_one(make_corpus):
    text = "The talks ended without a deal on Monday.\n\nMore text follows here.\n"
    a = by_id(make_corpus({"x.txt": text}))["x"]
    assert a.title == "The talks ended without a deal on Monday."
    assert [p.text for p in a.passages] == [
        "The talks ended without a deal on Monday.",
        "More text follows here.",
    ]


def test_an_index_without_its_line_counts_is_rebuilt(make_corpus):
    s = make_corpus({"a.txt": story("Headline one"), "b.txt": story("Headline two")})
    lib = Library(s)
    lib.update()
    (s.index_dir / "lines.json").unlink()
    make_corpus({"c.txt": story("Headline three")})
    report = lib.update()
    assert report.rebuilt and "line counts" in report.reason and report.articles == 3
    assert (s.index_dir / "lines.json").exists()


# Lines are first screened for strings each pattern needs (index/cleaning.py `_screen`):
# the answer must be the pattern's own, whatever the case, script or shape of pattern.
SCREENED = [
    r"uses cookies|cookie policy|accept (all )?cookies",
    r"subscribe to (our|the) newsletter|sign up for (our|the) newsletter",
    r"seeks? (local )?(specialists|writers|contributors)|send (your )?cv\b",
    r"\bfile (photo|picture|image)\)?\s*$",
    r"(?-i:Photo ?/ ?[A-Z])",
    r"abc(?-i:DEF)|xyz",
    r"ab(?i:DEFG)",
    r"(?i)Mixed Case|other",
    r"^advertisement$",
]
SCREEN_LINES = [
    "We uses COOKIES here",
    "Please ACCEPT ALL cookies",
    "Sign Up For The Newsletter today",
    "The desk seeks local Writers",
    "Send your CV",
    "Send your cv now",
    "A market scene (File Photo)",
    "photo/Reuters",
    "Photo / Reuters",
    "ABCDEF and abcdef",
    "abcDEF",
    "abdefg",
    "The site uſes cookies",
    "mixed case",
    "ſubscribe to our newsletter",  # long s: matches 's' when case is ignored
    "Advertisement",
    "advertisement ",
    "Nothing to see in this sentence at all.",
]


# Patterns anchored at the start of a line are tried as one alternation (index/cleaning.py
# `_group_screen`); a group's answer must still be that of any of its patterns alone.
GROUPED = [
    (r"^advertisement$", r"^share (it|this)\b", r"^(home|menu)$", r"cookies"),
    (r"^(b)b$", r"^(a)\1$"),  # a back-reference: numbers shift in an alternation
    (r"^(?P<w>x)y", r"^(?P<w>z)y"),  # one name twice: cannot be joined
    (r"^see also:?$", r"(?m)^tags$"),  # "^" after a newline
    (r"^(?-i:Read) more", r"^source link$", r"^\s*[•·»›]\s"),
]
GROUP_LINES = [
    *SCREEN_LINES,
    "Share this",
    "share it with friends",
    "Home",
    "aa",
    "abab",
    "bb",
    "xy",
    "zy",
    "See also",
    "Intro\ntags",
    "Read more",
    "read more",
    "Source link",
    "• Politics",
    "We use cookies",
]


@pytest.mark.parametrize("flags", [0, re.IGNORECASE])
def test_screened_patterns_find_what_the_patterns_find(flags):
    """A pattern alone, or a group of them, screened by the literals it needs: found
    wherever the patterns themselves find something, and only there."""
    from index.regexscreen import matches as _matches

    for group in [(p,) for p in SCREENED] + GROUPED:
        compiled = tuple(re.compile(p, flags) for p in group)
        for line in GROUP_LINES:
            expected = any(p.search(line) for p in compiled)
            assert _matches(compiled, line) == expected, (group, line)


def test_a_rebuild_lists_articles_as_cleaned_after_the_count(make_corpus):
    """A rebuild cleans every article before the count of repeated lines, then again
    those the count changes; what it lists is the second cleaning, and the next update
    finds nothing to do."""
    from index.build import article_infos, update_index

    files = {f"site/a{i}.txt": story(f"Headline number {i}", *FURNITURE) for i in range(3)}
    files["site/copy.txt"] = files["site/a0.txt"]
    settings = make_corpus(files)
    report = update_index(settings, rebuild=True)
    assert report.articles == 4 and report.duplicate_groups == 1
    infos = {i.id: i for i in article_infos(settings)}
    assert {aid: i.passages for aid, i in infos.items()} == {
        "site/a0": 3,
        "site/a1": 3,
        "site/a2": 3,
        "site/copy": 3,
    }
    assert report.passages == 12
    assert [n for n in os.listdir(settings.index_dir) if n.endswith(".jsonl")] == []
    again = update_index(settings)
    assert (again.reindexed, again.recleaned, again.rebuilt) == (0, 0, False)


# A body's figures are found byte by byte in ASCII text (index/duplicates.py
# `_figures_hash`): the same as the pattern `_FIGURES` finds, whatever their shape.
FIGURE_BODIES = [
    "rose 1,000.50 dlrs from 999 in 1987.",
    "v2.0.1 and 3. and .5 and ,7, and (12) and 4%",
    "x1y2 a1.b2 1..2,,3 ...  ,,, 5,",
    "no figures at all here",
    "٣ arabic-indic digits and 4",
    "",
]


def test_figures_are_the_figures_the_pattern_finds():
    from index.duplicates import _FIGURES, _figures_hash, _hash

    for body in FIGURE_BODIES:
        assert _figures_hash(body) == _hash(" ".join(sorted(set(_FIGURES(body))))), body


def test_a_sketch_is_the_smallest_distinct_shingle_hashes():
    import random

    from index.duplicates import K, _smallest

    rng = random.Random(7)
    cases = [[rng.randrange(2**32) for _ in range(n)] for n in (0, 5, 3 * K, 3 * K + 1, 400)]
    cases.append([5] * 200 + [rng.randrange(2**32) for _ in range(10)])  # few distinct
    cases.append([2**32 - 1 - i for i in range(300)])  # none below the bound
    for hashes in cases:
        assert _smallest(hashes) == sorted(set(hashes))[:K]
