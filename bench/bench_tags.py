"""Time the tag store at scale, with tag files of 1, 500, 5,000 and 50,000 entries:
`dossier tag` and `dossier tags` (whole processes, as a user runs them), the reader
(start until the tags are shown; a topic key until the tag is saved), and, in one
process, opening the store, one tag, and noticing another writer's change (what the
reader's watch does).

The bundled corpus is copied to a temporary folder and indexed; the tag file is made of
spans on its passages (a fifth) and on articles that are not in the corpus (orphans, as
after articles were removed). The first read of a new file parses its YAML and keeps
a cache (timed on its own); then each figure is the median of several runs, and the
1-tag file is the baseline of the same run. `python` is the floor of the whole-process
figures: `python -c pass`, timed the same way.

The processes run as a user's do: compiled modules are kept (in a folder of the run's
own, whatever PYTHONDONTWRITEBYTECODE says), and a warm-up run fills it.

    .venv/bin/python bench/bench_tags.py [--sizes 1,500,5000,50000] [--runs 5]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index import tagfile  # noqa: E402
from index.config import load_settings  # noqa: E402
from index.library import Library  # noqa: E402
from index.tagfile import TagDoc  # noqa: E402
from index.tags import TagEntry, TagStore, new_id, now_iso  # noqa: E402

TOPICS = ("border", "corridor", "treaty")
WIDTHS = (9, 12, 13, 12, 11, 9, 9, 9)  # of the columns after "1st read"


def make_tag_file(settings, lib: Library, size: int, rng: random.Random) -> None:
    articles = [lib.article(a) for a in sorted(lib.infos)]
    stamp = now_iso()
    entries = []
    for i in range(size):
        if i % 5 == 0:
            art = rng.choice(articles)
            p = rng.choice(art.passages)
            s = rng.randrange(p.start, max(p.start + 1, p.end - 20))
            e = min(p.end, s + rng.randint(5, 120))
            aid, exact, h = art.id, art.text[s:e], art.content_hash
            prefix, suffix = art.text[max(0, s - 32) : s], art.text[e : e + 32]
        else:
            aid, h = f"gone_{i // 40:05d}", "0" * 32
            s = (i % 40) * 300
            e = s + 120
            exact = f"quoted words of a passage that was removed, number {i}" * 2
            prefix, suffix = "the text before it " * 2, "and the text after it " * 2
        topics = tuple(rng.sample(TOPICS, rng.randint(1, 2)))
        note = f"note {i}" if i % 7 == 0 else ""
        entries.append(
            TagEntry(new_id(), aid, topics, note, s, e, exact, prefix, suffix, h, stamp, stamp)
        )  # positional (no coder): runs on versions from before coders too
    doc = TagDoc(entries=[e.to_raw() for e in entries])
    settings.tags_file.write_text(tagfile.dump(doc), encoding="utf-8")


def median_ms(times: list[float]) -> str:
    return f"{statistics.median(times) * 1000:8.0f} ms"


def process_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(work / "pycache")
    return env


def time_process(cmd: list[str], env: dict[str, str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return time.perf_counter() - t


def time_floor(env: dict[str, str], runs: int) -> list[float]:
    return [time_process([sys.executable, "-c", "pass"], env) for _ in range(runs)]


def time_cli(config: Path, passages: list[str], runs: int, env: dict[str, str]) -> list[float]:
    out = []
    for i in range(runs):
        pid = passages[i % len(passages)]
        topic = TOPICS[i % len(TOPICS)]
        cmd = [sys.executable, "-m", "tui.cli", "--config", str(config), "tag", pid, topic]
        out.append(time_process(cmd, env))
    return out


def time_list(config: Path, runs: int, env: dict[str, str]) -> list[float]:
    """`dossier tags` (every tag resolved and printed), output thrown away."""
    cmd = [sys.executable, "-m", "tui.cli", "--config", str(config), "tags"]
    return [time_process(cmd, env) for _ in range(runs)]


async def _reader_once(settings, article_id: str, n: int, key: str) -> tuple[float, float]:
    from tui.app import DossierApp

    async def until(pilot, condition) -> None:
        while not condition():
            await pilot.pause(0.005)

    t = time.perf_counter()
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading)
        opened = time.perf_counter() - t
        app.open_article(article_id, n)
        await until(pilot, lambda: type(app.screen).__name__ == "ReaderScreen")
        await pilot.pause()
        t = time.perf_counter()
        await pilot.press(key)
        await until(pilot, lambda: app.tag_writer.idle)
        tagged = time.perf_counter() - t
    return opened, tagged


def time_reader(settings, lib: Library, runs: int) -> dict[str, list[float]]:
    """The reader: start until the tag file is read and shown; a topic key on a passage
    until the tag is saved and drawn."""
    aid = sorted(lib.infos)[1]
    keys = [t.key for t in settings.topics]
    times: dict[str, list[float]] = {"open": [], "tag": []}
    for i in range(runs):
        n = 1 + i % lib.infos[aid].passages
        opened, tagged = asyncio.run(_reader_once(settings, aid, n, keys[i % len(keys)]))
        times["open"].append(opened)
        times["tag"].append(tagged)
    return times


def time_in_process(settings, lib: Library, runs: int) -> dict[str, list[float]]:
    art = lib.article(sorted(lib.infos)[0])
    times: dict[str, list[float]] = {"open": [], "tag": [], "notice": []}
    for i in range(runs):
        t = time.perf_counter()
        store = TagStore.open(settings, lib)
        times["open"].append(time.perf_counter() - t)
        t = time.perf_counter()
        store.toggle_passage_topic(art, 1 + i % len(art.passages), TOPICS[i % 3])
        times["tag"].append(time.perf_counter() - t)
        other = TagStore.open(settings, lib)
        other.toggle_passage_topic(art, 1 + (i + 1) % len(art.passages), TOPICS[i % 3])
        t = time.perf_counter()
        assert store.poll() is not None
        times["notice"].append(time.perf_counter() - t)
    return times


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1,5000,50000")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(prefix="bench-tags-") as tmp:
        work = Path(tmp)
        shutil.copy(ROOT / "config.yaml", work / "config.yaml")
        shutil.copytree(ROOT / "articles", work / "articles")
        settings = load_settings(work / "config.yaml")
        lib = Library(settings)
        lib.update()
        passages = [
            f"{a}#{n}" for a in sorted(lib.infos) for n in range(1, lib.infos[a].passages + 1)
        ]
        rng.shuffle(passages)
        env = process_env(work)
        subprocess.run(  # the warm-up: modules compiled once, as after an install
            [sys.executable, "-m", "tui.cli", "--config", str(work / "config.yaml"), "tags"],
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
            env=env,
        )
        print(f"libyaml: {'yes' if hasattr(__import__('yaml'), 'CSafeLoader') else 'no'}")
        print(
            f"{'tags':>7} {'file':>9} {'1st read':>9} {'python':>9} {'dossier tag':>12} "
            f"{'dossier tags':>13} {'reader open':>12} {'reader tag':>11} {'open':>9} "
            f"{'one tag':>9} {'notice':>9}"
        )
        base: dict[str, float] = {}
        for size in [int(s) for s in args.sizes.split(",")]:
            settings.tags_file.unlink(missing_ok=True)
            make_tag_file(settings, lib, size, rng)
            mb = os.path.getsize(settings.tags_file) / 1e6
            t = time.perf_counter()
            TagStore.open(settings, lib)  # parses the YAML once and keeps the cache
            first = time.perf_counter() - t
            figures = {
                "python": time_floor(env, args.runs),
                "dossier tag": time_cli(work / "config.yaml", passages, args.runs, env),
                "dossier tags": time_list(work / "config.yaml", args.runs, env),
                **{f"reader {k}": v for k, v in time_reader(settings, lib, args.runs).items()},
                **time_in_process(settings, lib, args.runs),
            }
            medians = {k: statistics.median(v) for k, v in figures.items()}
            base = base or medians
            print(
                f"{size:>7} {mb:7.1f}MB {first:8.1f}s "
                + " ".join(
                    f"{medians[k] * 1000:{w - 3}.0f} ms"
                    for k, w in zip(medians, WIDTHS, strict=True)
                ),
                flush=True,
            )
            print(
                f"{'':>28}"
                + " ".join(
                    f"{medians[k] / max(base[k], 1e-9):{w - 1}.1f}x"
                    for k, w in zip(medians, WIDTHS, strict=True)
                )
                + "  (vs the first size)",
                flush=True,
            )


if __name__ == "__main__":
    main()
