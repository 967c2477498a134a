"""Keys typed right after the key that opens a text box, in one burst (a fast typist,
a paste, tmux send-keys), go into that box in order: none runs a command of the list
the keys were read on, none is lost."""

from __future__ import annotations

import pytest
from conftest import app_settings
from helpers_tui import H, W, open_reader, until
from textual import events
from textual.command import CommandPalette
from textual.keys import _character_to_key
from textual.widgets import Input

from index.config import load_settings
from tui.app import DossierApp
from tui.screens.help import HelpScreen
from tui.screens.picker import ArticlePicker
from tui.screens.search import SearchScreen
from tui.widgets.virtual_list import VirtualList


def burst(app, keys: str) -> None:
    """Every key of `keys` queued to the app at once, as a terminal read of one burst
    delivers them (Pilot.press waits for the app to go idle after each key)."""
    for char in keys:
        key = char if char.isalnum() else _character_to_key(char)
        event = events.Key(key, char)
        event.set_sender(app)
        app.post_message(event)


def listed(app) -> list[str]:
    return list(app.screen.query_one("#articles", VirtualList)._keys)


@pytest.mark.parametrize("typed", ['"last year"', "sanctions talks", "q?ab"])
async def test_keys_typed_in_one_burst_after_slash_go_in_the_search_box(settings, typed):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#query", Input)
        order = listed(app)
        burst(app, "/" + typed)
        await until(pilot, lambda: box.value == typed, f"{typed!r} in the box", timeout=5)
        await pilot.pause()
        assert box.value == typed, "every key after / in the box, in order"
        assert box.has_focus
        assert isinstance(app.screen, SearchScreen), "q and ? were text, not commands"
        assert app.screen.pane.sort == "date", "s was text, it did not sort the list"
        assert listed(app) == order or app.screen.panes.current == "results"


async def test_keys_typed_in_one_burst_after_slash_in_the_reader_go_in_the_search_box(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await open_reader(pilot, "001_1a5c9ff20c0ee09c")
        burst(app, "/peace talks")  # n, a, k, ... are reader keys
        await until(
            pilot,
            lambda: isinstance(app.screen, SearchScreen) and app.screen.box.value == "peace talks",
            "the query in the search box",
            timeout=5,
        )
        assert app.screen.box.has_focus
        await until(
            pilot,
            lambda: app.last_result is not None and app.last_result.query == "peace talks",
            "its results",
        )
        assert app.last_result.total > 0


async def test_slash_over_a_modal_screen_is_the_modal_s_key(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("slash")
        assert isinstance(app.screen, HelpScreen), "/ does not leave the help screen"
        await pilot.press("escape", "slash", "o")
        assert app.screen.box.value == "o"


async def test_slash_in_the_filter_box_is_text(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("f", *"2023/05")
        assert app.screen.query_one("#filter", Input).value == "2023/05"
        assert not app.screen.box.has_focus


async def test_the_palette_focuses_the_search_box(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("ctrl+p", *"search")
        await until(pilot, lambda: isinstance(app.screen, CommandPalette), "the palette")
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SearchScreen), "the palette closed")
        await until(pilot, lambda: app.screen.box.has_focus, "the search box focused")


def with_keys(tmp_path, keys: str):
    """The test settings with `keys:` of config.yaml set to `keys` (YAML)."""
    path = app_settings(tmp_path).path
    text = path.read_text(encoding="utf-8").replace("keys: {}", f"keys:\n  {keys}")
    path.write_text(text, encoding="utf-8")
    return load_settings(path)


async def test_a_rebound_search_key_takes_the_keys_after_it_too(tmp_path):
    app = DossierApp(with_keys(tmp_path, "search: ctrl+f"), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("f")  # the filter box: ctrl+f leaves it for the search box
        burst(app, "x")
        app.post_message(events.Key("ctrl+f", None))
        burst(app, "sanctions")
        box = app.screen.box
        await until(pilot, lambda: box.value == "sanctions", "the query in the box", timeout=5)
        assert app.screen.query_one("#filter", Input).value == "x"
        assert app.screen.pane.sort == "date"


@pytest.mark.parametrize(("key", "screen"), [("/", SearchScreen), ("o", ArticlePicker)])
async def test_a_paste_right_after_a_key_that_opens_a_box_goes_in_it(settings, key, screen):
    """`/` focuses the search box, `o` opens the picker on its box: a paste read in the
    same burst as the key lands in that box."""
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.pause()
        burst(app, key)
        app.post_message(events.Paste("peace talks"))
        await until(pilot, lambda: isinstance(app.screen.focused, Input), "a box focused")
        box = app.screen.focused
        await until(pilot, lambda: box.value == "peace talks", "the paste in the box", timeout=5)
        assert isinstance(app.screen, screen)


async def test_keys_typed_in_one_burst_after_f_go_in_the_filter_box(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.pause()
        burst(app, "ftalks peace")
        box = app.screen.query_one("#filter", Input)
        await until(pilot, lambda: box.value == "talks peace", "the words in the filter", timeout=5)
        assert app.screen.pane.sort == "date", "s was text, it did not sort the list"
        assert sorted(listed(app)) == ["002_e536400ab8bce265", "003_408a409204c2d65a"]


async def test_a_filter_key_rebound_to_minus_is_still_text_in_the_search_box(tmp_path):
    app = DossierApp(with_keys(tmp_path, "articles.filter: '-'"), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("slash", *"Armenia-Azerbaijan")
        assert app.screen.box.value == "Armenia-Azerbaijan"
        await pilot.press("escape", "minus", *"europa")
        assert app.screen.query_one("#filter", Input).value == "europa"
