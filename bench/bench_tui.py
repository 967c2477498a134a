"""Reader latency: app start to a usable first screen, and keystroke to updated results.

    .venv/bin/python bench/bench_tui.py                 # bundled + Reuters-21578
    .venv/bin/python bench/bench_tui.py --corpus DIR    # another corpus

Prints medians / p95 of several runs. Reuters is extracted from ../shared/corpora into a
temp folder and indexed once (that build is not what is measured here)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import statistics
import tarfile
import tempfile
import time
from pathlib import Path

from textual.widgets import Input

from index.config import load_settings
from index.engine import update_index
from tui.app import DossierApp

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
QUERIES = ["oil prices", "wheat export", "interest rates", "dollar", "opec"]


def settings_for(corpus: Path, work: Path):
    base = load_settings(REPO / "config.yaml")
    return dataclasses.replace(
        base, corpus=corpus, index_dir=work / "index", tags_file=work / "tags.yaml"
    )


async def start_once(settings) -> float:
    t0 = time.perf_counter()
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.focused, Input):
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - t0
    return elapsed


async def keystrokes(settings, queries: list[str]) -> list[float]:
    app = DossierApp(settings, background_index=False)
    out: list[float] = []
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause(0.2)
        for q in queries:
            for i in range(1, len(q) + 1):
                text = q[:i]
                t0 = time.perf_counter()
                await pilot.press(q[i - 1] if q[i - 1] != " " else "space")
                while not (app.last_result is not None and app.last_result.query == text):
                    if time.perf_counter() - t0 > 5:
                        break
                    await pilot.pause(0.001)
                out.append(time.perf_counter() - t0)
            await pilot.press(*["backspace"] * len(q))
            await pilot.pause(0.2)
    return out


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def report(name: str, settings, runs: int) -> None:
    starts = [asyncio.run(start_once(settings)) for _ in range(runs)]
    print(
        f"{name}: start to usable first screen: median {statistics.median(starts) * 1000:.0f} ms"
        f" (runs: {', '.join(f'{s * 1000:.0f}' for s in starts)})"
    )
    lat = asyncio.run(keystrokes(settings, QUERIES))
    print(
        f"{name}: keystroke to updated results ({len(lat)} keystrokes, debounce included): "
        f"p50 {pct(lat, 0.5) * 1000:.0f} ms, p95 {pct(lat, 0.95) * 1000:.0f} ms, "
        f"max {max(lat) * 1000:.0f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-bench-tui-") as tmp:
        work = Path(tmp)
        bundled = settings_for(REPO / "articles", work / "bundled")
        update_index(bundled)
        report("bundled (5 articles)", bundled, args.runs)
        corpus = args.corpus
        if corpus is None:
            archive = SHARED / "reuters21578.tar.gz"
            with tarfile.open(archive) as tar:
                tar.extractall(work / "src", filter="data")
            corpus = work / "src" / "reuters21578"
        big = settings_for(corpus, work / "big")
        t0 = time.perf_counter()
        r = update_index(big)
        print(
            f"(indexed {r.articles} articles, {r.passages} passages in "
            f"{time.perf_counter() - t0:.1f} s; not part of the figures below)"
        )
        report(f"{corpus.name} ({r.articles} articles)", big, args.runs)


if __name__ == "__main__":
    main()
