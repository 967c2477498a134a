"""Count lazily (issue 10, items 3 and 5): as one types, a very common word is read only
up to TYPING_CAP passages and the summary says "at least"; the same query then runs
uncapped off the UI thread and its exact counts and ranking replace the capped ones,
unless a newer query came meanwhile."""

from __future__ import annotations

import threading

import pytest
from conftest import app_settings
from helpers_tui import settle, text_of, until
from textual.widgets import Input, OptionList

import tui.app
from index.build import update_index
from tui.app import DossierApp
from tui.render import plural

CAP = 3  # "said" is in far more passages of the bundled corpus


@pytest.fixture
def app(tmp_path, monkeypatch):
    monkeypatch.setattr(tui.app, "TYPING_CAP", CAP)
    settings = app_settings(tmp_path)
    update_index(settings)
    return DossierApp(settings, background_index=False)


class HeldFullCounts:
    """Holds every uncapped search until `release()`, so a test sees the capped result
    while its full count runs (and can type meanwhile)."""

    def __init__(self, app, monkeypatch) -> None:
        self.gate, self.started = threading.Event(), threading.Event()
        self.texts: list[str] = []  # of the uncapped searches (the warm-up's among them)
        engine = app.library.engine
        self.real = engine.search

        def search(text, *args, cap=None, **kwargs):
            if cap is None:
                self.texts.append(text)
                self.started.set()
                self.gate.wait(30)
            return self.real(text, *args, cap=cap, **kwargs)

        monkeypatch.setattr(engine, "search", search)

    def release(self) -> None:
        self.gate.set()


def message(app) -> str:
    return text_of(app.screen.query_one("#message"))


async def type_query(pilot, text: str) -> None:
    pilot.app.screen.query_one("#query", Input).value = text


async def capped_shown(pilot, held: HeldFullCounts) -> None:
    await until(pilot, lambda: "counting all" in message(pilot.app), "the capped result", 20, False)
    await until(pilot, held.started.is_set, "the full count started", 20, False)


async def test_a_common_word_shows_at_least_then_the_exact_count(app, monkeypatch):
    held = HeldFullCounts(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            await pilot.press("slash")
            await type_query(pilot, "said")
            await capped_shown(pilot, held)
            said = message(app)
            assert said.startswith(f"at least {CAP} passages in at least")
            assert f"among the first {CAP} passages they are in; counting all…" in said
            assert app.last_result.complete is False
        finally:
            held.release()
        await until(pilot, lambda: "at least" not in message(app), "the full count")
        await settle(pilot)
        full = held.real("said", limit=tui.app.RESULT_PASSAGES, max_articles=100)
        assert full.total > CAP
        said = message(app)
        assert said.startswith(f"{plural(full.total, 'passage')} in ")
        assert "counting" not in said and "very common" not in said
        assert (app.last_result.total, app.last_result.complete) == (full.total, True)
        results = app.screen.query_one("#results", OptionList)
        # ranked over every passage; the cursor on the best one, where it was put
        assert results.highlighted_option.id == f"p:{full.passages[0].pid}"


async def test_a_newer_query_is_never_replaced_by_the_older_full_count(app, monkeypatch):
    held = HeldFullCounts(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        shown: list[str] = []
        show = screen.show_result

        def recording(result, *args, **kwargs):
            shown.append(result.query)
            show(result, *args, **kwargs)

        monkeypatch.setattr(screen, "show_result", recording)
        try:
            await pilot.press("slash")
            await type_query(pilot, "said")
            await capped_shown(pilot, held)
            shown.clear()
            await type_query(pilot, "Lachin")  # typed while the full count of "said" runs
        finally:
            held.release()
        await until(pilot, lambda: app.last_result.query == "Lachin", "the newer results")
        await until(pilot, lambda: "counting" not in message(app), "Lachin's full count")
        await settle(pilot)
        assert "said" not in shown and shown[-1] == "Lachin"  # (Lachin: capped, then full)
        assert message(app).startswith("4 passages in 3 articles")


async def test_a_cursor_moved_meanwhile_stays_on_its_result(app, monkeypatch):
    """The rule: a cursor the user moved in the capped results stays on the same result
    in the complete ones (or on the same row if that result is no longer listed); one
    left where the results put it goes to the best passage of the complete ranking."""
    held = HeldFullCounts(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        results = app.screen.query_one("#results", OptionList)
        try:
            await pilot.press("slash")
            await type_query(pilot, "said")
            await capped_shown(pilot, held)
            results.focus()
            await pilot.press("down", "down")
            row, oid = results.highlighted, results.highlighted_option.id
            assert row == 3
        finally:
            held.release()
        await until(pilot, lambda: "at least" not in message(app), "the full count")
        await settle(pilot)
        ids = [results.get_option_at_index(i).id for i in range(results.option_count)]
        if oid in ids:
            assert results.highlighted_option.id == oid
        else:
            assert results.highlighted == row


async def test_no_full_count_starts_while_one_types_on(app, monkeypatch):
    """The full count waits for a pause in typing: started at each keystroke, it would
    hold the next keystroke's search (the engine answers one search at a time)."""
    monkeypatch.setattr(tui.app, "COUNT_AFTER_S", 60)  # a pause that never comes here
    held = HeldFullCounts(app, monkeypatch)
    async with app.run_test(size=(120, 40)) as pilot:
        try:
            await pilot.press("slash")
            for text in ("said", "said the"):
                await type_query(pilot, text)
                shown = lambda t=text: getattr(app.last_result, "query", 0) == t  # noqa: E731
                await until(pilot, shown, text, 20, False)
                await until(pilot, lambda: "counting all" in message(app), "capped", 20, False)
            assert not {"said", "said the"} & set(held.texts)
        finally:
            held.release()
