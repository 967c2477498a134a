"""Damaged tag files (issue 13 item 7): random mutations of a valid tags.yaml (truncated,
bytes flipped, merge-conflict markers, unknown version, wrong types, duplicate ids, huge
notes, YAML aliases, slices moved). Opening either loads the file or turns tagging off
with a message naming the file (and the line where the damage is known); opening,
asking `tag:` and trying to tag never change the file's bytes or mtime while tagging is
off; a file that loads round-trips (tag, untag: the same entries, unknown keys kept).
The seed changes each run and is printed on failure; DOSSIER_FUZZ_SEED=N repeats a run,
DOSSIER_FUZZ_ROUNDS=N tries more files."""

from __future__ import annotations

import os
import random
import time

import pytest
import yaml
from fuzz_inputs import mutate_tagfile, seed_and_rounds
from helpers_tags import make_article, open_store, plain_settings

from index import tagfile
from index.errors import DossierError
from index.tags import TagStore

ROUNDS = 120
HANG_S = 10.0
# Damage whose place the message must name: the parser knows the line.
LINE_KNOWN = {"conflict", "dup"}


@pytest.fixture
def setup(tmp_path):
    settings = plain_settings(tmp_path)
    a1 = make_article(
        settings,
        "Talks resume\n\nThe border maps were published on Monday by both sides.\n\n"
        "The corridor stayed closed all week, officials said.\n\n"
        "A third paragraph on the treaty and what it says.\n",
        "a1",
    )
    a2 = make_article(
        settings,
        "Another one\n\nLachin checkpoint news from the road today.\n\n"
        "Second paragraph here about peace.\n",
        "a2",
    )
    store = open_store(settings, a1, a2)
    store.add_passage(a1, 1, ["border"], note="a note: with colon # and hash")
    start = a1.passages[1].start
    store.add(a1, start + 4, start + 12, ["corridor"])
    store.add_passage(a2, 1, ["corridor", "treaty"])
    store.set_memo("a memo: with colon\nand a second line", article="a2")
    store.set_memo("on the topic", topic="border")
    text = settings.tags_file.read_text(encoding="utf-8")
    text = text.replace("version: 1\n", "version: 1\nproject: {name: fieldwork, owner: anna}\n")
    text = text.replace("  article_hash:", "  reviewer: anna\n  article_hash:", 1)
    text = text.replace("    start:", "    page: 3\n    start:", 1)
    valid = text.encode("utf-8")
    tagfile.parse(settings.tags_file, valid)  # the base file itself is valid
    return settings, {a.id: a for a in (a1, a2)}, valid


def on_disk(path) -> tuple[bytes, int]:
    return path.read_bytes(), os.stat(path).st_mtime_ns


def test_damaged_tag_files_are_refused_untouched_or_round_trip(setup):
    settings, articles, valid = setup
    path = settings.tags_file
    seed, rounds = seed_and_rounds(ROUNDS)
    rng = random.Random(seed)
    counts = {"loaded": 0, "off": 0}
    for i in range(rounds):
        kind, data = mutate_tagfile(rng, valid) if i else ("none", valid)
        label = f"seed {seed}, file {i} ({kind})"
        path.write_bytes(data)
        os.utime(path, ns=(1_000_000_000, 1_000_000_000))  # an mtime a rewrite would change
        before = on_disk(path)
        t0 = time.perf_counter()
        try:
            store = TagStore.open_or_disabled(settings, articles.get)
            for topic in ("border", "corridor", "treaty"):
                store.lookup(topic)  # what `tag:x` asks
            for article in articles.values():
                store.for_article(article)  # what the reader marks
        except Exception as exc:  # any exception is the failure looked for
            pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
        assert time.perf_counter() - t0 < HANG_S, f"{label}: opening took too long"
        assert on_disk(path) == before, f"{label}: opening or asking tag: changed the file"

        if store.error is not None:
            counts["off"] += 1
            message = str(store.error)
            assert str(path) in message, f"{label}: message does not name the file: {message}"
            if kind in LINE_KNOWN:
                assert ", line " in message, f"{label}: message does not name the line: {message}"
            with pytest.raises(DossierError):
                store.add_passage(articles["a1"], 3, ["treaty"])
            assert on_disk(path) == before, f"{label}: trying to tag changed a refused file"
        else:
            counts["loaded"] += 1
            check_round_trip(label, store, articles, path)
    # Both outcomes must be met in a run, or the run tested only one of them.
    assert counts["loaded"] and counts["off"], f"seed {seed}: {counts}"


def check_round_trip(label: str, store: TagStore, articles: dict, path) -> None:
    """Tag a passage that has no tag, untag it: the file says what it said before."""
    old = tagfile.parse(path, path.read_bytes())
    a1 = articles["a1"]
    free = [n for n in range(1, len(a1.passages) + 1) if store.passage_entry(a1, n) is None]
    if not free:
        return
    try:
        entry = store.add_passage(a1, free[0], ["treaty"], note="round trip")
        store.remove(entry.id)
    except Exception as exc:  # any exception is the failure looked for
        pytest.fail(f"{label}: tagging a loaded file raised {type(exc).__name__}: {exc}")
    new = tagfile.parse(path, path.read_bytes())
    assert by_id(new) == by_id(old), f"{label}: entries changed by tag and untag"
    assert new.dismissed == old.dismissed, f"{label}: dismissals changed"
    assert new.memos == old.memos, f"{label}: memos changed"
    # Compared as YAML: == would walk an alias bomb's every leaf (hundreds of millions).
    same = yaml.safe_dump(new.extra) == yaml.safe_dump(old.extra)
    assert same, f"{label}: unknown top-level keys were not kept"


def by_id(doc: tagfile.TagDoc) -> dict[str, dict]:
    """Entries by id: a rewrite puts them in dossier's order (article, offsets)."""
    return {str(e["id"]): e for e in doc.entries}
