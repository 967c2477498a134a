"""The tag file is read in a worker at start: the first screen works meanwhile, tagging
says it is loading, and starts once the file is read."""

from __future__ import annotations

import threading

import pytest
from helpers_tui import text_of, until
from textual.widgets import Input, Static

from index.tags import TagStore
from tui.app import DossierApp

W, H = 120, 40
ART = "001_1a5c9ff20c0ee09c"


def notes(app) -> str:
    return " ".join(f"{n.title}: {n.message}" for n in app._notifications)


@pytest.fixture
def held(monkeypatch):
    """Opening the tag file waits until the test sets the event (a huge file, say)."""
    release = threading.Event()
    opening = threading.Event()
    real = TagStore.open_or_disabled.__func__

    def slow(cls, settings, articles=None):
        opening.set()
        release.wait(30)
        return real(cls, settings, articles)

    monkeypatch.setattr(TagStore, "open_or_disabled", classmethod(slow))
    yield release, opening
    release.set()


async def test_first_screen_is_live_while_the_tag_file_opens(settings, held):
    release, opening = held
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await until(pilot, opening.is_set, "the tag file being opened", all_workers=False)
        await pilot.press("slash")
        assert isinstance(app.focused, Input) and app.focused.id == "query"
        await pilot.press("escape")
        app.open_article(ART, 10)
        await until(
            pilot,
            lambda: app.screen.__class__.__name__ == "ReaderScreen",
            "reader",
            all_workers=False,
        )
        await pilot.pause()
        status = app.screen.query_one("#reader-status", Static)
        assert "loading tags…" in text_of(status)
        await pilot.press("2")  # refused while loading: nothing written
        await until(pilot, lambda: "Tags" in notes(app), "the refusal", all_workers=False)
        assert not settings.tags_file.exists()
        release.set()
        await until(pilot, lambda: not app.tags.is_loading, "the tag file read")
        await pilot.pause()
        assert "loading tags…" not in text_of(status)
        view = app.screen.view
        await pilot.press("2")
        await until(pilot, lambda: 10 in view.decor.marks, "the corridor mark")
    assert "corridor" in settings.tags_file.read_text(encoding="utf-8")


async def test_tag_writes_run_off_the_ui_thread_in_the_order_typed(settings, monkeypatch):
    entered, release = threading.Event(), threading.Event()
    waited: list[bool] = []
    real = TagStore.toggle_passage_topic

    def slow_first(self, *args):
        if not waited:  # the first write takes long (a slow disk, say)
            entered.set()
            waited.append(release.wait(30))
        return real(self, *args)

    monkeypatch.setattr(TagStore, "toggle_passage_topic", slow_first)
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file read")
        app.open_article(ART, 10)
        await until(pilot, lambda: app.screen.__class__.__name__ == "ReaderScreen", "reader")
        view = app.screen.view
        await pilot.press("2")  # corridor: held in its worker
        await until(pilot, entered.is_set, "the first write", all_workers=False)
        await pilot.press("1", "j")  # border, queued behind it; the reader still moves
        assert view.cursor == 11
        release.set()
        await until(pilot, lambda: app.tag_writer.idle, "the writes")
        await pilot.pause()
        assert labels(view, 10) == {"Corridor", "Border"}
        await pilot.press("u")  # undo follows the queue too: border (the last) comes off
        await until(pilot, lambda: app.tag_writer.idle and labels(view, 10) == {"Corridor"}, "undo")
    assert waited == [True], "the write waited for the test, not the key handler"


def labels(view, n: int) -> set[str]:
    return {label for label, _ in view.decor.marks.get(n, [])}
