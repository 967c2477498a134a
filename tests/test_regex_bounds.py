"""Cleaning patterns from config.yaml never hang indexing (issue 13 item 6): a pattern
that can take exponential time is refused at load, naming the pattern and its line;
the patterns people write (and the shipped ones) load."""

from __future__ import annotations

import pytest
from conftest import CONFIG

from index.config import load_settings
from index.errors import ConfigError
from index.regexcheck import catastrophic

BASE = CONFIG.read_text(encoding="utf-8")
BAD = ["(a+)+$", "(a*)*", "(a|a)*", r"(\w+\s?)+$", "^(a|aa)+$", "(.*a){20}", r"(\s*,\s*)+x"]
GOOD = [
    r"(\w+\s)+\|",
    "a+b+",
    "^(jan|feb|mar|may)[a-z]*",
    "(ab|cd)+",
    r"(\d{1,2}, )+x",
    r"^\s*[•·»]\s",
    "(ab?)+",
    r"(\w|\d)+$",
    "uses cookies|cookie policy|accept (all )?cookies",
]


@pytest.mark.parametrize("pattern", BAD)
def test_catastrophic_patterns_are_refused_at_load(tmp_path, pattern):
    text = BASE.replace("  boilerplate:\n", f"  boilerplate:\n    - '{pattern}'\n", 1)
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(f"    - '{pattern}'") + 1
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    msg = str(err.value)
    assert f"line {line}" in msg and "cleaning.boilerplate.0" in msg
    assert pattern in msg and "exponential time" in msg


@pytest.mark.parametrize("pattern", GOOD)
def test_patterns_people_write_load(pattern):
    assert catastrophic(pattern) is None


def test_shipped_patterns_load():
    c = load_settings(CONFIG).cleaning
    for p in (*c.navigation, *c.boilerplate, *c.link_blocks, *c.datelines):
        assert catastrophic(p.pattern) is None
