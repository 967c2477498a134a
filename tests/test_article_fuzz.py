"""Hostile article files (issue 13 item 7): random bytes, bad UTF-8, UTF-16, Windows-1252,
NUL bytes, escape sequences, OSC 52, bidi overrides, Rich/Textual markup, huge lines,
empty files, broken HTML, a FIFO and link loops in one corpus. Indexing ends with
warnings, never an exception; every article read is found by one of its words; nothing
shown (titles, passages, `dossier show`, `dossier search`) holds a raw control
character. The seed changes each run and is printed on failure; DOSSIER_FUZZ_SEED=N
repeats a run, DOSSIER_FUZZ_ROUNDS=N runs more corpora."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest
from conftest import app_settings
from fuzz_inputs import UNSAFE, article_file, seed_and_rounds

from index.build import update_index
from index.library import Library
from index.text import words
from tui.cli import main as cli
from tui.render import cap, plain

FILES = 22  # per corpus; one corpus takes about 2 s here


def unsafe_in(text: str) -> list[str]:
    return sorted({f"U+{ord(c):04X}" for c in text if c in UNSAFE})


def hostile_corpus(rng: random.Random, root: Path) -> dict[str, tuple[str, bool]]:
    """Writes the files; returns article id -> (file name, must be read)."""
    root.mkdir()
    made = {}
    for i in range(FILES):
        name, data, must = article_file(rng, i)
        (root / name).write_bytes(data)
        made[name.rsplit(".", 1)[0]] = (name, must)
    os.mkfifo(root / "pipe.txt")  # reading it would block for ever
    (root / "sub").mkdir()
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    (root / "self.txt").symlink_to("self.txt")  # a link to itself (ELOOP)
    (root / "gone.md").symlink_to("nowhere.md")
    return made


def test_hostile_articles_index_search_and_show_safely(tmp_path, capsys):
    seed, rounds = seed_and_rounds(1)
    for r in range(rounds):
        rng = random.Random(seed + r)
        where = tmp_path / f"r{r}"
        where.mkdir()
        made = hostile_corpus(rng, where / "corpus")
        check_corpus(f"seed {seed + r}", rng, where, made, capsys)


def check_corpus(label: str, rng: random.Random, where: Path, made: dict, capsys) -> None:
    try:
        settings = app_settings(where, where / "corpus")  # writes config.yaml, indexes
        report = update_index(settings)
    except Exception as exc:  # any exception is the failure looked for
        pytest.fail(f"{label}: indexing raised {type(exc).__name__}: {exc}")
    assert report.reindexed == 0, f"{label}: a second update found changes: {report.summary()}"
    lib = Library(settings)
    missing = [name for aid, (name, must) in made.items() if must and aid not in lib.infos]
    assert not missing, f"{label}: readable files not indexed: {missing}"

    config = str(settings.path)
    for aid in lib.infos:
        article = lib.article(aid)
        shown = [plain(cap(article.title, 200)).plain, plain(article.title).plain]
        shown += [plain(p.text).plain for p in article.passages]
        bad = unsafe_in("".join(shown))
        assert not bad, f"{label}: {aid} shows raw {bad} in the reader"
        for p in article.passages:  # markup in the text is shown, never interpreted
            assert len(plain(p.text).plain) == len(p.text), f"{label}: {aid}#{p.n} lost text"

        candidates = sorted(
            w for w in words_of(article) if w.isascii() and w.isalpha() and len(w) >= 4
        )
        if candidates:
            mine = [w for w in candidates if w.startswith("zqx")] or candidates
            word = rng.choice(mine)
            found = {a.id for a in lib.engine.search(word, limit=5).articles}
            assert aid in found, f"{label}: {aid} not found by its word {word!r}"

        capsys.readouterr()
        args = ["--config", config, "show", aid] + (["--raw"] if rng.random() < 0.3 else [])
        assert cli(args) == 0, f"{label}: show {aid} failed: {capsys.readouterr().err}"
        out = capsys.readouterr()
        bad = unsafe_in(out.out + out.err)
        assert not bad, f"{label}: `dossier {' '.join(args[2:])}` printed raw {bad}"

    capsys.readouterr()
    cli(["--config", config, "search", "zqx* OR border OR corridor", "--limit", "50"])
    out = capsys.readouterr()
    bad = unsafe_in(out.out + out.err)
    assert not bad, f"{label}: `dossier search` printed raw {bad}"


def words_of(article) -> set[str]:
    return {w for p in article.passages for _, _, w in words(p.text)}
