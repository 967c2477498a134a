"""Work spread over worker processes as a head start: the caller does itself whatever
the pool did not finish (a pool that cannot start, a worker that died on a bad file).
Spawned, not forked: a caller may be a thread of the reader, and forking a threaded
process can leave a lock held forever in the child."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any


def head_start(
    fn: Callable[..., Any],
    calls: Sequence[tuple],
    procs: int,
    each: Callable[[int, Any], None],
) -> bool:
    """fn(*args) for each of `calls` in `procs` processes; each(i, result) in this
    process, in the order of the calls (i from 1). False when the pool stopped early:
    the results not handed to `each` are the caller's to make."""
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
        try:
            futures = [pool.submit(fn, *args) for args in calls]
            for i, future in enumerate(futures, 1):
                each(i, future.result())
        except Exception:
            pool.shutdown(wait=False, cancel_futures=True)
            return False
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    return True
