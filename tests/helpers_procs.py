"""Waiting for processes to end, without polling: a process's sentinel is ready once
it has ended (is_alive() is not to be trusted while a pool's own thread may reap the
process first, and then it says True)."""

from __future__ import annotations

import multiprocessing.connection
import time


def still_running(processes, timeout: float = 60.0) -> list:
    """Those of `processes` that have not ended within `timeout` seconds."""
    running = {p.sentinel: p for p in processes}
    deadline = time.monotonic() + timeout
    while running and time.monotonic() < deadline:
        for ended in multiprocessing.connection.wait(list(running), deadline - time.monotonic()):
            del running[ended]
    return list(running.values())
