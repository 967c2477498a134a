"""First results of a first build (a script, not a test): how soon the reader's indexer
process makes part of the corpus searchable, and how long it ever stays silent.

    python bench/bench_first_results.py                    # Reuters-21578, 3 runs
    python bench/bench_first_results.py --runs 1 --until-partial
    python bench/bench_first_results.py --generate 20000 --runs 1   # + peak RSS at 20k

Each run starts `python -m tui.indexer` (what the reader starts) on a fresh index
folder and time-stamps every JSON line it prints. Per run: seconds to the first line,
to the first `{"partial": ...}` line (the first part searchable) and to the end; the
longest gap between two lines (the phases around it named) and every gap over 2 s;
the peak RSS of the indexer's whole process tree (its worker processes count), of the
indexer alone and of its workers, sampled every 0.2 s; the CPU seconds of them all.
Then the medians over the runs. The machine may be shared: quote medians, not one run.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_index import SHARED, extract, generate, write_config  # noqa: E402
from bench_scale import _tree_rss_mb  # noqa: E402

SILENCE = 2.0  # a gap between two lines longer than this is listed


def _label(line: dict) -> str:
    if "progress" in line:
        done, total, phase = line["progress"]
        return f"{phase} {done}/{total}"
    if "partial" in line:
        return f"partial {line['partial'][0]}/{line['partial'][1]}"
    return next(iter(line), "?")


def _children_cpu() -> float:
    use = resource.getrusage(resource.RUSAGE_CHILDREN)
    return use.ru_utime + use.ru_stime


def _own_rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return 0.0


def one_run(config: Path, until_partial: bool) -> dict:
    """Start the indexer, read its lines until it ends (or its first partial)."""
    t0 = time.perf_counter()
    cpu0 = _children_cpu()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tui.indexer", "--config", str(config)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
    )
    peak = [0.0, 0.0, 0.0]  # the whole tree, the indexer process, its workers
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(0.2):
            tree, own = _tree_rss_mb(proc.pid), _own_rss_mb(proc.pid)
            peak[0] = max(peak[0], tree)
            peak[1] = max(peak[1], own)
            peak[2] = max(peak[2], tree - own)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    stamps: list[tuple[float, str]] = [(0.0, "start")]
    first_partial = None
    done = None
    for raw in proc.stdout:
        now = time.perf_counter() - t0
        try:
            line = json.loads(raw)
        except ValueError:
            continue
        stamps.append((now, _label(line)))
        if "partial" in line and first_partial is None:
            first_partial = now
            if until_partial:
                proc.terminate()
                break
        if "error" in line:
            sys.exit(f"the indexer failed: {line['error']}")
        if "done" in line:
            done = line["done"]
    proc.wait()
    stop.set()
    sampler.join()
    end = time.perf_counter() - t0
    cpu = _children_cpu() - cpu0  # the indexer and its workers, all waited for
    if not until_partial:
        stamps.append((end, "exit"))
    gaps = [(b[0] - a[0], a[1], b[1]) for a, b in itertools.pairwise(stamps)]
    gap = max(gaps) if gaps else (0.0, "", "")
    silences = [g for g in gaps if g[0] > SILENCE]
    return {
        "first_line": stamps[1][0] if len(stamps) > 1 else end,
        "first_partial": first_partial,
        "total": end,
        "cpu": cpu,
        "gap": gap,
        "silences": silences,
        "rss": peak[0],
        "main_rss": peak[1],
        "workers_rss": peak[2],
        "lines": len(stamps) - 1,
        "done": done,
    }


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--corpus", type=Path, help="a folder of articles (default: Reuters)")
    ap.add_argument("--generate", type=int, help="a generated corpus of this many articles")
    ap.add_argument("--work", type=Path, help="work folder, kept (the corpus is reused)")
    ap.add_argument("--keep", action="store_true", help="keep the runs' index folders")
    ap.add_argument("--until-partial", action="store_true", help="stop at the first partial")
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="dossier-first-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        if args.corpus:
            corpus = args.corpus
        elif args.generate:
            corpus = work / f"generated-{args.generate}"
            if not corpus.exists():
                generate(args.generate, corpus, work)
        else:
            corpus = work / "reuters" / "reuters21578"
            if not corpus.exists():
                corpus = extract(SHARED / "reuters21578.tar.gz", work / "reuters")
        print(
            f"corpus {corpus}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cpus",
            flush=True,
        )
        runs = []
        for i in range(args.runs):
            area = work / f"run-{i}"
            shutil.rmtree(area, ignore_errors=True)
            area.mkdir()
            config = area / "config.yaml"
            write_config(corpus, area / "index", config)
            r = one_run(config, args.until_partial)
            runs.append(r)
            g = r["gap"]
            fp = f"{r['first_partial']:.1f} s" if r["first_partial"] is not None else "none"
            print(
                f"run {i + 1}: first line {r['first_line']:.2f} s, first partial {fp}, "
                f"total {r['total']:.1f} s (CPU {r['cpu']:.1f} s), {r['lines']} lines; "
                f"longest gap {g[0]:.1f} s "
                f"({g[1]} -> {g[2]}); peak RSS {r['rss']:.0f} MB "
                f"(the indexer process {r['main_rss']:.0f} MB, its workers "
                f"{r['workers_rss']:.0f} MB: each its own peak)",
                flush=True,
            )
            for secs, before, after in r["silences"]:
                print(f"  silent {secs:.1f} s: {before} -> {after}")
            if r["done"]:
                print(f"  {r['done']}", flush=True)
            if not args.keep:
                shutil.rmtree(area, ignore_errors=True)
        partials = [r["first_partial"] for r in runs if r["first_partial"] is not None]
        med = statistics.median
        print(
            f"medians of {len(runs)} runs: first partial "
            f"{med(partials) if partials else float('nan'):.1f} s, longest gap "
            f"{med(r['gap'][0] for r in runs):.1f} s, total {med(r['total'] for r in runs):.1f} s "
            f"(CPU {med(r['cpu'] for r in runs):.1f} s), "
            f"peak RSS {med(r['rss'] for r in runs):.0f} MB"
        )
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
