"""The reader driven as a user would: keys in, widgets read."""

from __future__ import annotations

import dataclasses
import shutil

import pytest
from conftest import app_settings
from textual.widgets import Input, OptionList, Static

from index.errors import ConfigError
from tui.app import DossierApp
from tui.keys import check_keys
from tui.screens.compare import CompareScreen
from tui.screens.help import HelpScreen
from tui.screens.picker import ArticlePicker
from tui.screens.reader import ReaderScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.virtual_list import VirtualList

W, H = 120, 40


@pytest.fixture
def settings(tmp_path):
    return app_settings(tmp_path)


def text_of(widget) -> str:
    return str(widget.render())


def view_lines(view: ArticleView) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def type_query(pilot, text: str) -> None:
    if not isinstance(pilot.app.focused, Input):
        await pilot.press("slash")
    await pilot.press(*text)
    await pilot.pause(0.4)
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_search_open_next_hit(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await type_query(pilot, "Lachin")
        message = text_of(app.screen.query_one("#message", Static))
        assert "4 passages in 3 articles" in message
        results = app.screen.query_one("#results", OptionList)
        ids = [o.id for o in results.options]
        assert sum(1 for i in ids if i.startswith("a:")) == 3
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        view = app.screen.query_one(ArticleView)
        first = view.cursor
        assert "Lachin" in view.article.passage(first).text
        assert view.decor.hits[first], "the query's words are highlighted"
        await pilot.press("n")
        await pilot.pause()
        hits = sorted(view.decor.hits)
        assert view.cursor == (hits[(hits.index(first) + 1) % len(hits)])
        status = text_of(app.screen.query_one("#reader-status", Static))
        assert "for “Lachin”" in status


async def test_reader_keys_move_by_passage_and_page(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.open_article("002_e536400ab8bce265", 1)
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        await pilot.press("j", "j", "down")
        assert view.cursor == 4
        await pilot.press("k")
        assert view.cursor == 3
        await pilot.press("G")
        assert view.cursor == len(view.article.passages)
        await pilot.press("g")
        assert view.cursor == 1
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_offset.y > 0 and view.cursor > 1
        # a readable width: lines never run past the text column
        assert max(len(line.rstrip()) for line in view_lines(view).splitlines()) <= 9 + 78 + 1


async def test_articles_list_sorts_and_opens(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("escape", "a")
        lst = app.screen.query_one("#articles", VirtualList)
        assert lst.has_focus and lst.row_count == 5
        dates = [app.library.infos[k].date for k in lst._keys]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")  # by outlet
        outlets = [app.library.infos[k].source or "~" for k in lst._keys]
        assert outlets == sorted(outlets, key=str.casefold)
        await pilot.press("s")  # by title
        titles = [app.library.infos[k].title.casefold() for k in lst._keys]
        assert titles == sorted(titles)
        await pilot.press("down", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == lst._keys[1]


async def test_compare_marks_aligned_passage_and_replaces_side(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.open_article("001_1a5c9ff20c0ee09c", 5)  # "…an agreement is within reach"
        await pilot.pause()
        await pilot.press("c")
        assert isinstance(app.screen, ArticlePicker)
        await pilot.press(*"Within Reach")
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, CompareScreen)
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
        await pilot.press(*"points")
        await pilot.press("enter")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert left.article.id == "004_bd0bc0e79d4348b1"
        assert "Europa Press" in text_of(screen.query_one("#meta-left", Static))
        # tab makes the right side active; its cursor's match shows on the left
        await pilot.press("tab")
        await pilot.pause()
        assert screen.active == "right" and right.has_focus


async def test_help_lists_every_key(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = text_of(app.screen.query_one("#help-text", Static))
        for key_desc in (
            "Next hit",
            "Compare",
            "Switch side",
            "Articles",
            "Removed text",
            "Sort",
            "Quit",
        ):
            assert key_desc in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def test_palette_opens_article_by_title(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"Make Progress On")
        await pilot.pause(0.5)
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == "001_1a5c9ff20c0ee09c"


async def test_malformed_query_shows_message(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await type_query(pilot, '"within reach')
        message = text_of(app.screen.query_one("#message", Static))
        assert "quote is not closed" in message
        assert "passages in" in message  # the lenient reading still searched


async def test_zero_results_offers_near_spellings(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await type_query(pilot, "agreemnt")
        message = text_of(app.screen.query_one("#message", Static))
        assert "No passages match" in message and "agreement" in message


async def test_empty_corpus(tmp_path):
    corpus = tmp_path / "empty"
    corpus.mkdir()
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await type_query(pilot, "peace")
        assert "No passages match" in text_of(app.screen.query_one("#message", Static))
        await pilot.press("escape", "a")
        assert app.screen.query_one("#articles", VirtualList).row_count == 0


async def test_markup_and_escapes_shown_literally(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "evil.txt").write_text(
        "Title with [/b] and [bold red]markup[/]\n\n"
        "Body [link=http://x]click[/link] and \x1b[31mred\x1b[0m and a bell\x07.\n",
        encoding="utf-8",
    )
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await type_query(pilot, "click")
        results = app.screen.query_one("#results", OptionList)
        assert any("[/b]" in str(o.prompt) for o in results.options)
        app.open_article("evil", 1)
        await pilot.pause()
        assert "[/b] and [bold red]markup[/]" in text_of(app.screen.query_one("#reader-title"))
        shown = view_lines(app.screen.query_one(ArticleView))
        assert "[link=http://x]click[/link]" in shown
        assert "\x1b" not in shown and "\x07" not in shown
        assert "␛[31mred␛[0m" in shown


async def test_search_follows_typing_newest_wins(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press(*"Lachin")
        await pilot.press(*["backspace"] * 6, *"delimitation")
        await pilot.pause(0.4)
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen.query_one("#query", Input).value == "delimitation"
        assert app.last_result.query == "delimitation"
        ids = [o.id for o in app.screen.query_one("#results", OptionList).options]
        assert ids[0] == "a:000_0d42f3f6a94791ae"


async def test_toggle_removed_text(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.open_article("000_0d42f3f6a94791ae", 1)
        await pilot.pause()
        view = app.screen.query_one(ArticleView)
        assert "cookies" not in view_lines(view)
        await pilot.press("x", "G")
        await pilot.pause()
        assert "cookies" in view_lines(view)
        assert "removed text" in text_of(app.screen.query_one("#reader-status"))


async def test_first_start_indexes_in_the_background(tmp_path):
    settings = app_settings(tmp_path)
    shutil.rmtree(settings.index_dir)  # a first start: no index yet
    app = DossierApp(settings)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press(*"Lachin")
        await pilot.pause(0.2)
        if not app.index_ready:
            assert "Indexing" in text_of(app.screen.query_one("#message", Static))
        for _ in range(200):  # the indexer runs in another process
            await pilot.pause(0.05)
            if app.index_ready and app.last_result is not None:
                break
        status = text_of(app.screen.query_one("#index-status", Static))
        assert "5 articles" in status and "index updated" in status
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "4 passages in 3 articles" in text_of(app.screen.query_one("#message", Static))


def test_topic_keys_and_rebinding_are_checked(tmp_path):
    settings = app_settings(tmp_path)
    check_keys(settings)  # the bundled codebook uses digits: nothing to say
    clash = dataclasses.replace(
        settings, topics=(dataclasses.replace(settings.topics[0], key="j"),)
    )
    with pytest.raises(ConfigError) as err:
        check_keys(clash)
    assert err.value.key == "topics.0.key" and "reader.next_passage" in err.value.message
    with pytest.raises(ConfigError) as err:
        check_keys(dataclasses.replace(settings, keys={"no.such": "x"}))
    assert err.value.key == "keys.no.such"
    check_keys(dataclasses.replace(settings, keys={"reader.compare": "ctrl+k"}))
