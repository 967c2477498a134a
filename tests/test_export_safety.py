"""Exports carry untrusted article text and notes safely: the CSV never hands a
spreadsheet a formula, the Markdown briefing never renders article text as HTML, links,
headings or lists. Exported through the CLI's own `dossier export` path."""

from __future__ import annotations

import csv
import io
import re

import pytest
from test_tags_cli import run  # the real `dossier` parser

from index.library import Library

TITLE = "@SUM(1+1) [Title link](http://evil.example) <script>steal()</script>"
HOSTILE = {
    "img": "Officials said <img src=x onerror=alert(1)> at the briefing.",
    "link": "Read the [click me](http://evil.example) statement & <b>notes</b>.",
    "heading": "# Fake heading in the article",
    "list": "- the border talks resume",
    "formula": '=HYPERLINK("http://evil.example","borders")',
    "plus": "+1 more ministers joined",
    "numbered": "1975. Soviet maps were the basis",
}
NOTE = "=1+2 see ![pic](http://evil.example/x.png)\n# not a heading\n> not a quote\n    not code"
TEXT = TITLE + "\n\n" + "\n\n".join(HOSTILE.values()) + "\n"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(make_corpus, capsys):
    """A corpus of one hostile article, every hostile passage tagged with a hostile note."""
    settings = make_corpus({"hostile.txt": TEXT})
    lib = Library(settings)
    lib.update()
    [aid] = lib.infos
    article = lib.article(aid)
    assert article.title.startswith("@SUM")
    tagged = 0
    for p in article.passages:
        if any(p.text == h for h in HOSTILE.values()):
            assert run(settings, "tag", p.pid, "border", "--note", NOTE) == 0
            tagged += 1
    assert tagged == len(HOSTILE)
    capsys.readouterr()
    return settings


def export(settings, capsys, fmt: str) -> str:
    assert run(settings, "export", "--format", fmt) == 0
    return capsys.readouterr().out


def test_csv_cells_never_start_a_formula(hostile, capsys, tmp_path):
    text = export(hostile, capsys, "csv")
    target = tmp_path / "out.csv"
    assert run(hostile, "export", "--format", "csv", "-o", str(target)) == 0
    assert target.read_text(encoding="utf-8") == text
    rows = list(csv.DictReader(io.StringIO(text)))
    assert len(rows) == len(HOSTILE)
    for row in rows:
        for column, cell in row.items():
            assert not cell.startswith(FORMULA_START), (column, cell)
    # the text is all there behind the quote mark
    quotes = {r["quote"] for r in rows}
    assert quotes == {"'" + h if h.startswith(FORMULA_START) else h for h in HOSTILE.values()}
    assert {r["note"] for r in rows} == {"'" + NOTE}
    assert {r["title"] for r in rows} == {"'" + TITLE}
    assert all(r["passage"].isdigit() and r["start"].isdigit() for r in rows)


def test_markdown_renders_article_text_and_notes_as_text(hostile, capsys):
    md = export(hostile, capsys, "md")
    lowered = md.lower()
    assert "<img" not in lowered and "<script" not in lowered and "<b>" not in lowered
    assert "](http" not in md and "![" not in md
    assert not re.search(r"(?<!\\)[\[\]]", md), "an unescaped bracket could open a link"
    headings = [ln for ln in md.splitlines() if ln.lstrip("> ").startswith("#")]
    assert headings == ["# Tagged evidence", "## Border (7)"]
    # no article line starts a list, a numbered list, a quote in the quote, or code
    for ln in md.splitlines():
        body = ln[2:] if ln.startswith("> ") else ln
        assert not re.match(r"([-+*=>]|\d+[.)])( |$)", body), ln
        assert not body.startswith("    "), ln
    # the words are all still there, escaped
    for words in (
        "onerror=alert(1)",
        "click me",
        "Fake heading in the article",
        "the border talks resume",
        "Soviet maps were the basis",
        "not a heading",
        "not a quote",
        "not code",
        "steal()",
    ):
        assert words in md, words
    assert "> Officials said &lt;img src=x onerror=alert(1)&gt; at the briefing." in md
    assert "> \\- the border talks resume" in md
    assert "> 1975\\. Soviet maps were the basis" in md
    assert "statement &amp; &lt;b&gt;notes&lt;/b&gt;." in md
    # ordinary prose keeps its periods and parentheses
    assert 'HYPERLINK("http://evil.example","borders")' in md
