"""Plain-text articles saved by tools that left HTML character references in them
(BBC's files: "Jos&#233; Manuel Barroso", "&#163;1.8m"): the reader shows, searches
and tags the characters they stand for, and leaves text that only looks like one."""

from __future__ import annotations

from index.library import Library
from index.text import decode_char_refs

BODY = (
    "Tottenham bid &#163;8m for Forest duo\n\n"
    "EC President Jos&#233; Manuel Barroso wrote to the caf&#xE9; owners.\n\n"
    "AT&T and R&D teams &copy reserved; fans were dull :- &lt;( and &amp; more.\n\n"
    "A bell&#7; and an escape&#27;[31m stay out of the text.\n"
)


def test_a_text_file_is_read_with_its_references_decoded(make_corpus):
    lib = Library(make_corpus({"bbc/191.txt": BODY}))
    lib.update()
    [info] = lib.infos.values()
    assert info.title == "Tottenham bid £8m for Forest duo"
    article = lib.article(info.id)
    assert "José Manuel Barroso wrote to the café owners." in article.text
    # only numeric references and the five of XML, each closed by its semicolon
    assert "AT&T and R&D teams &copy reserved; fans were dull :- <( and & more." in (article.text)
    # a reference to a control character decodes to nothing
    assert "\x07" not in article.text and "\x1b" not in article.text
    assert "A bell and an escape[31m stay" in article.text
    found = lib.engine.search("José Barroso")
    assert found.total == 1
    assert lib.engine.search("Jos&#233;").total == 0


def test_each_reference_is_decoded_once_and_plain_text_left_alone():
    assert decode_char_refs("no references & no change") == "no references & no change"
    once = decode_char_refs("&amp;#233; stays a reference once decoded")
    assert once == "&#233; stays a reference once decoded"
