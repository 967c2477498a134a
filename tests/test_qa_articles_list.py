"""Found trying the reader on the BBC corpus: the articles list's column heads stood two
columns left of the columns once a filter left few enough rows for the scrollbar to go
(and two columns right when it came back): the heads were laid out for the list's width
before the list knew whether it scrolls."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import open_reader, settle, text_of, until, view_lines
from textual.widgets import Input, Static

from tui.app import DossierApp
from tui.widgets.articles import ArticlesPane
from tui.widgets.virtual_list import VirtualList


def head_and_rows(app) -> tuple[str, list[str]]:
    head = text_of(app.screen.query_one("#articles-head", Static))
    rows = view_lines(app.screen.query_one("#articles", VirtualList)).splitlines()
    return head, [r for r in rows if r.strip()]


async def test_column_heads_stay_over_their_columns_as_the_scrollbar_comes_and_goes(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(100, 10)) as pilot:  # 3 rows for 5 articles: it scrolls
        await settle(pilot)
        listing = app.screen.query_one("#articles", VirtualList)
        assert listing.scrollbars_enabled[0]
        for text in ("europa", ""):  # one row (no scrollbar), then all five again
            await pilot.press("f")
            app.screen.query_one("#filter", Input).value = text
            rows_wanted = 1 if text else 5
            await until(pilot, lambda n=rows_wanted: listing.row_count == n, "the filter")
            await settle(pilot)
            head, rows = head_and_rows(app)
            assert head.index("Date") == rows[0].index("2023-"), (head, rows[0])


async def test_back_from_the_reader_the_list_counts_the_new_tag_without_sorting_again(
    tmp_path, monkeypatch
):
    """The list is loaded again on every return from the reader (for its tag counts):
    the same articles keep their order instead of being sorted again (0.8 s at 100k
    articles, the screen frozen)."""
    sorts: list[int] = []
    real = ArticlesPane._sorted
    monkeypatch.setattr(ArticlesPane, "_sorted", lambda self, i: sorts.append(1) or real(self, i))
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        listing = app.screen.query_one("#articles", VirtualList)
        order = list(listing.keys)
        sorted_before = len(sorts)
        await open_reader(pilot, "000_0d42f3f6a94791ae", 1)
        await pilot.press("1")  # tag passage 1 with the first topic
        await pilot.press("escape")
        row = order.index("000_0d42f3f6a94791ae")

        def tags_shown() -> str:
            return view_lines(listing).splitlines()[row].split()[-1]

        await until(pilot, lambda: tags_shown() == "1", "the tag counted in the list")
        assert list(listing.keys) == order
        assert len(sorts) == sorted_before
