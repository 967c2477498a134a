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
    assert all(isinstance(p, re.Pattern) for p in c.boilerplate)


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
