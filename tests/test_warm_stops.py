"""Quitting the reader while it warms the index up ends the warm-up: at 100k articles
reading the word tables takes 10-20 s, and the reader's process waited for it after
its window had closed (q took 9.9 s)."""

from __future__ import annotations

import threading
import time

import pytest
from conftest import app_settings
from helpers_tui import until

from index.build import update_index
from index.engine import termtable
from index.errors import StopAsked
from index.library import Library
from index.search import SearchEngine
from tui.app import DossierApp


def test_warming_stops_between_the_segments_of_a_word_table(make_corpus, monkeypatch):
    files = {f"a{i:02}.txt": f"Title {i}\n\nWord{i} at the checkpoint.\n" for i in range(30)}
    settings = make_corpus(files)
    update_index(settings)
    for i in range(0, 30, 3):  # a second segment
        (settings.corpus / f"a{i:02}.txt").write_text(f"Title {i}\n\nNew word{i}.\n")
    update_index(settings)
    reads = []
    real = termtable.field_rows

    def counted(sub, field):
        rows = real(sub, field)
        return None if rows is None else lambda: reads.append(field) or rows()

    monkeypatch.setattr(termtable, "field_rows", counted)
    engine = Library(settings).engine
    assert len(engine._engine._searcher.subsearchers or []) > 1
    with pytest.raises(StopAsked):
        engine.warm(stopped=lambda: len(reads) >= 1)  # asked to stop once one is read
    assert reads == ["exact"]  # not the other segments, nor the other table
    assert "exact" not in engine._engine._tables
    engine.warm()  # stopped once, it warms up whole later
    assert {"exact", "text"} <= engine._engine._tables.keys()
    assert engine.search("word3*").total >= 1


async def test_quitting_while_warming_stops_the_warm_up(tmp_path, monkeypatch):
    started, stopped_seen = threading.Event(), threading.Event()

    def slow_warm(self, stopped=lambda: False):
        started.set()
        deadline = time.monotonic() + 10
        while not stopped() and time.monotonic() < deadline:
            threading.Event().wait(0.01)
        if stopped():
            stopped_seen.set()

    monkeypatch.setattr(SearchEngine, "warm", slow_warm)
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test() as pilot:
        await until(pilot, started.is_set, "the warm-up")
        await pilot.press("q")
    assert stopped_seen.is_set()
