"""Compare coders in the app: the other tag file is asked for, each disagreement is
listed, enter opens the passage with both coders' tags, `y` takes their side in your own
tag file (and `u` undoes it), `n` keeps yours."""

from __future__ import annotations

from dataclasses import replace

import pytest
from conftest import app_settings
from helpers_tui import until
from textual.widgets import DataTable, Input

from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.disagreements import CoderFileDialog, CodersReaderScreen, DisagreementsScreen

W, H = 120, 40
A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"


@pytest.fixture
def settings(tmp_path):
    """You (ana): A0#8 border, A1#10 corridor. Ben: A0#8 border+treaty, A1#3 corridor."""
    settings = app_settings(tmp_path)
    lib = Library(settings)
    mine = TagStore.open(replace(settings, coder="ana"), lib)
    mine.add_passage(lib.article(A0), 8, ["border"])
    mine.add_passage(lib.article(A1), 10, ["corridor"])
    theirs = TagStore.open(replace(settings, tags_file=tmp_path / "ben.yaml", coder="ben"), lib)
    theirs.add_passage(lib.article(A0), 8, ["border", "treaty"])
    theirs.add_passage(lib.article(A1), 3, ["corridor"])
    return settings


def listed(screen) -> list[tuple[str, str, str]]:
    return [(d.passage, d.topic, d.coder) for d in screen.shown()]


async def open_disagreements(pilot, path: str) -> DisagreementsScreen:
    app = pilot.app
    await pilot.press("A")
    await until(pilot, lambda: isinstance(app.screen, CoderFileDialog), "the file dialog")
    app.screen.query_one("#coder-file", Input).value = path
    await pilot.press("enter")
    await until(
        pilot,
        lambda: isinstance(app.screen, DisagreementsScreen) and app.screen.result is not None,
        "the disagreements",
    )
    return app.screen


async def test_disagreements_open_and_take_a_side(settings, tmp_path):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        screen = await open_disagreements(pilot, "ben.yaml")  # beside the tag file
        assert listed(screen) == [
            (f"{A0}#8", "treaty", "ben"),
            (f"{A1}#3", "corridor", "ben"),
            (f"{A1}#10", "corridor", "ana"),
        ]
        table = screen.query_one("#agree-table", DataTable)
        assert table.row_count == 3
        assert "you: ana · them: ben · 3 disagreements" in str(
            screen.query_one("#agree-summary").render()
        )

        await pilot.press("enter")  # the reader, with both coders' tags on A0#8
        await until(pilot, lambda: isinstance(app.screen, CodersReaderScreen), "the reader")
        reader = app.screen
        await until(pilot, lambda: 8 in reader.view.decor.suggestions, "their marks")
        assert [label for label, _ in reader.view.decor.suggestions[8]] == [
            "Border",
            "Peace treaty",
        ]
        assert reader.view.cursor == 8
        status = str(reader.query_one("#reader-status").render())
        assert "□ ben: Border, Peace treaty" in status and "■ ana (you)" in status
        await pilot.press("y")  # take theirs here: treaty goes on in my file
        await until(pilot, lambda: app.tag_writer.idle, "the change")
        await until(
            pilot,
            lambda: "treaty" in app.tags.topics_of_passage(reader.article, 8),
            "treaty on A0#8 in my file",
        )
        await pilot.press("escape")
        await until(pilot, lambda: len(listed(screen)) == 2, "one disagreement fewer")

        await pilot.press("y")  # first row now A1#3 corridor (ben's): on in my file
        await until(pilot, lambda: len(listed(screen)) == 1, "taking theirs")
        assert listed(screen) == [(f"{A1}#10", "corridor", "ana")]
        await pilot.press("y")  # A1#10 corridor is only mine: taking theirs takes it off
        await until(pilot, lambda: listed(screen) == [], "no disagreement left")
        tagged = TagStore.open(settings, Library(settings))
        assert {(e.article, tuple(e.topics)) for e in tagged.entries()} == {
            (A0, ("border", "treaty")),
            (A1, ("corridor",)),
        }
        await pilot.press("u")  # undo: A1#10 corridor is back
        await until(pilot, lambda: len(listed(screen)) == 1, "the undone change")
        assert listed(screen) == [(f"{A1}#10", "corridor", "ana")]
        await pilot.press("n")  # keep mine: off the list, my file unchanged
        assert listed(screen) == []
        assert (tmp_path / "ben.yaml").read_text(encoding="utf-8").count("treaty") == 1
        before = settings.tags_file.read_bytes()
        await pilot.press("u")  # undo the keep: the row is back, the tag file untouched
        assert listed(screen) == [(f"{A1}#10", "corridor", "ana")]
        await until(pilot, lambda: app.tag_writer.idle, "any write")
        assert settings.tags_file.read_bytes() == before


async def test_a_missing_file_is_said(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("A")
        await until(pilot, lambda: isinstance(app.screen, CoderFileDialog), "the file dialog")
        app.screen.query_one("#coder-file", Input).value = "nobody.yaml"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CoderFileDialog)  # still asking
        await pilot.press("escape")
        assert not isinstance(app.screen, CoderFileDialog)


async def test_disagreements_show_a_long_label_whole(settings):
    long = "Lachin checkpoint and road"
    topics = tuple(replace(t, label=long) if t.id == "border" else t for t in settings.topics)
    app = DossierApp(replace(settings, topics=topics), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        ben = TagStore.open(
            replace(
                app.settings, tags_file=app.settings.tags_file.parent / "ben.yaml", coder="ben"
            ),
            app.library,
        )
        ben.add_passage(app.library.article(A0), 9, ["border"])
        screen = await open_disagreements(pilot, "ben.yaml")
        table = screen.query_one("#agree-table", DataTable)
        labels = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert long in labels
        assert table.ordered_columns[1].width >= len(long)
