"""The Shared text and Quotes lists draw only the rows on screen (at 100k articles they
hold tens of thousands: built as one OptionList they froze the reader for 27 s and each
key took 2 s). Here: the cursor passes over a group's head, pages and jumps land on
passages, every line of a row is drawn under the cursor, and opening the list never
turns the analysis into text on the UI thread."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import settle, until

from index.model import Article
from index.reuse_store import Analysis
from tui.app import DossierApp
from tui.screens.reader import ReaderScreen
from tui.screens.reuse import ReuseScreen
from tui.screens.shared_rows import SharedRows

SHARED = [
    "The ministers agreed on Thursday to draft the text of a border treaty within weeks,"
    " officials familiar with the talks told reporters in the capital after the meeting.",
    "Farmers in the valley said the harvest of apricots was the best in a decade, and prices"
    " at the market rose sharply as buyers came from the neighbouring towns to buy them.",
    "A museum exhibition opened with paintings from the nineteenth century lent by private"
    " collectors from across the region and abroad for the whole of the summer season.",
]
CARRIERS = [4, 3, 2]  # articles carrying each shared passage
# fmt: off
OWN = [  # words no two articles share
    "harbour", "lighthouse", "ferry", "anchor", "tide", "gull", "rope", "sail", "mast",
    "deck", "keel", "hull", "cabin", "violin", "cello", "flute", "oboe", "drum", "choir",
    "opera", "sonata", "tempo", "chord", "scale", "rhythm", "melody", "glacier", "summit",
    "ridge", "valley", "canyon", "meadow", "forest", "river", "delta", "marsh", "dune",
    "cliff", "cave", "pepper", "ginger", "garlic", "basil", "thyme", "onion", "lemon",
    "olive", "saffron", "cumin", "clove", "honey", "bread",
]
# fmt: on


def corpus_of(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i, (text, carriers) in enumerate(zip(SHARED, CARRIERS, strict=True)):
        for j in range(carriers):
            k = 5 * (i * 4 + j)
            own = f"Only this one writes of the {' and the '.join(OWN[k : k + 5])}."
            (corpus / f"a{i}{j}.txt").write_text(
                f"Title {i}-{j}\n\n{own}\n\n{text}\n", encoding="utf-8"
            )
    return corpus


async def shared_rows(pilot) -> SharedRows:
    app = pilot.app
    await until(pilot, lambda: app.analysis is not None, "the shared-text analysis")
    await pilot.press("S")
    await until(pilot, lambda: isinstance(app.screen, ReuseScreen), "the screen")
    rows = app.screen.query_one("#reuse-rows", SharedRows)
    await until(pilot, lambda: rows.row_count > 0, "the rows laid out")
    await settle(pilot)
    return rows


def heads(rows: SharedRows) -> list[int]:
    return [i for i, key in enumerate(rows.keys) if rows.item(key) is None]


async def test_the_cursor_passes_over_group_heads(tmp_path):
    app = DossierApp(app_settings(tmp_path, corpus_of(tmp_path)), background_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await shared_rows(pilot)
        assert rows.row_count == len(SHARED) + sum(CARRIERS)
        assert heads(rows) == [0, 5, 9]  # 4 carriers, then 3, then 2
        assert rows.cursor == 1  # the first passage, not the first head
        rows.cursor = 4
        await pilot.press("j")
        assert rows.cursor == 6
        await pilot.press("k")
        assert rows.cursor == 4
        await pilot.press("G")
        assert rows.cursor == rows.row_count - 1
        await pilot.press("g")
        assert rows.cursor == 1
        await pilot.press("space")
        assert rows.cursor not in heads(rows) and rows.cursor > 1


async def test_every_line_of_the_row_under_the_cursor_is_drawn_highlighted(tmp_path):
    app = DossierApp(app_settings(tmp_path, corpus_of(tmp_path)), background_index=False)
    async with app.run_test(size=(60, 30)) as pilot:  # narrow: passages take 3+ lines
        rows = await shared_rows(pilot)
        lines = rows.row_lines(rows.cursor)
        assert len(lines) >= 3
        cursor_bg = rows.get_component_rich_style("virtual-list--cursor").bgcolor
        drawn = [rows.render_line(y) for y in range(1, 1 + len(lines))]  # row 0: a head
        assert [strip.text.rstrip() for strip in drawn] == [str(line).rstrip() for line in lines]
        assert all(seg.style.bgcolor == cursor_bg for strip in drawn for seg in strip)
        head = rows.render_line(0)
        assert "first in" in head.text
        assert all(seg.style is None or seg.style.bgcolor != cursor_bg for seg in head)


async def test_laying_out_never_makes_text_of_the_analysis_or_an_article(tmp_path, monkeypatch):
    # A thread worker's description is, unless given, the repr of its arguments, made
    # on the UI thread: an analysis at 100k articles took 17 s to print, and an
    # article's repr holds its whole text.
    printed = []
    for cls in (Analysis, Article):
        monkeypatch.setattr(cls, "__repr__", lambda self: printed.append(self) or "…")
    app = DossierApp(app_settings(tmp_path, corpus_of(tmp_path)), background_index=False)
    async with app.run_test(size=(100, 30)) as pilot:
        rows = await shared_rows(pilot)
        await pilot.resize_terminal(80, 24)  # laid out again for the new width
        await until(pilot, lambda: rows.scrollable_content_region.width < 80, "narrower")
        await settle(pilot)
        await pilot.press("enter")  # the earliest carrier, laid out in the reader
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await until(pilot, lambda: app.screen.view.cursor == 2, "the passage")
    assert printed == []
