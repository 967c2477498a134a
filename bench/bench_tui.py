"""Reader latency: app start to a usable first screen, and keystroke to updated results.

    .venv/bin/python bench/bench_tui.py                 # bundled + Reuters-21578
    .venv/bin/python bench/bench_tui.py --corpus DIR    # another corpus
    .venv/bin/python bench/bench_tui.py --work DIR      # keep the indexes there, reuse them

Prints medians / p95 of several runs. Reuters is extracted from ../shared/corpora into a
temp folder and indexed once (that build is not what is measured here)."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import inspect
import statistics
import tarfile
import tempfile
import time
from pathlib import Path

from textual.widgets import Input

import tui.app
from index.build import update_index
from index.config import load_settings
from index.library import Library
from index.search import SearchEngine
from tui.app import DEBOUNCE_S, RESULT_ARTICLES, RESULT_PASSAGES, DossierApp
from tui.screens.search import SearchScreen
from tui.widgets.virtual_list import VirtualList

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "corpora"
QUERIES = ["oil prices", "wheat export", "interest rates", "dollar", "opec"]
# the reader's cap on a very common word, where this dossier has one (also run on older trees)
HAS_CAP = "cap" in inspect.signature(SearchEngine.search).parameters
TYPING = {"cap": tui.app.TYPING_CAP} if HAS_CAP else {}


def settings_for(corpus: Path, work: Path):
    base = load_settings(REPO / "config.yaml")
    return dataclasses.replace(
        base, corpus=corpus, index_dir=work / "index", tags_file=work / "tags.yaml"
    )


async def start_once(settings) -> float:
    t0 = time.perf_counter()
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        while not isinstance(app.focused, VirtualList):  # the articles list, drawn
            await pilot.pause(0.001)
        elapsed = time.perf_counter() - t0
    return elapsed


async def keystrokes(settings, queries: list[str]) -> tuple[list[float], ...]:
    """Per keystroke: (in the app) from the key's edit reaching the app to the new
    results drawn; from the key reaching the search box to the first screen refresh
    after them (the results on the terminal); and (from outside) from the key press to
    results seen by Pilot, which waits for the app to be idle as well."""
    typed: dict[str, float] = {}
    shown: dict[str, float] = {}
    painted: dict[str, float] = {}
    drawing: list[float] = []
    keyed: dict[str, float] = {}
    request, show = DossierApp.request_search, SearchScreen.show_result
    on_key = Input._on_key

    async def timed_key(self, event):
        t0 = time.perf_counter()
        await on_key(self, event)
        keyed.setdefault(self.value, t0)

    def timed_request(self, text, now=False):
        typed[text] = time.perf_counter()
        return request(self, text, now)

    def timed_show(self, result, **kw):
        # A capped result is shown first, then the full count's: the first one counts.
        t0 = time.perf_counter()
        show(self, result, **kw)
        now = time.perf_counter()
        if result.query not in shown:
            shown[result.query] = now
            query = result.query
            self.call_after_refresh(lambda: painted.setdefault(query, time.perf_counter()))
        drawing.append(now - t0)

    DossierApp.request_search, SearchScreen.show_result = timed_request, timed_show
    Input._on_key = timed_key
    inside: list[float] = []
    on_screen: list[float] = []
    outside: list[float] = []
    try:
        app = DossierApp(settings, background_index=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await app.workers.wait_for_complete()  # the background warm-up
            await pilot.press("slash")  # into the search box
            for q in queries:
                for i in range(1, len(q) + 1):
                    text = q[:i]
                    t0 = time.perf_counter()
                    await pilot.press(q[i - 1] if q[i - 1] != " " else "space")
                    while text not in shown and time.perf_counter() - t0 < 5:
                        await pilot.pause(0.001)
                    outside.append(time.perf_counter() - t0)
                    while text in shown and text not in painted and time.perf_counter() - t0 < 5:
                        await pilot.pause(0.001)
                    if text in shown:
                        inside.append(shown[text] - typed[text])
                    if text in painted and text in keyed:
                        on_screen.append(painted[text] - keyed[text])
                await pilot.press(*["backspace"] * len(q))
                await pilot.pause(0.2)
                shown.clear()
                painted.clear()
                keyed.clear()
    finally:
        DossierApp.request_search, SearchScreen.show_result = request, show
        Input._on_key = on_key
    return inside, on_screen, outside, drawing


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(p * (len(values) - 1)))]


def engine_alone(settings, queries: list[str]) -> tuple[list[float], list[float]]:
    """The library's search of every prefix typed, as the reader asks it, without the
    app: (wall seconds, CPU seconds of the searching thread; the second barely moves
    when other jobs share the machine)."""
    engine = Library(settings).engine
    engine.warm()
    wall, cpu = [], []
    for q in queries:
        for i in range(1, len(q) + 1):
            t0, c0 = time.perf_counter(), time.thread_time()
            engine.search(q[:i], limit=RESULT_PASSAGES, max_articles=RESULT_ARTICLES, **TYPING)
            wall.append(time.perf_counter() - t0)
            cpu.append(time.thread_time() - c0)
    return wall, cpu


def report_engine(name: str, settings) -> None:
    wall, cpu = engine_alone(settings, QUERIES)
    for label, lat in (("wall", wall), ("CPU", cpu)):
        print(
            f"{name}: the library's search of each prefix typed, alone ({len(lat)} searches, "
            f"{label}): p50 {pct(lat, 0.5) * 1000:.0f} ms, p95 {pct(lat, 0.95) * 1000:.0f} ms, "
            f"max {max(lat) * 1000:.0f} ms"
        )


def report(name: str, settings, runs: int, engine_only: bool = False) -> None:
    if engine_only:
        report_engine(name, settings)
        return
    starts = [asyncio.run(start_once(settings)) for _ in range(runs)]
    print(
        f"{name}: start to usable first screen: median {statistics.median(starts) * 1000:.0f} ms"
        f" (runs: {', '.join(f'{s * 1000:.0f}' for s in starts)})"
    )
    inside, on_screen, outside, drawing = asyncio.run(keystrokes(settings, QUERIES))
    print(
        f"{name}: of which drawing the results (SearchScreen.show_result): "
        f"p50 {pct(drawing, 0.5) * 1000:.0f} ms, p95 {pct(drawing, 0.95) * 1000:.0f} ms"
    )
    for label, lat in (
        ("in the app", inside),
        ("in the app, key to the screen refreshed", on_screen),
        ("seen through Pilot", outside),
    ):
        print(
            f"{name}: keystroke to updated results, {label} ({len(lat)} keystrokes, "
            f"{DEBOUNCE_S * 1000:.0f} ms debounce included): p50 {pct(lat, 0.5) * 1000:.0f} ms, "
            f"p95 {pct(lat, 0.95) * 1000:.0f} ms, max {max(lat) * 1000:.0f} ms"
        )
    report_engine(name, settings)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", type=Path)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--work", type=Path, help="keep corpus and indexes here between runs")
    ap.add_argument("--skip-bundled", action="store_true", help="only the large corpus")
    ap.add_argument("--engine-only", action="store_true", help="only the library's searches")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="dossier-bench-tui-") as tmp:
        work = args.work or Path(tmp)
        if not args.skip_bundled:
            bundled = settings_for(REPO / "articles", work / "bundled")
            update_index(bundled)
            report("bundled (5 articles)", bundled, args.runs, args.engine_only)
        corpus = args.corpus
        if corpus is None and (work / "src" / "reuters21578").is_dir():
            corpus = work / "src" / "reuters21578"
        elif corpus is None:
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
        report(f"{corpus.name} ({r.articles} articles)", big, args.runs, args.engine_only)


if __name__ == "__main__":
    main()
