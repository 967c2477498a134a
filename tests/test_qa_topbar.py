"""Found on the first start with the BBC corpus: the index status ran into the progress
bar with no gap ("…articles indexed so far━━━━━") and, at 80 columns, was cut with
nothing to say so ("dossier index: indexing 1,400/2,232 — ")."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import settle

from tui.app import DossierApp
from tui.messages import IndexProgress, IndexStatus

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


async def test_index_phases_say_their_amount_as_they_can(tmp_path):
    """Articles as a count, a saving phase in percent, a step that cannot count (its
    label carries what it can) with no made-up '0%'."""
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        shown = []
        app.tell_search_screen = lambda msg: shown.append(msg)
        phases = ((0, 1, "listing files (3,000)"), (40, 100, "saving"), (7, 20, "indexing"))
        for done, total, label in phases:
            app.post_message(IndexProgress(done, total, label))
        await pilot.pause()
        texts = [m.text for m in shown if isinstance(m, IndexStatus)]
        assert any("index: listing files (3,000) — " in t for t in texts), texts
        assert not any("(3,000) 0%" in t for t in texts)
        assert any("index: saving 40% — " in t for t in texts)
        assert any("index: indexing 7/20 — " in t for t in texts)
