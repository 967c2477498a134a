"""Work spread over worker processes as a head start: the caller does itself whatever
the pool did not finish (a pool that cannot start, a worker that died on a bad file).
Spawned, not forked: a caller may be a thread of the reader, and forking a threaded
process can leave a lock held forever in the child."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from typing import Any


def head_start(
    fn: Callable[..., Any],
    calls: Sequence[tuple],
    procs: int,
    each: Callable[[int, Any], None],
    waiting: Callable[[], None] | None = None,
) -> bool:
    """fn(*args) for each of `calls` in `procs` processes; each(i, result) in this
    process, in the order of the calls (i from 1). False when the pool stopped early:
    the results not handed to `each` are the caller's to make. `waiting` is called
    every quarter second while a result is awaited; what it or `each` raises (a stop
    asked for) ends the worker processes at once and is raised."""
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures import TimeoutError as FutureTimeout
    from multiprocessing import get_context

    with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
        try:
            futures = [pool.submit(fn, *args) for args in calls]
            for i, future in enumerate(futures, 1):
                while waiting is not None:
                    try:
                        future.result(timeout=0.25)
                        break
                    except FutureTimeout:
                        waiting()
                each(i, future.result())
        except Exception:
            pool.shutdown(wait=False, cancel_futures=True)
            return False
        except BaseException:
            stop_now(pool)
            raise
    return True


def stop_now(pool) -> None:
    """Shut a process pool down without waiting for the calls it runs: its processes
    are ended (Python's own shutdown lets each running call finish)."""
    # Taken first: shutting the pool down lets go of its processes.
    procs = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for proc in procs:
        with contextlib.suppress(Exception):
            proc.terminate()
