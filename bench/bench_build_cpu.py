"""One fresh build of a config's corpus (`update_index(rebuild=True)`), with its CPU
split between the build's process and its worker processes and the peak RSS of the
process tree (sampled every 0.2 s): what to compare when the machine is shared and
wall times are noise.

    .venv/bin/python bench/bench_build_cpu.py CONFIG [--code DIR]

`--code` runs another copy of the project (e.g. `git archive` of an older commit) for
a before/after in turn. The config's `index:` folder is rebuilt: point it at a scratch
folder."""

from __future__ import annotations

import argparse
import os
import resource
import sys
import threading
import time
from pathlib import Path


def _tree_rss_mb() -> float:
    """RSS of this process and its children, in MB."""
    me, total = os.getpid(), 0
    for p in os.listdir("/proc"):
        if not p.isdigit():
            continue
        try:
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(p) == me or int(fields[1]) == me:
            total += int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    return total / 2**20


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    args = ap.parse_args()
    sys.path.insert(0, args.code)
    from index.build import update_index
    from index.config import load_settings

    settings = load_settings(args.config)
    peak, done = [0.0], threading.Event()

    def sample() -> None:
        while True:
            peak[0] = max(peak[0], _tree_rss_mb())
            if done.wait(0.2):
                return

    threading.Thread(target=sample, daemon=True).start()
    t = time.perf_counter()
    result = update_index(settings, rebuild=True)
    wall = time.perf_counter() - t
    peak[0] = max(peak[0], _tree_rss_mb())
    done.set()
    me = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(
        f"{args.code}: wall {wall:.1f} s, {result.passages} passages, "
        f"build process CPU {me.ru_utime + me.ru_stime:.1f} s, "
        f"workers CPU {kids.ru_utime + kids.ru_stime:.1f} s, "
        f"peak RSS: build process {me.ru_maxrss / 1024:.0f} MB, "
        f"largest worker {kids.ru_maxrss / 1024:.0f} MB, tree {peak[0]:.0f} MB"
    )


if __name__ == "__main__":
    main()
