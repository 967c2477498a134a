"""Random queries from a grammar of what people type and paste (corpus words,
operators, quotes, brackets, fields, wildcards, fuzzy marks, unicode, control
characters): never a traceback (issue 13 item 7). 1,000 a run, on a seed that
changes each run and is printed on failure; DOSSIER_FUZZ_SEED=N repeats a run.
Timing is reported by bench/bench_query_bounds.py; here only a hang is caught."""

from __future__ import annotations

import os
import random
import time

import pytest
from fuzz_queries import random_query

RUNS = 1000
HANG_S = 10.0  # far above the slowest query measured (see the bench): only a hang fails


@pytest.fixture(scope="module")
def words(bundled_library) -> list[str]:
    return sorted(bundled_library.engine._engine.words.words("exact"))


def test_random_queries_never_raise(bundled_library, words):
    seed = int(os.environ.get("DOSSIER_FUZZ_SEED", time.time_ns() % 1_000_000))
    rng = random.Random(seed)
    engine = bundled_library.engine
    article = bundled_library.article(next(iter(bundled_library.infos)))
    slowest = (0.0, "")
    for i in range(RUNS):
        text = random_query(rng, words)
        t0 = time.perf_counter()
        try:
            engine.search(text, limit=5)
            if i % 10 == 0:  # the reader's paths: marks in an open article
                bundled_library.hits_in(article, text)
        except Exception as exc:
            pytest.fail(f"seed {seed}, query {i} {text!r}: {type(exc).__name__}: {exc}")
        took = time.perf_counter() - t0
        slowest = max(slowest, (took, text))
    assert slowest[0] < HANG_S, f"seed {seed}: {slowest[1]!r} took {slowest[0]:.1f} s"
