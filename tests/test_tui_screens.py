"""The Tags screen and small terminals."""

from __future__ import annotations

import threading

from conftest import app_settings
from helpers_tui import W, text_of, until
from textual.widgets import DataTable, Static

from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.compare import CompareScreen
from tui.screens.tags import TagsScreen

ART = "001_1a5c9ff20c0ee09c"
NOTE = "Checkpoint set up on April 23; " + "the wording differs between outlets. " * 8 + "END"


async def test_tags_screen_shows_titles_whole_notes_and_anchors(tmp_path, monkeypatch):
    settings = app_settings(tmp_path)
    TagStore.open(settings).add_passage(Library(settings).article(ART), 10, ["corridor"], NOTE)
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, 40)) as pilot:
        threads: list[str] = []
        real = app.tags.resolve_all

        def resolve_all(*a, **kw):
            threads.append(threading.current_thread().name)
            return real(*a, **kw)

        monkeypatch.setattr(app.tags, "resolve_all", resolve_all)
        await pilot.press("T")
        assert isinstance(app.screen, TagsScreen)
        table = app.screen.query_one("#tag-table", DataTable)
        await until(pilot, lambda: table.row_count == 1, "the tag rows")
        assert threads and threading.main_thread().name not in threads
        labels = [str(c.label) for c in table.columns.values()]
        assert labels[:3] == ["Topic", "Anchor", "Article"], "the anchor status is in view"
        row = [str(c) for c in table.get_row_at(0)]
        assert row[1] == "exact"
        assert row[2].startswith("Armenia, Azerbaijan Make Progress") and row[2].endswith("#10")
        detail = text_of(app.screen.query_one("#tag-detail", Static))
        assert "Lachin" in detail and NOTE in detail, "the whole note, and the quote"
        summary = text_of(app.screen.query_one("#tags-summary", Static))
        assert "1 tag (passages and spans)" in summary
        matrix = app.screen.query_one("#tag-matrix", DataTable)
        headers = [str(c.label) for c in matrix.columns.values()]
        assert [t.label for t in settings.topics] == headers[1:-1], "topic labels, whole"
        assert str(matrix.get_row_at(0)[0]).startswith("Armenia, Azerbaijan Mak")
        await pilot.press("enter")
        await until(pilot, lambda: not isinstance(app.screen, TagsScreen), "the reader")


async def test_small_terminal_keeps_status_whole(tmp_path):
    settings = app_settings(tmp_path)
    lib = Library(settings)
    article = lib.article(ART)
    TagStore.open(settings).add_passage(article, 5, ["treaty", "border"], NOTE)
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(CompareScreen(article, lib.article("002_e536400ab8bce265"), 5))
        await until(
            pilot,
            lambda: isinstance(app.screen, CompareScreen) and app.screen.model is not None,
            "the alignment",
        )
        await pilot.pause()
        status = app.screen.query_one("#compare-status", Static)
        wanted = text_of(status)
        assert "similarity" in wanted and "note:" in wanted
        lines = status.render_lines(status.region.reset_offset)
        shown = " ".join(strip.text.strip() for strip in lines)
        assert " ".join(shown.split()) == " ".join(wanted.split()), "the status is not cut"
