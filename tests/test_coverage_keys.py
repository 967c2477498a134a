"""The Coverage screen's keys and boxes: escape leaves at once (focus starts on the table,
not in a filter), an impossible date in a box is named, long topic labels are not cut."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import record_notes, until
from textual.widgets import Input

from tui.app import DossierApp
from tui.screens.coverage import CoverageScreen

W, H = 120, 40


async def open_coverage(pilot) -> CoverageScreen:
    await pilot.press("C")
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, CoverageScreen), "the Coverage screen")
    await until(pilot, lambda: app.screen.cov is not None, "the coverage figures")
    return app.screen


async def test_first_escape_leaves_the_coverage_screen(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await open_coverage(pilot)
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, CoverageScreen), "leaving Coverage")


async def test_impossible_month_in_the_from_box_is_named(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_coverage(pilot)
        shown = record_notes(app)
        screen.query_one("#coverage-from", Input).value = "2023-13"
        await pilot.press("f", "tab", "tab", "enter")
        await until(pilot, lambda: shown, "a warning")
        assert "2023-13 is not a date: YYYY, YYYY-MM or YYYY-MM-DD" in shown[0]
