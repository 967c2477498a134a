"""config.yaml: the shipped file loads; every broken config gives one error naming the
file, the line and the key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import CONFIG, REPO

from index.config import load_settings
from index.errors import ConfigError

BASE = CONFIG.read_text(encoding="utf-8")


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_loads():
    s = load_settings(CONFIG)
    assert s.corpus == REPO / "articles"
    assert s.index_dir.is_relative_to(REPO)  # relative paths resolve beside the file
    assert [t.id for t in s.topics] == ["border", "corridor", "treaty"]
    assert len({t.key for t in s.topics}) == 3
    assert ("Mirzoyan", "Mirzoian") in s.variants
    assert s.outlets["EUROPE PRESS"] == "Europa Press"
    c = s.cleaning
    assert c.navigation and c.boilerplate and c.link_blocks and c.datelines
    # compiled, case-insensitive, matched against a line
    assert any(p.search("SOURCE LINK") for p in c.boilerplate)
    assert not any(p.search("The talks were held in Washington.") for p in c.boilerplate)


def test_empty_config_gives_defaults(tmp_path):
    s = load_settings(_write(tmp_path, ""))
    assert s.corpus == tmp_path / "articles"
    assert s.topics == ()


# (name, how to break the shipped config, the line that should be named, key)
BROKEN = [
    (
        "bad yaml: unclosed bracket",
        lambda t: t.replace("theme: textual-dark", "theme: [textual-dark"),
        "theme: [textual-dark",
        "theme",
    ),
    (
        "bad yaml: tab",
        lambda t: t.replace("theme: textual-dark", "theme:\ttextual-dark"),
        "theme:\ttextual-dark",
        "theme",
    ),
    (
        "unknown key",
        lambda t: t + "\ncolour_scheme: dark\n",
        "colour_scheme: dark",
        "colour_scheme",
    ),
    (
        "unknown cleaning key",
        lambda t: t.replace("  navigation:", "  navigaton:"),
        "  navigaton:",
        "cleaning.navigaton",
    ),
    (
        "wrong type: topics: 5",
        lambda t: re.sub(r"(?s)\ntopics:\n.*?\n# Spellings", "\ntopics: 5\n\n# Spellings", t),
        "topics: 5",
        "topics",
    ),
    (
        "wrong type: section_label_max_words",
        lambda t: t.replace("section_label_max_words: 2", "section_label_max_words: two"),
        "section_label_max_words: two",
        "cleaning.section_label_max_words",
    ),
    (
        "bad regex in cleaning",
        lambda t: t.replace("- '^source link$'", "- '^source (link$'"),
        "'^source (link$'",
        "cleaning.boilerplate.7",
    ),
    (
        "duplicate topic key",
        lambda t: t.replace('key: "2"', 'key: "1"'),
        'key: "1"\n    colour: "#2a9d8f"',
        "topics.1.key",
    ),
    (
        "duplicate topic id",
        lambda t: t.replace("id: corridor", "id: border"),
        "  - id: border\n    label: Corridor",
        "topics.1.id",
    ),
    (
        "a key given twice in one topic",
        lambda t: t.replace('    key: "3"\n', '    key: "3"\n    key: "9"\n'),
        'key: "9"',
        "topics.2.key",
    ),
    ("a top-level key given twice", lambda t: t + "\ntheme: monokai\n", "theme: monokai", "theme"),
    (
        "one-spelling variant group",
        lambda t: t.replace("[Antony, Anthony]", "[Antony]"),
        "[Antony]",
        "variants.2",
    ),
    (
        "dateline without a named group",
        lambda t: t.replace(r"- '^\((?P<source>", r"- '^\((?:"),
        r"- '^\((?:",
        "cleaning.datelines.1",
    ),
]


# (name, how to break the shipped config, the line, key, what the message must say)
TYPOS = [
    (
        "topic color for colour",
        lambda t: t.replace('colour: "#2a9d8f"', 'color: "#2a9d8f"'),
        'color: "#2a9d8f"',
        "topics.1.color",
        "did you mean 'colour'?",
    ),
    (
        "topic lable for label",
        lambda t: t.replace("label: Peace treaty", "lable: Peace treaty"),
        "lable: Peace treaty",
        "topics.2.lable",
        "did you mean 'label'?",
    ),
    (
        "top-level tehme for theme",
        lambda t: t.replace("theme: textual-dark", "tehme: textual-dark"),
        "tehme: textual-dark",
        "tehme",
        "did you mean 'theme'?",
    ),
    (
        "cleaning boilerplte for boilerplate",
        lambda t: t.replace("  boilerplate:", "  boilerplte:"),
        "  boilerplte:",
        "cleaning.boilerplte",
        "did you mean 'boilerplate'?",
    ),
    (
        "a colour name misspelt",
        lambda t: t.replace('colour: "#e76f51"', "colour: tomatoe"),
        "colour: tomatoe",
        "topics.2.colour",
        "'tomatoe' is not a colour (a name such as 'teal', or #rrggbb); did you mean 'tomato'?",
    ),
    (
        "a hex colour with five digits",
        lambda t: t.replace('colour: "#e9c46a"', 'colour: "#e9c46"'),
        'colour: "#e9c46"',
        "topics.0.colour",
        "'#e9c46' is not a colour",
    ),
    (
        "a topic query that does not parse",
        lambda t: t.replace(
            "query: 'Lachin OR corridor OR checkpoint OR \"border post\"'",
            "query: 'Lachin OR corridor OR checkpoint OR'",
        ),
        "query: 'Lachin OR corridor OR checkpoint OR'",
        "topics.1.query",
        "the query does not parse: OR needs a term on each side",
    ),
    (
        "a topic query with an unknown field",
        lambda t: t.replace("query: 'delimitation OR", "query: 'outlett:rferl OR delimitation OR"),
        "query: 'outlett:rferl OR",
        "topics.0.query",
        "no field 'outlett'",
    ),
]


@pytest.mark.parametrize("name, breaker, where, key, says", TYPOS, ids=[b[0] for b in TYPOS])
def test_typos_and_bad_values_say_what_was_meant(tmp_path, name, breaker, where, key, says):
    text = breaker(BASE)
    assert text != BASE
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    err = info.value
    assert err.line == text[: text.index(where)].count("\n") + 1
    assert err.key == key
    assert says in err.message and str(path) in err.message


@pytest.mark.parametrize(
    "colour", ["teal", "Crimson", "#abc", "#E9C46A", "#e9c46a80", "rgb(10, 20, 30)", "ansi_red"]
)
def test_colours_the_reader_draws_are_accepted(tmp_path, colour):
    path = _write(tmp_path, BASE.replace('colour: "#e9c46a"', f'colour: "{colour}"'))
    assert load_settings(path).topics[0].colour == colour


def test_colour_names_agree_with_textual():
    from textual._color_constants import COLOR_NAME_TO_RGB
    from textual.color import Color

    from index.colours import NAMES, is_colour

    assert set(COLOR_NAME_TO_RGB) == NAMES
    for text in ("#abc", "#abcd", "#aabbcc", "#aabbccdd", "rgb(1,2,3)", "hsla(1,2%,3%,0.5)"):
        Color.parse(text)  # raises if Textual cannot draw it
        assert is_colour(text), text
    for text in ("grey50", "bright_red", "#abcde", "rgb(1,2)", "yellow 50%", ""):
        with pytest.raises(Exception):  # noqa: B017 - Textual raises its own ColorParseError
            Color.parse(text)
        assert not is_colour(text), text


@pytest.mark.parametrize("name, breaker, where, key", BROKEN, ids=[b[0] for b in BROKEN])
def test_broken_config_names_file_line_and_key(tmp_path, name, breaker, where, key):
    text = breaker(BASE)
    assert text != BASE
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_settings(path)
    err = info.value
    assert text.count(where) == 1, where
    expected = text[: text.index(where)].count("\n") + 1
    assert err.line == expected
    assert err.key == key
    msg = err.message
    assert str(path) in msg and f"line {expected}" in msg and key in msg
    assert "\n" not in msg


def test_missing_config_names_the_file(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "nope.yaml")
    assert "nope.yaml" in info.value.message and info.value.exit_code == 2


def test_config_that_is_not_a_mapping(tmp_path):
    with pytest.raises(ConfigError) as info:
        load_settings(_write(tmp_path, "- corpus\n- index\n"))
    assert info.value.line == 1
