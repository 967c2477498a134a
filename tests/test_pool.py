"""Work spread over worker processes (index/pool.py): a stop asked for while they work
(the reader quitting during its shared-text analysis of a large corpus) ends them at
once, and the stop is what the caller sees. Before, the pool waited for every call it
had started: at 100k articles the reader's window went blank on `q` and the process
went on for minutes."""

from __future__ import annotations

import multiprocessing
import time

import pytest
from helpers_procs import still_running

from index.errors import StopAsked
from index.pool import head_start


def test_a_stop_asked_while_the_workers_run_ends_them_without_waiting():
    started = time.monotonic()
    asked: list[float] = []

    def waiting() -> None:
        asked.append(time.monotonic())
        if len(asked) == 3:
            raise StopAsked

    with pytest.raises(StopAsked):
        head_start(time.sleep, [(120,), (120,), (120,)], 2, lambda i, r: None, waiting)
    assert time.monotonic() - started < 60, "the workers' calls were waited for"
    assert not still_running(multiprocessing.active_children(), 30), "the workers went on"


def test_results_come_in_the_order_of_the_calls():
    got: list[tuple[int, int]] = []
    assert head_start(abs, [(-3,), (4,), (-5,)], 2, lambda i, r: got.append((i, r)), None)
    assert got == [(1, 3), (2, 4), (3, 5)]
