"""The note and memo editors hold several lines: a note written with a line break (by
`dossier tag --note`, by hand, by a colleague) is shown and saved as it is."""

from __future__ import annotations

import yaml
from helpers_tui import until, workers_done
from textual.widgets import TextArea

from tui.app import DossierApp

A1 = "001_1a5c9ff20c0ee09c"


def notes(settings) -> list[str]:
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    return [e["note"] for e in data["entries"]]


async def test_a_multi_line_note_is_edited_whole_and_kept(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        art = app.library.article(A1)
        app.tags.add_passage(art, 4, ["border"], note="first line\nsecond line")
        app.open_article(A1, 4)
        await workers_done(app)
        await pilot.pause()
        await pilot.press("m")
        area = app.screen.query_one(TextArea)
        assert area.text == "first line\nsecond line"
        await pilot.press("ctrl+end", "enter", *"third", "ctrl+s")
        await until(pilot, lambda: app.tag_writer.idle, "tag writes")
        assert notes(settings) == ["first line\nsecond line\nthird"]
        # opened and left with escape: the note is as it was, line breaks and all
        await pilot.press("m")
        await pilot.press("escape")
        await until(pilot, lambda: app.tag_writer.idle, "tag writes")
        assert notes(settings) == ["first line\nsecond line\nthird"]


async def test_control_characters_in_a_note_are_shown_as_symbols_and_kept(settings):
    """A note from someone else's file with an escape sequence: the editor shows it as
    symbols (nothing steers the terminal); saving it untouched leaves the note as it
    was."""
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        art = app.library.article(A1)
        app.tags.add_passage(art, 4, ["border"], note="red \x1b[31mALERT\x07")
        app.open_article(A1, 4)
        await workers_done(app)
        await pilot.pause()
        await pilot.press("m")
        shown = app.screen.query_one(TextArea).text
        assert "\x1b" not in shown and "\x07" not in shown and "ALERT" in shown
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.tag_writer.idle, "tag writes")
        assert notes(settings) == ["red \x1b[31mALERT\x07"]
