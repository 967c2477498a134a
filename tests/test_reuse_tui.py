"""Shared text and quotations in the reader: ≡ on shared passages, C to the other
carriers in compare and back, the Quotes and Shared text screens, the list by story."""

from __future__ import annotations

import pytest
from conftest import app_settings
from helpers_tui import H, W, open_reader, settle, text_of, until, view_lines
from textual.widgets import Input, OptionList, Static

from tui.app import DossierApp
from tui.screens.compare import CompareScreen
from tui.screens.picker import ArticlePicker
from tui.screens.quotes import QuotesScreen
from tui.screens.reader import ReaderScreen
from tui.screens.reuse import ReuseScreen
from tui.screens.shared_rows import SharedRows

RFE = "001_1a5c9ff20c0ee09c"  # passage 5: "…compromise, an agreement is within reach"
AFP = "002_e536400ab8bce265"
EUROPA = "004_bd0bc0e79d4348b1"


@pytest.fixture
def app(tmp_path):
    return DossierApp(app_settings(tmp_path), background_index=False)


async def analysed(pilot) -> None:
    await until(pilot, lambda: pilot.app.analysis is not None, "the shared-text analysis")


async def laid_out(pilot, rows_id: str) -> SharedRows:
    rows = pilot.app.screen.query_one(rows_id, SharedRows)
    await until(pilot, lambda: rows.row_count > 0, "the rows laid out")
    await settle(pilot)
    return rows


async def test_margin_mark_then_other_carriers_in_compare_and_back(app):
    async with app.run_test(size=(W, H)) as pilot:
        await analysed(pilot)
        reader = await open_reader(pilot, RFE, 5)
        await settle(pilot)
        view = reader.view
        assert 5 in view.decor.shared
        assert 2 not in view.decor.shared  # a passage no other article carries
        line = next(ln for ln in view_lines(view).splitlines() if ln.lstrip().startswith("5 "))
        assert "≡" in line[:9]
        status = text_of(reader.query_one("#reader-status", Static))
        assert "also in 2 other articles" in status
        await pilot.press("equals_sign")  # two other carriers: a picker of just those
        assert isinstance(app.screen, ArticlePicker)
        picker = app.screen.query_one("#picker-list", OptionList)
        listed = {picker.get_option_at_index(i).id for i in range(picker.option_count)}
        assert listed == {AFP, EUROPA}
        count = text_of(app.screen.query_one("#picker-count", Static))
        assert "2 articles" in count and "related first" not in count
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "compare")
        await settle(pilot)
        compare = app.screen
        left, right = compare.view("left"), compare.view("right")
        assert left.article.id == RFE and left.cursor == 5
        assert "within reach" in right.article.passage(right.cursor).text
        await pilot.press("escape")
        assert app.screen is reader and reader.view.cursor == 5


async def test_carriers_key_on_a_passage_nobody_else_carries_says_so(app):
    async with app.run_test(size=(W, H)) as pilot:
        await analysed(pilot)
        reader = await open_reader(pilot, RFE, 2)
        await pilot.press("equals_sign")
        await settle(pilot)
        assert app.screen is reader


async def test_quotes_screen_shows_the_changed_word_and_opens_a_variant(app):
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("Q")
        assert isinstance(app.screen, QuotesScreen)
        await analysed(pilot)
        rows = await laid_out(pilot, "#quote-rows")
        texts = [rows.text_of(i) for i in range(rows.row_count)]
        assert any("compromise, an → commitment, the" in " ".join(t.split()) for t in texts)
        assert any("Blinken" in t and "3 articles" in t for t in texts)
        rows.cursor = next(i for i, t in enumerate(texts) if "commitment, the" in t)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        reader = app.screen
        assert reader.article.id == EUROPA
        await until(pilot, lambda: reader.view.selection is not None, "the quotation selected")
        assert reader.view.cursor == 5
        n, start, end = reader.view.selection
        assert reader.article.passage(n).text[start:end].startswith("I have proposed")
        assert reader.article.passage(n).text[start:end].endswith("within reach,")


