"""Several writers at once on shared passages: three `dossier tag`-like processes (a fresh
store per command) and a reader-like process (one store kept open, never reloaded, so its
view is stale) add, remove and toggle topics at random. Every change is logged at the
moment it takes the file's lock; replaying the log in that order on plain sets must give
exactly the file: no topic lost or revived, one entry per passage.

TAG_RACE_ROUNDS sets the rounds (CI: 3). 100 rounds: see README, "The tag file"."""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import os
import random

import pytest
import yaml
from helpers_tags import make_article, open_store, plain_settings

from index import tagfile

ROUNDS = int(os.environ.get("TAG_RACE_ROUNDS", "3"))
CLI_WORKERS = 3
OPS = 12  # per worker and round
TOPICS = ("border", "corridor", "treaty")
TEXT = "A title\n\n" + "\n\n".join(
    f"Passage {i} on the talks about the border and the corridor." for i in range(1, 4)
)


def _log_lock_order(log_path: str, current: list) -> None:
    """In this process, write `current[0]` to the log each time the lock is taken."""
    real = tagfile.locked

    @contextlib.contextmanager
    def locked(path):
        with real(path):
            with open(log_path, "a", encoding="utf-8") as fh:
                fh.write(json.dumps(current[0]) + "\n")
            yield

    tagfile.locked = locked


def _remove_topic(store, entry, topic):
    if hasattr(store, "remove_topic"):
        return store.remove_topic(entry.id, topic)
    return store.set_topics(entry.id, [t for t in entry.topics if t != topic])  # older API


def _worker(kind: str, seed: int, tmp: str, log_path: str, barrier) -> None:
    from pathlib import Path

    settings = plain_settings(Path(tmp))
    art = make_article(settings, TEXT)
    n_passages = len(art.passages)
    current: list = [None]
    _log_lock_order(log_path, current)
    rng = random.Random(seed)
    reader = open_store(settings, art) if kind == "reader" else None
    barrier.wait()
    for _ in range(OPS):
        n, topic = rng.randint(1, n_passages), rng.choice(TOPICS)
        if reader is not None:  # the reader toggles from its stale view
            current[0] = ["toggle", n, topic]
            reader.toggle_passage_topic(art, n, topic)
            continue
        store = open_store(settings, art)  # a fresh `dossier tag` / `untag` process
        if rng.random() < 0.6:
            current[0] = ["add", n, topic]
            store.add_passage(art, n, [topic])
        else:
            entry = store.passage_entry(art, n)
            if entry is None or topic not in entry.topics:
                continue  # `untag` would refuse: nothing taken, nothing logged
            current[0] = ["remove", n, topic]
            _remove_topic(store, entry, topic)


def _replay(log_lines: list[str]) -> dict[int, set[str]]:
    state: dict[int, set[str]] = {}
    for raw in log_lines:
        kind, n, topic = json.loads(raw)
        have = state.setdefault(n, set())
        if kind == "add" or (kind == "toggle" and topic not in have):
            have.add(topic)
        else:
            have.discard(topic)
    return {n: t for n, t in state.items() if t}


def _on_disk(settings, art) -> tuple[dict[int, set[str]], int]:
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8")) or {}
    by_passage: dict[int, list] = {}
    starts = {p.start: p.n for p in art.passages}
    for e in data.get("entries") or []:
        by_passage.setdefault(starts[e["anchor"]["start"]], []).append(set(e["topics"]))
    extra = sum(len(v) - 1 for v in by_passage.values())
    merged = {n: set().union(*v) for n, v in by_passage.items()}
    return merged, extra


def run_round(tmp_path, seed: int) -> tuple[dict, dict, int]:
    """One round; returns (expected from the log, on disk, extra entries)."""
    settings = plain_settings(tmp_path)
    log_path = str(tmp_path / "lock-order.log")
    ctx = multiprocessing.get_context("fork")
    kinds = ["cli"] * CLI_WORKERS + ["reader"]
    barrier = ctx.Barrier(len(kinds))
    procs = [
        ctx.Process(target=_worker, args=(k, seed * 10 + i, str(tmp_path), log_path, barrier))
        for i, k in enumerate(kinds)
    ]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
        assert p.exitcode == 0, f"a writer failed (exit {p.exitcode})"
    with open(log_path, encoding="utf-8") as fh:
        expected = _replay(fh.read().splitlines())
    art = make_article(settings, TEXT)
    disk, extra = _on_disk(settings, art)
    return expected, disk, extra


@pytest.mark.parametrize("seed", range(ROUNDS))
def test_concurrent_writers_equal_the_sequential_result(tmp_path, seed):
    expected, disk, extra = run_round(tmp_path, seed)
    assert extra == 0, "a passage got a second entry"
    assert disk == expected
