"""The codebook in the app: add a topic and a sub-topic, rename, recolour and re-key,
written to config.yaml with its comments; the picker and the Tags screen show the tree;
QDPX export from the export dialog."""

from __future__ import annotations

import zipfile

import pytest
from conftest import app_settings
from helpers_tui import open_reader, record_notes, until
from textual.widgets import Input, OptionList, Select

from index.codebook import TopicChange, edit_topics
from index.config import load_settings
from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.codebook import CodebookScreen, TextPrompt
from tui.screens.export import ExportDialog
from tui.screens.tag_modals import TopicPicker
from tui.screens.tags import TagsScreen

W, H = 120, 40
A1 = "001_1a5c9ff20c0ee09c"
HEADER = "# A comment the user wrote about the codebook\n"
INNER = "  # the border topic comes first (a comment inside the list)\n"


@pytest.fixture
def settings(tmp_path):
    settings = app_settings(tmp_path)
    text = settings.path.read_text(encoding="utf-8")
    text = text.replace("topics:\n", "topics:\n" + INNER, 1)
    settings.path.write_text(HEADER + text, encoding="utf-8")
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article(A1), 10, ["corridor"])
    return load_settings(settings.path)


async def answer(pilot, key: str, text: str, clear: bool = False) -> None:
    """Press key on the codebook editor and type text into its prompt."""
    app = pilot.app
    await pilot.press(key)
    await until(pilot, lambda: isinstance(app.screen, TextPrompt), f"the prompt of {key}")
    box = app.screen.query_one("#prompt-input", Input)
    if clear:
        box.value = ""
    await pilot.press(*text)
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, CodebookScreen), "back on the codebook")


def highlight(app, topic_id: str) -> None:
    lst = app.screen.query_one("#codebook-list", OptionList)
    lst.highlighted = next(
        i for i in range(lst.option_count) if lst.get_option_at_index(i).id == topic_id
    )


async def test_add_rename_recolour_rekey_are_written_with_comments(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        reader = await open_reader(pilot, A1, 3)  # open before: its topic keys change
        await pilot.press("B")
        await until(pilot, lambda: isinstance(app.screen, CodebookScreen), "the codebook")
        highlight(app, "corridor")
        await answer(pilot, "A", "Lachin checkpoint")
        await until(pilot, lambda: app.settings.topic("lachin-checkpoint") is not None, "added")
        highlight(app, "corridor")
        await answer(pilot, "r", "Lachin road", clear=True)
        await until(pilot, lambda: app.settings.topic("corridor").label == "Lachin road", "renamed")
        await answer(pilot, "c", "#123456", clear=True)  # the reader below redraws its marks
        await until(
            pilot,
            lambda: reader.view.decor.marks[10] == [("Lachin road", "#123456")],
            "the reader's mark in the new colour",
        )
        highlight(app, "border")
        await answer(pilot, "c", "teal", clear=True)
        await answer(pilot, "K", "7", clear=True)
        await until(pilot, lambda: app.settings.topic("border").key == "7", "re-keyed")
        # A colour that is none is refused, said, and nothing is written.
        before = settings.path.read_text(encoding="utf-8")
        await answer(pilot, "c", "bleu", clear=True)
        await until(
            pilot,
            lambda: "is not a colour" in str(app.screen.query_one("#codebook-status").render()),
            "the refusal",
        )
        assert settings.path.read_text(encoding="utf-8") == before
        labels = [
            str(app.screen.query_one("#codebook-list", OptionList).get_option_at_index(i).prompt)
            for i in range(4)
        ]
        assert labels[1].startswith("■ Lachin road") and labels[2].startswith(
            "  ■ Lachin checkpoint"
        )

        # The new key tags in the reader; the old one no longer does.
        await pilot.press("escape")
        await until(pilot, lambda: app.screen is reader, "back in the reader")
        await pilot.press("7")
        await until(
            pilot,
            lambda: "border" in app.tags.topics_of_passage(reader.article, 3),
            "the passage tagged with the new key",
        )
        await pilot.press("1")
        await pilot.pause()
        assert app.tags.topics_of_passage(reader.article, 3) == ["border"]

        # The picker shows the tree.
        await pilot.press("t")
        await until(pilot, lambda: isinstance(app.screen, TopicPicker), "the topic picker")
        lst = app.screen.query_one("#topic-list")
        prompts = [str(lst.get_option_at_index(i).prompt) for i in range(lst.option_count)]
        assert prompts[2].startswith("  ■ Lachin checkpoint")
        await pilot.press("escape")

    text = settings.path.read_text(encoding="utf-8")
    assert text.startswith(HEADER)
    assert "topics:\n" + INNER in text
    reopened = load_settings(settings.path)
    assert reopened.topic("corridor").label == "Lachin road"
    assert (reopened.topic("border").colour, reopened.topic("border").key) == ("teal", "7")
    assert reopened.topic("lachin-checkpoint").parent == "corridor"
    # The renamed topic kept its tag.
    store = TagStore.open(reopened, Library(reopened))
    assert {t for e in store.entries() for t in e.topics} >= {"corridor", "border"}


async def test_tags_screen_shows_sub_topics_by_path_and_exports_qdpx(settings, tmp_path):
    change = TopicChange("checkpoint", {"label": "Checkpoint", "key": "4", "parent": "corridor"})
    settings = edit_topics(settings.path, [change]).settings
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article(A1), 11, ["checkpoint"])
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("T")
        await until(pilot, lambda: isinstance(app.screen, TagsScreen) and app.screen.rows, "rows")
        assert [r["topic_label"] for r in app.screen.rows] == ["Corridor", "Corridor › Checkpoint"]
        matrix = app.screen.query_one("#tag-matrix")
        heads = [str(c.label) for c in matrix.columns.values()]
        assert heads[1:5] == ["Border", "Corridor", "Corridor › Checkpoint", "Peace treaty"]
        said = record_notes(app)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        app.screen.query_one("#export-format", Select).value = "qdpx"
        await pilot.pause()
        box = app.screen.query_one("#export-path", Input)
        assert box.value.endswith("dossier-export.qdpx")
        await pilot.press("enter")
        target = settings.tags_file.parent / "dossier-export.qdpx"
        await until(pilot, target.exists, "the qdpx export")
        await until(
            pilot,
            lambda: any("2 tags exported to" in n for n in said),
            "the notification",
        )
        assert "Export: qdpx: reading articles (5)…" in said
    with zipfile.ZipFile(target) as z:
        qde = z.read("project.qde").decode("utf-8")
    assert 'name="Checkpoint"' in qde and qde.count("<PlainTextSelection") == 2


async def test_topics_edited_elsewhere_are_taken_by_an_open_reader(settings):
    """A second reader (or `dossier codebook import`, or an editor) changes config.yaml:
    the open reader uses the new topic within seconds; a broken edit is said, and the
    reader keeps its topics."""
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        shown = record_notes(app)
        await pilot.pause()
        await until(pilot, lambda: app.config_watch._stamp != "first", "the first check")
        edit_topics(settings.path, [TopicChange("sanctions", {"label": "Sanctions"})])
        await until(pilot, lambda: app.settings.topic("sanctions") is not None, "the new topic", 10)
        assert app.tags.settings.topic("sanctions") is not None, "tags check against it"
        good = settings.path.read_text(encoding="utf-8")
        settings.path.write_text(good + "\ncolor: red\n", encoding="utf-8")
        await until(pilot, lambda: any("key 'color'" in s for s in shown), "the config error", 10)
        assert app.settings.topic("sanctions") is not None, "the topics it had are kept"