async def test_reuse_screen_lists_clusters_and_compares_with_the_first_carrier(app):
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("S")
        assert isinstance(app.screen, ReuseScreen)
        await analysed(pilot)
        rows = await laid_out(pilot, "#reuse-rows")
        outlets = text_of(app.screen.query_one("#reuse-outlets", Static))
        assert "RFE/RL" in outlets and "%" in outlets
        rows.cursor = list(rows.keys).index(f"{EUROPA}#5")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "compare")
        assert app.screen.view("left").article.id == RFE  # the earliest carrier
        assert app.screen.view("right").article.id == EUROPA


SHARED = (
    "The ministers agreed on Thursday to draft the text of a border treaty within weeks,"
    " officials familiar with the talks told reporters in the capital after the meeting ended."
)
HARVEST = (
    "Farmers in the valley said the harvest of apricots was the best in a decade, and prices"
    " at the market rose sharply as buyers came from neighbouring towns."
)
MUSEUM = (
    "A museum exhibition opened with paintings from the nineteenth century lent by private"
    " collectors from across the region and abroad for the season."
)


async def test_reuse_screen_compare_opens_on_the_shared_pair_of_passages(tmp_path):
    # b carries a's passage 2 twice (#1, and #4 with a word changed): the alignment pairs
    # a #2 with b #1; enter on b #4 must still show b #4
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text(f"Title A\n\n{MUSEUM}\n\n{SHARED}\n\n{HARVEST}\n")
    (corpus / "b.txt").write_text(
        f"Title B\n\n{SHARED}\n\n{MUSEUM.replace('museum', 'gallery')}\n\n{HARVEST}"
        f"\n\n{SHARED.replace('Thursday', 'Friday')}\n"
    )
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("S")
        await analysed(pilot)
        rows = await laid_out(pilot, "#reuse-rows")
        rows.cursor = list(rows.keys).index("b#4")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "compare")
        compare = app.screen
        await until(pilot, lambda: compare.model is not None, "the alignment")
        await settle(pilot)
        assert compare.model.pair("left", 2).best.n == 1  # what the alignment alone shows
        left, right = compare.view("left"), compare.view("right")
        assert (left.article.id, left.cursor) == ("a", 2)
        assert (right.article.id, right.cursor) == ("b", 4)
        assert "left 2 ↔ right 4" in text_of(compare.query_one("#compare-status", Static))


async def test_articles_list_groups_by_story(app):
    async with app.run_test(size=(W, H)) as pilot:
        await analysed(pilot)
        await settle(pilot)
        pane = app.screen.pane
        while pane.sort != "story":
            await pilot.press("s")
        await settle(pilot)
        shown = list(pane.listing._keys)
        assert "[story 1]" in view_lines(pane.listing)
        assert shown[:3] == [RFE, AFP, EUROPA]
        assert set(shown[3:5]) == {"000_0d42f3f6a94791ae", "003_408a409204c2d65a"}


async def test_article_text_in_the_quotes_screen_is_never_markup(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    quote = "[bold red]we will sign[/] the treaty \x1b[31mby the end of the year"
    for name in ("a", "b"):
        (corpus / f"{name}.txt").write_text(
            f"Talks {name}\n\n“{quote},” Maria Lopez said.\n", encoding="utf-8"
        )
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("Q")
        await analysed(pilot)
        rows = await laid_out(pilot, "#quote-rows")
        texts = [" ".join(rows.text_of(i).split()) for i in range(rows.row_count)]
        assert any("[bold red]we will sign[/]" in t for t in texts)
        assert not any("\x1b" in t for t in texts)
        await pilot.press("escape")
        assert not isinstance(app.screen, QuotesScreen)
        app.screen.query_one("#query", Input)  # back on the first screen
