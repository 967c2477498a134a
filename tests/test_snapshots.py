"""Pictures of the screens at 120×40 and 80×24 (pytest-textual-snapshot).

Update after an intended change with `pytest tests/test_snapshots.py --snapshot-update`
and look at the new SVGs before committing them. The cursor does not blink in these
pictures (a blink caught half-way made them flaky)."""

from __future__ import annotations

import pytest
from conftest import app_settings
from helpers_tui import settle, until
from textual.widgets import Input

from tui.app import DossierApp
from tui.screens.compare import CompareScreen
from tui.screens.help import HelpScreen
from tui.screens.reader import ReaderScreen

BIG, SMALL = (120, 40), (80, 24)


@pytest.fixture
def app(tmp_path):
    return DossierApp(app_settings(tmp_path), background_index=False)


async def still(pilot) -> None:
    """Workers done, messages handled, no cursor blinking."""
    await settle(pilot)
    for box in pilot.app.screen.query(Input):
        box.cursor_blink = False
    await pilot.pause()


async def query(pilot, text: str) -> None:
    app = pilot.app
    await pilot.press("slash")
    app.screen.query_one("#query", Input).value = text
    await until(pilot, lambda: app.last_result and app.last_result.query == text, "results")
    await still(pilot)


async def reader_on(pilot, text: str) -> None:
    await query(pilot, text)
    await pilot.press("enter")
    await until(
        pilot,
        lambda: isinstance(pilot.app.screen, ReaderScreen) and pilot.app.screen.hits is not None,
        "the reader",
    )
    await still(pilot)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x40", "80x24"])
def test_first_screen(snap_compare, app, size):
    assert snap_compare(app, terminal_size=size, run_before=still)


def test_search_screen(snap_compare, app):
    async def run_before(pilot):
        await query(pilot, '"within reach"')

    assert snap_compare(app, terminal_size=BIG, run_before=run_before)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x40", "80x24"])
def test_reader_screen(snap_compare, app, size):
    async def run_before(pilot):
        await reader_on(pilot, "goodwill")

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", [BIG, SMALL], ids=["120x40", "80x24"])
def test_compare_screen(snap_compare, app, size):
    async def run_before(pilot):
        await reader_on(pilot, "within reach")
        await pilot.press("c")
        pilot.app.screen.query_one("#picker-input", Input).value = "points"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(pilot.app.screen, CompareScreen), "compare")
        await still(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_help_screen(snap_compare, app):
    async def run_before(pilot):
        await pilot.press("question_mark")
        await until(pilot, lambda: isinstance(pilot.app.screen, HelpScreen), "help")
        await still(pilot)

    assert snap_compare(app, terminal_size=BIG, run_before=run_before)
