"""Found on the first start with the BBC corpus: the index status ran into the progress
bar with no gap ("…articles indexed so far━━━━━") and, at 80 columns, was cut with
nothing to say so ("dossier index: indexing 1,400/2,232 — ")."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import settle

from tui.app import DossierApp
from tui.messages import IndexStatus

LONG = "index: indexing 1,400/2,232 — searching the previous index meanwhile"


async def test_a_long_index_status_ends_in_an_ellipsis_before_the_bar(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        app.tell_search_screen(IndexStatus(LONG, (1400, 2232, "indexing")))
        await pilot.pause()
        await pilot.pause()
        status = app.screen.query_one("#index-status")
        bar = app.screen.query_one("#index-progress")
        assert status.region.right < bar.region.x  # a gap between them
        line = status.render_line(0).text.rstrip()
        assert line.endswith("…"), line
        assert line[:-1] in LONG
