"""The Coverage screen's keys and boxes: escape leaves at once (focus starts on the table,
not in a filter), an impossible date in a box is named, long topic labels are not cut."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import app_settings
from helpers_tui import record_notes, until
from textual.widgets import DataTable, Input

import tui.cli as cli
from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.coverage import CoverageScreen

W, H = 120, 40
A0 = "000_0d42f3f6a94791ae"
LONG = "Lachin checkpoint and road"  # 26 characters: shown whole


@pytest.fixture
def long_label(tmp_path):
    """The bundled codebook with `border` renamed to a long label, one passage tagged."""
    settings = app_settings(tmp_path)
    topics = tuple(replace(t, label=LONG) if t.id == "border" else t for t in settings.topics)
    settings = replace(settings, topics=topics)
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article(A0), 8, ["border", "corridor"])
    return settings


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


def test_stats_table_shows_a_long_label_whole(long_label, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_settings", lambda path: long_label)
    assert cli.main(["stats"]) == 0
    out = capsys.readouterr().out
    rows = [ln for ln in out.splitlines() if ln.startswith("Lachin")]
    assert len(rows) == 2 and all(ln.startswith(LONG) for ln in rows)  # matrix, both tagged
    assert out.count(LONG) == 4  # and the headers of both-tagged and over-time


async def test_coverage_tables_show_a_long_label_whole(long_label):
    app = DossierApp(long_label, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_coverage(pilot)
        for table_id in ("#coverage-matrix", "#coverage-cooccurrence"):
            table = screen.query_one(table_id, DataTable)
            assert str(table.get_row_at(0)[0]) == LONG
            assert table.ordered_columns[0].width >= len(LONG)
