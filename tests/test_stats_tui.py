"""The Coverage screen shows the counts `dossier tags --json` gives (the same tag file,
worked out independently in helpers_stats), and its filters change them."""

from __future__ import annotations

import json

import pytest
from conftest import app_settings
from helpers_stats import expected_from_tags
from helpers_tui import until
from textual.widgets import DataTable, Input, Select
from textual_plotext import PlotextPlot

import tui.cli as cli
from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.coverage import CoverageScreen

W, H = 120, 40
A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"
A4 = "004_bd0bc0e79d4348b1"


@pytest.fixture
def settings(tmp_path):
    """Passage tags, a two-topic passage and a span over two passages."""
    settings = app_settings(tmp_path)
    lib = Library(settings)
    store = TagStore.open(settings, lib)
    a0, a1 = lib.article(A0), lib.article(A1)
    store.add_passage(a0, 8, ["border", "corridor"])
    store.add_passage(a1, 10, ["corridor"])
    store.add_passage(lib.article(A4), 3, ["treaty", "corridor"])
    p, q = a1.passage(3), a1.passage(4)
    store.add(a1, p.start + 5, q.start + 12, ["treaty"])
    return settings


@pytest.fixture
def dossier(settings, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_settings", lambda path: settings)

    def call(*argv: str) -> str:
        capsys.readouterr()
        assert cli.main(list(argv)) == 0
        return capsys.readouterr().out

    return call


def table_cells(table: DataTable) -> list[list[str]]:
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_coverage(pilot) -> CoverageScreen:
    await pilot.press("C")
    app = pilot.app
    await until(pilot, lambda: isinstance(app.screen, CoverageScreen), "the Coverage screen")
    await until(pilot, lambda: app.screen.cov is not None, "the coverage figures")
    return app.screen


async def test_coverage_screen_counts_what_tags_json_says(settings, dossier):
    want = expected_from_tags(dossier)
    stats = json.loads(dossier("stats", "--json"))
    outlets = list(stats["outlets"])
    labels = {t.id: t.label for t in settings.topics}
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_coverage(pilot)
        matrix = table_cells(screen.query_one("#coverage-matrix", DataTable))
        assert [r[0] for r in matrix] == [labels[t] for t in labels]
        for row, topic in zip(matrix, labels, strict=True):
            for cell, outlet in zip(row[1:-1], outlets, strict=True):
                passages, articles = want["matrix"][topic][outlet]
                assert cell == (f"{passages} ({len(articles)})" if passages else "·")
            total = sum(c[0] for c in want["matrix"][topic].values())
            assert row[-1].startswith(f"{total} (")
        co = table_cells(screen.query_one("#coverage-cooccurrence", DataTable))
        for row, topic in zip(co, labels, strict=True):
            assert [int(c) for c in row[1:]] == [want["co"][topic][u] for u in labels]
        assert screen.cov.series("treaty") == [
            want["time"]["treaty"][p][0] if p in want["time"]["treaty"] else 0
            for p in stats["periods"]
        ]
        assert screen.query_one("#coverage-chart", PlotextPlot).size.height >= 8

        screen.query_one("#coverage-outlet", Select).value = "RFE/RL"
        await until(pilot, lambda: list(screen.cov.outlets) == ["RFE/RL"], "the outlet filter")
        matrix = table_cells(screen.query_one("#coverage-matrix", DataTable))
        assert matrix[2][1] == "2 (1)"  # treaty: the span over A1#3 and #4
        screen.query_one("#coverage-outlet", Select).clear()
        screen.query_one("#coverage-from", Input).value = "2023-06"
        await pilot.press("f", "tab", "tab", "enter")
        await until(pilot, lambda: screen.cov.periods == ["2023-06"], "the date filter")
        await pilot.press("escape")  # out of the box first
        assert isinstance(app.screen, CoverageScreen)
        await pilot.press("escape")
        assert not isinstance(app.screen, CoverageScreen)


async def test_coverage_fits_a_small_terminal(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_coverage(pilot)
        await pilot.press("p")
        await until(pilot, lambda: screen.cov.by == "week", "weeks")
        chart = screen.query_one("#coverage-chart", PlotextPlot)
        assert chart.size.height >= 8 and chart.region.bottom <= 23
        labels = [settings.topic(t).label for t in screen.cov.topics]
        legend = str(screen.query_one("#coverage-legend").render())
        assert [label in legend for label in labels] == [True] * len(labels)
        drawn = "\n".join(chart.render_line(y).text for y in range(chart.size.height))
        assert not any(label in drawn for label in labels), "no legend drawn over the bars"
