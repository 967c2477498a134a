"""Keys typed right after a key that opens a screen with a text box, in one burst (a
fast typist, a paste, tmux send-keys), go into that box in order once the screen is
drawn: none is lost, none runs as a command of the screen the keys were read on."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import H, W, open_reader, until
from test_tui_search_focus import burst, listed
from textual.widgets import Input, TextArea

from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.codebook import CodebookScreen, TextPrompt
from tui.screens.picker import ArticlePicker
from tui.screens.tag_modals import MemoEditor, NoteEditor, TopicPicker

A1 = "001_1a5c9ff20c0ee09c"


async def test_keys_typed_in_one_burst_after_o_go_in_the_picker_box(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.pause()
        search, order = app.screen, listed(app)
        burst(app, "otalks")
        await until(pilot, lambda: isinstance(app.screen, ArticlePicker), "the picker")
        box = app.screen.query_one("#picker-input", Input)
        await until(pilot, lambda: box.value == "talks", "'talks' in the picker box", timeout=5)
        assert box.has_focus
        assert search.pane.sort == "date", "s was text, it did not sort the list"
        assert list(search.pane.listing._keys) == order


async def test_keys_typed_in_one_burst_after_t_go_in_the_topic_filter(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        reader = await open_reader(pilot, A1)
        cursor = reader.view.cursor
        burst(app, "tcorr")  # c opens the compare picker in the reader
        await until(pilot, lambda: isinstance(app.screen, TopicPicker), "the topic picker")
        box = app.screen.query_one("#topic-filter", Input)
        await until(pilot, lambda: box.value == "corr", "'corr' in the filter", timeout=5)
        assert app.screen_stack[-2] is reader, "only the topic picker opened"
        assert reader.view.cursor == cursor


async def test_keys_typed_in_one_burst_after_M_go_in_the_memo(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        reader = await open_reader(pilot, A1)
        cursor = reader.view.cursor
        burst(app, "Mnext: check the dates")  # n and k move the reader's cursor
        await until(pilot, lambda: isinstance(app.screen, MemoEditor), "the memo editor")
        area = app.screen.query_one(TextArea)
        await until(
            pilot, lambda: area.text == "next: check the dates", "the memo typed", timeout=5
        )
        assert reader.view.cursor == cursor


async def test_keys_typed_in_one_burst_after_a_go_in_the_codebook_prompt(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("B")
        await until(pilot, lambda: isinstance(app.screen, CodebookScreen), "the codebook")
        burst(app, "aCheckpoint rules")  # r renames, c recolours on the codebook
        await until(pilot, lambda: isinstance(app.screen, TextPrompt), "the prompt")
        box = app.screen.query_one("#prompt-input", Input)
        await until(pilot, lambda: box.value == "Checkpoint rules", "the label", timeout=5)
        assert isinstance(app.screen_stack[-2], CodebookScreen), "only the prompt opened"


async def test_keys_typed_in_one_burst_after_m_go_in_the_note(tmp_path):
    settings = app_settings(tmp_path)
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article(A1), 1, ["corridor"])
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        reader = await open_reader(pilot, A1, 1)
        assert reader.view.cursor == 1
        burst(app, "mnot yet")  # n: the next hit in the reader; t: the topic picker
        await until(pilot, lambda: isinstance(app.screen, NoteEditor), "the note editor")
        area = app.screen.query_one(TextArea)
        await until(pilot, lambda: area.text == "not yet", "the note typed", timeout=5)
        assert reader.view.cursor == 1
