"""Wrapping keeps offsets exact: lines cover the text in order and fit the width."""

from __future__ import annotations

import itertools
import random

import pytest
from rich.cells import cell_len

from tui.wrap import wrap

WORDS = ["a", "bb", "ccc", "word", "x" * 78, "y" * 79, "  ", "\t", "é", "Mirzoián", "中文字", "\n"]


@pytest.mark.parametrize("seed", range(5))
def test_lines_cover_the_text_and_fit(seed):
    rng = random.Random(seed)
    for _ in range(300):
        text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(0, 40)))
        if rng.random() < 0.2:
            text = "  " + text
        for width in (1, 10, 78):
            lines = wrap(text, width)
            assert lines[0][0] == 0 and lines[-1][1] == len(text)
            for (_, end), (start, _) in itertools.pairwise(lines):
                assert start == end or (start == end + 1 and text[end] == "\n")
            for start, end in lines:
                shown = text[start:end].rstrip()
                assert cell_len(shown) <= width or len(shown.strip()) == 1


def test_breaks_at_spaces_and_keeps_them_on_the_line():
    text = "the quick brown fox jumps"
    assert [text[s:e] for s, e in wrap(text, 10)] == ["the quick ", "brown fox ", "jumps"]


def test_a_five_megabyte_paragraph_wraps_in_one_pass():
    text = "The quick brown fox jumps over the lazy dog. " * 110_000
    lines = wrap(text, 78)
    assert len(lines) > 60_000 and lines[-1][1] == len(text)
