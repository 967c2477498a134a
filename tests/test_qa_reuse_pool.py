"""Found trying the reader on the BBC corpus (2,225 articles): its shared-text analysis
reads a corpus of 2,000 articles or more in worker processes, and in the reader that
failed at once ("shared text failed · ValueError: bad value(s) in fds_to_keep"): the
pool's helper process (multiprocessing's resource tracker) is started with the fd of
sys.stderr, which Textual replaces with a capture whose fileno() is -1. So Q, S, `=`
and the list by story were dead on any large corpus."""

from __future__ import annotations

import asyncio
import os
from multiprocessing import resource_tracker

import pytest
from conftest import app_settings
from helpers_procs import still_running
from helpers_tui import H, W, record_notes, until

import index.reuse_store as reuse_store
from tui.app import DossierApp


@pytest.fixture
def fresh_tracker(monkeypatch):
    """A process whose resource tracker is not running yet (as in `dossier`, where
    nothing spawned a pool before the reader opened), stopped afterwards."""
    tracker = resource_tracker.ResourceTracker()
    monkeypatch.setattr(resource_tracker, "_resource_tracker", tracker)
    for name in ("ensure_running", "register", "unregister", "getfd"):
        monkeypatch.setattr(resource_tracker, name, getattr(tracker, name))
    yield tracker
    tracker._stop()


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool is used with 2 CPUs or more")
async def test_shared_text_read_by_worker_processes_from_the_reader(
    tmp_path, monkeypatch, fresh_tracker
):
    monkeypatch.setattr(reuse_store, "PARALLEL_MIN", 1)  # the bundled five, as a large corpus
    app = DossierApp(app_settings(tmp_path), background_index=False)
    told = record_notes(app)
    async with app.run_test(size=(W, H)) as pilot:
        await until(pilot, lambda: app.analysis is not None or told, "the shared-text analysis")
        assert told == []
        assert app.analysis.reuse.clusters  # the bundled articles share text


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="the pool is used with 2 CPUs or more")
async def test_quitting_while_worker_processes_read_ends_them(tmp_path, monkeypatch, fresh_tracker):
    """Found on 100k generated articles: `q` during the analysis blanked the window, and
    the process went on until its worker processes had read every article (minutes).
    Here the workers' reading takes two minutes; quitting must not wait for it."""
    import multiprocessing
    import time

    real = reuse_store.head_start

    def slow_reading(fn, calls, procs, each, waiting=None):
        return real(time.sleep, [(120,)] * len(calls), procs, each, waiting)

    monkeypatch.setattr(reuse_store, "PARALLEL_MIN", 1)
    monkeypatch.setattr(reuse_store, "head_start", slow_reading)
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await until(
            pilot, multiprocessing.active_children, "the workers reading", all_workers=False
        )
        await pilot.press("q")
    left = await asyncio.to_thread(still_running, multiprocessing.active_children())
    assert not left, "the reading went on after the app quit"
