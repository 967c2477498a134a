"""Keyboard span selection inside a passage (index/spans.py): w/W add or drop a word,
whatever punctuation follows the last one."""

from __future__ import annotations

from index.spans import extend, first_sentence

TEXT = "The talks went well, officials said. A second sentence follows."


def test_dropping_a_word_drops_the_last_word_not_just_its_full_stop():
    start, end = first_sentence(TEXT)
    assert TEXT[start:end] == "The talks went well, officials said."
    end = extend(TEXT, start, end, "word", -1)[1]
    assert TEXT[start:end] == "The talks went well, officials"
    end = extend(TEXT, start, end, "word", -1)[1]
    assert TEXT[start:end] == "The talks went well"
    end = extend(TEXT, start, end, "word", -1)[1]
    assert TEXT[start:end] == "The talks went"


def test_adding_and_dropping_words_stop_at_the_edges():
    end = extend(TEXT, 0, 3, "word", -1)[1]
    assert TEXT[:end] == "The", "never shorter than one word"
    end = extend(TEXT, 0, 3, "word", 1)[1]
    assert TEXT[:end] == "The talks"
    end = extend(TEXT, 0, len(TEXT), "word", 1)[1]
    assert end == len(TEXT), "never past the text"
