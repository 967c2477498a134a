"""Compare: two articles side by side, the aligned passages and the words that differ."""

from __future__ import annotations

from conftest import app_settings, write_files
from helpers_tui import H, W, open_reader, settle, text_of, until
from textual.widgets import Input, Static

from tui.app import DossierApp
from tui.screens.compare import CompareScreen
from tui.screens.picker import ArticlePicker
from tui.widgets.article_view import ArticleView

ART = "001_1a5c9ff20c0ee09c"


async def test_compare_marks_aligned_passage_and_replaces_side(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await open_reader(pilot, ART, 5)  # "…an agreement is within reach"
        await pilot.press("c")
        assert isinstance(app.screen, ArticlePicker)
        app.screen.query_one("#picker-input", Input).value = "Within Reach"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "compare")
        await settle(pilot)
        screen = app.screen
        left = screen.query_one("#left", ArticleView)
        right = screen.query_one("#right", ArticleView)
        assert right.article.id == "002_e536400ab8bce265"
        assert left.cursor == 5
        best = max(right.decor.scores, key=right.decor.scores.get)
        assert "within reach" in right.article.passage(best).text
        assert right.cursor == best, "the other side follows the aligned passage"
        assert right.decor.diffs[best], "differing words are marked"
        status = text_of(screen.query_one("#compare-status", Static))
        assert f"right {best}" in status and "similarity" in status
        # replace the active (left) side
        await pilot.press("r")
        app.screen.query_one("#picker-input", Input).value = "points"
        await pilot.press("enter")
        await until(pilot, lambda: left.article.id == "004_bd0bc0e79d4348b1", "the new side")
        assert "Europa Press" in text_of(screen.query_one("#meta-left", Static))
        # tab makes the right side active
        await pilot.press("tab")
        assert screen.active == "right" and right.has_focus


async def test_compare_folds_spelling_variants(tmp_path):
    """config.yaml lists Mirzoyan/Mirzoian as one name: compare does not mark them."""
    corpus = tmp_path / "corpus"
    body = "Foreign Minister {} met his counterpart in Washington on Monday for talks.\n"
    write_files(
        corpus,
        {
            "a.txt": "Talks in Washington\n\n" + body.format("Ararat Mirzoyan"),
            "b.txt": "Washington talks\n\n" + body.format("Ararat Mirzoian"),
        },
    )
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        left, right = app.library.article("a"), app.library.article("b")
        app.push_screen(CompareScreen(left, right, 1))
        await until(
            pilot,
            lambda: isinstance(app.screen, CompareScreen) and app.screen.model is not None,
            "the alignment",
        )
        await pilot.pause()
        views = app.screen.all_views()
        assert views[1].decor.scores, "the passages are aligned"
        assert all(not spans for v in views for spans in v.decor.diffs.values())
        assert "same words" in text_of(app.screen.query_one("#compare-status", Static))
