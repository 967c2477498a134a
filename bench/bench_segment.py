"""Time the worker side of a fresh build: one segment of N passages built in memory
(`add_article`) and written (`finish`), in this process, on the corpus of a config.

    .venv/bin/python bench/bench_segment.py CONFIG [--passages 10000] [--runs 3]

Builds it as a fresh build does (one `exact` posting a word) and with every `exact`
posting, in turn. Prints per run the CPU seconds of indexing and of writing, the terms
written and the process's peak RSS growth; then medians. Articles are read and
cleaned once, before."""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from index.config import load_settings
from index.corpus import read_article, scan
from index.engine.segments import SegmentBuilder, _storage
from index.engine.writer import create_index


def _chunk(settings, passages: int) -> list:
    out, n = [], 0
    for src in scan(settings.corpus).files:
        a = read_article(src, settings)
        out.append(
            (a.id, a.title, a.source or "", a.date or "", [(p.pid, p.text) for p in a.passages])
        )
        n += len(a.passages)
        if n >= passages:
            break
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("config")
    ap.add_argument("--passages", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    settings = load_settings(args.config)
    chunk = _chunk(settings, args.passages)
    # A segment as a build writes it (one `exact` posting a word) and with every
    # `exact` posting (a small segment, that an update may merge), in turn.
    modes = {"exact once": True, "every exact": False}
    add_s: dict[str, list[float]] = {m: [] for m in modes}
    fin_s: dict[str, list[float]] = {m: [] for m in modes}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(args.runs):
            for mode, once in modes.items():
                folder = Path(tmp) / f"ix{run}{once}"
                ix = create_index(folder, settings)
                rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                builder = SegmentBuilder(_storage(str(folder)), ix.schema, exact_once=once)
                t = time.process_time()
                for docs in chunk:
                    builder.add_article(docs)
                t1 = time.process_time()
                terms = sum(len(p) for p in builder.postings.values())
                builder.finish()
                t2 = time.process_time()
                rss = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss0) / 1024
                add_s[mode].append(t1 - t)
                fin_s[mode].append(t2 - t1)
                print(
                    f"run {run}, {mode}: {builder.docnum} passages, {terms} terms, "
                    f"index {t1 - t:.2f} s, write {t2 - t1:.2f} s, peak RSS +{rss:.0f} MB",
                    flush=True,
                )
    for mode in modes:
        add, fin = statistics.median(add_s[mode]), statistics.median(fin_s[mode])
        print(f"median, {mode}: index {add:.2f} s, write {fin:.2f} s, both {add + fin:.2f} s")


if __name__ == "__main__":
    main()
