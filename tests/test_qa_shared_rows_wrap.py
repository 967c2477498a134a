"""Found on the BBC corpus at 80×24 and 120×40: in the Quotes (Q) and Shared text (S)
screens a quotation or passage longer than the screen ran on from the left edge, so
its lines mixed with the outlet lines and group heads:

    ▊     “Given the ongoing integration of UFJ and MTFG operations, persisting with
    ▊ interests of our shareholders or UFJ's.”

Every line of a row now stands under its own indent and fits beside the scrollbar."""

from __future__ import annotations

import pytest
from conftest import app_settings
from helpers_tui import settle, until

from tui.app import DossierApp
from tui.screens.quotes import QuotesScreen
from tui.screens.reuse import ReuseScreen
from tui.screens.shared_rows import SharedRows


async def open_rows(pilot, key: str, screen, rows_id: str) -> SharedRows:
    """The screen opened by key once the shared-text analysis is ready: its rows."""
    app = pilot.app
    await until(pilot, lambda: app.analysis is not None, "the shared-text analysis")
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, screen), "the screen")
    rows = app.screen.query_one(rows_id, SharedRows)
    await until(pilot, lambda: rows.row_count > 0, "the rows laid out")
    await settle(pilot)
    return rows


def lines_of(rows: SharedRows, heads: bool = True) -> list[str]:
    return [
        line
        for i, key in enumerate(rows.keys)
        if heads or rows.item(key) is not None  # a group's head stands for nothing
        for line in rows.text_of(i).splitlines()
    ]


@pytest.mark.parametrize(
    "key, screen, rows_id", [("Q", QuotesScreen, "#quote-rows"), ("S", ReuseScreen, "#reuse-rows")]
)
async def test_rows_wrap_under_their_indent(tmp_path, key, screen, rows_id):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await open_rows(pilot, key, screen, rows_id)
        assert rows.scrollbars_enabled[0]
        width = rows.scrollable_content_region.width
        lines = lines_of(rows, heads=False)
        assert len(lines) > 10
        long = [line for line in lines if len(line) > width]
        assert long == []
        assert [line for line in lines if not line.startswith("  ")] == []


async def test_changed_words_of_a_wrapped_quotation_stay_marked(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        rows = await open_rows(pilot, "Q", QuotesScreen, "#quote-rows")
        europa = next(i for i in range(rows.row_count) if "commitment, the" in rows.text_of(i))
        marked = " ".join(
            str(line)[s.start : s.end]
            for line in rows.row_lines(europa)
            for s in line.spans
            if "reverse" in str(s.style)
        )
        # what Europa Press changed (README, "dossier quotes"), across the lines it wraps on
        changed = "I have proposed to the ministers that they return to their capitals"
        assert marked.split() == [*changed.split(), "commitment,", "the"]


@pytest.mark.parametrize(
    "key, screen, rows_id", [("Q", QuotesScreen, "#quote-rows"), ("S", ReuseScreen, "#reuse-rows")]
)
async def test_rows_wrap_again_when_the_terminal_narrows(tmp_path, key, screen, rows_id):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        rows = await open_rows(pilot, key, screen, rows_id)
        rows.cursor = 3
        assert rows.item(rows.keys[3]) is not None  # an item, not a group's head
        wide = rows.text_of(3)
        await pilot.resize_terminal(80, 24)
        await until(pilot, lambda: rows.text_of(3) != wide, "the rows wrapped again")
        width = rows.scrollable_content_region.width
        assert max(len(line) for line in lines_of(rows)) <= width
        assert rows.cursor == 3  # the row the cursor was on
