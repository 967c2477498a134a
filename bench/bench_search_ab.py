"""Two copies of the project, or two indexes, searched in turn (a script, not a test):
each query's first run after the reader's warm-up, every match counted, in fresh
processes that alternate A, B, B, A... so that the machine's drift falls on both;
medians over the rounds, and B/A. Result counts that differ between A and B are shown.

    python bench/bench_search_ab.py --config CONFIG --a DIR_A --b DIR_B [--rounds 4]
    python bench/bench_search_ab.py --code DIR --a CONFIG_A --b CONFIG_B [QUERY ...]

The first form compares two copies of the code (e.g. `git worktree add --detach
/tmp/base REV`) on one index; the second, one copy of the code on two indexes (a build
setting). Without queries, bench_index.py's query classes, in their order (a word
searched in one class is kept for the next, as in bench_scale.py).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

CHILD = r"""
import json, sys, time
code, config, queries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
sys.path.insert(0, code)
sys.path.insert(1, sys.argv[4])
import index
assert index.__file__.startswith(code), index.__file__
from bench_index import QUERIES
from index.config import load_settings
from index.highlight import snippet
from index.search import SearchEngine

engine = SearchEngine(load_settings(config))
engine.search("oil", limit=20)
engine.warm()
out = {}
for q in queries or [q for qs in QUERIES.values() for q in qs]:
    t = time.perf_counter()
    r = engine.search(q, limit=20)
    for p in r.passages:
        snippet(p.text, p.spans)
    out[q] = [(time.perf_counter() - t) * 1000, r.total, r.total_articles]
print(json.dumps(out))
"""


def run_once(code: str, config: str, queries: list[str]) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", CHILD, code, config, json.dumps(queries), str(HERE)],
        capture_output=True,
        text=True,
        cwd=code,
    )
    if done.returncode:
        sys.exit(done.stderr)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--config", help="one index, two copies of the code (--a, --b: folders)")
    ap.add_argument("--code", help="one copy of the code, two indexes (--a, --b: configs)")
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("queries", nargs="*")
    args = ap.parse_args()
    if bool(args.config) == bool(args.code):
        ap.error("give --config (two copies of the code) or --code (two indexes)")

    def run(side: str) -> dict:
        if args.config:
            return run_once(side, args.config, args.queries)
        return run_once(args.code, side, args.queries)

    found: dict[str, list[dict]] = {args.a: [], args.b: []}
    for i in range(args.rounds):
        for side in (args.a, args.b) if i % 2 == 0 else (args.b, args.a):
            found[side].append(run(side))
    print(f"first run of each query, median of {args.rounds} rounds, ms")
    for q in found[args.a][0]:
        a = statistics.median(r[q][0] for r in found[args.a])
        b = statistics.median(r[q][0] for r in found[args.b])
        counts_a, counts_b = found[args.a][0][q][1:], found[args.b][0][q][1:]
        differ = "" if counts_a == counts_b else f"  counts differ: {counts_a} {counts_b}"
        print(f"{q:30} A {a:7.1f}  B {b:7.1f}  B/A {b / a:4.2f}{differ}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
