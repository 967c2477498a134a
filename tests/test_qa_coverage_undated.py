"""Found on the BBC corpus (no dates): the Coverage screen's chart was an empty frame
with a 0 and a month, though passages were tagged: those in undated articles have no
period, and nothing said they were left out of the chart."""

from __future__ import annotations

import shutil

from conftest import ARTICLES, app_settings
from helpers_tui import text_of, until
from textual.widgets import Static

from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.coverage import CoverageScreen

UNDATED_ONE = "002_e536400ab8bce265"  # its date is in metadata.yaml only


async def test_chart_says_what_undated_articles_hold(tmp_path):
    corpus = tmp_path / "corpus"
    shutil.copytree(ARTICLES, corpus, ignore=shutil.ignore_patterns("metadata.yaml"))
    settings = app_settings(tmp_path, corpus)
    lib = Library(settings)
    assert lib.infos[UNDATED_ONE].date is None
    store = TagStore.open(settings, lib)
    store.add_passage(lib.article(UNDATED_ONE), 1, ["border", "treaty"])
    store.add_passage(lib.article(UNDATED_ONE), 4, ["treaty"])
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("C")
        await until(pilot, lambda: isinstance(app.screen, CoverageScreen), "Coverage")
        await until(pilot, lambda: app.screen.cov is not None, "the coverage figures")
        legend = text_of(app.screen.query_one("#coverage-legend", Static))
        assert "not on the chart, in undated articles: Border 1, Peace treaty 2" in legend
