"""Queries people should not be able to hurt us with: the worst cases of issue 13
(parser crashes, deep brackets, a pasted page, long phrases) and the random queries of
the fuzz test, timed on the bundled corpus or any --corpus. Prints medians of 5 runs
and, for the random ones, p50 / p95 / max with the slowest query.

    .venv/bin/python bench/bench_query_bounds.py [--corpus DIR] [--n 1000] [--seed 1]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from conftest import ARTICLES, settings_for  # noqa: E402
from fuzz_queries import random_query  # noqa: E402

from index.engine.termtable import lexicon  # noqa: E402
from index.library import Library  # noqa: E402

WORST = {
    "NOT NOT border": "NOT NOT border",
    "1,000 '('": "(" * 1000,
    "100k characters": " ".join(f"w{i}x Lachin" for i in range(10000))[:100_000],
    "phrase of 200 repeated words": '"' + " ".join(["the", "of", "peace"] * 67)[:1200] + '"',
    "phrase of 3,000 words": '"' + " ".join(["the", "of", "peace"] * 1000) + '"',
    "200 ORed words": " OR ".join(["peace", "border", "talks"] * 67),
}


def timed(fn, runs: int = 5) -> float:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return statistics.median(out)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path, default=ARTICLES)
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lib = Library(settings_for(args.corpus, Path(tmp)))
        t0 = time.perf_counter()
        lib.update()
        print(f"index: {time.perf_counter() - t0:.1f} s, {lib.engine.passage_count} passages")
        engine = lib.engine
        engine.warm()
        for name, text in WORST.items():
            t = timed(lambda text=text: engine.search(text))
            print(f"{name:<30} {t * 1000:8.1f} ms  {(engine.search(text).message or '')[:70]}")
        words = sorted(lexicon(engine._searcher.reader(), "exact"))
        rng = random.Random(args.seed)
        times = []
        for _ in range(args.n):
            text = random_query(rng, words)
            t0 = time.perf_counter()
            engine.search(text, limit=20)
            times.append((time.perf_counter() - t0, text))
        times.sort()
        ms = [t * 1000 for t, _ in times]
        p50, p95 = ms[len(ms) // 2], ms[int(len(ms) * 0.95)]
        print(
            f"{args.n} random queries (seed {args.seed}): p50 {p50:.1f} ms, p95 {p95:.1f} ms, "
            f"max {ms[-1]:.1f} ms"
        )
        for t, text in times[-3:]:
            print(f"  slow: {t * 1000:.0f} ms  {text[:100]!r}")


if __name__ == "__main__":
    main()
