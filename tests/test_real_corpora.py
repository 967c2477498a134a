"""The shared real corpora (BBC, Reuters-21578): every file handled, nothing lost. Ingest
runs over everything; indexing over a small sample only, to stay quick."""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import tarfile
from pathlib import Path

import pytest
from conftest import settings_for

from index.corpus import load_corpus
from index.library import Library

pytestmark = pytest.mark.slow


def extract(corpora: Path, name: str, dest: Path) -> Path:
    with tarfile.open(corpora / f"{name}.tar.gz") as tar:
        tar.extractall(dest, filter="data")
    return dest / name


@pytest.fixture(scope="module")
def bbc(corpora, tmp_path_factory) -> Path:
    return extract(corpora, "bbc", tmp_path_factory.mktemp("bbc"))


@pytest.fixture(scope="module")
def reuters(corpora, tmp_path_factory) -> Path:
    return extract(corpora, "reuters21578", tmp_path_factory.mktemp("reuters"))


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def test_bbc_every_file_handled(bbc, tmp_path):
    files = files_in(bbc)
    txt = [p for p in files if p.suffix.lower() == ".txt"]
    assert len([p for p in txt if p.name != "README.TXT"]) == 2225
    articles, warnings = load_corpus(settings_for(bbc, tmp_path))
    assert len(articles) + len(warnings) == len(files) + 1  # + the non-UTF-8 note
    assert len(articles) == len(txt)
    [bad] = [w for w in warnings if "UTF-8" in w]
    assert bad.startswith("sport/199:")
    by_id = {a.id: a for a in articles}
    assert "£" in by_id["sport/199"].text
    # "first line the title, a blank line, then paragraphs": nothing lost
    for path in txt:
        if path.name == "README.TXT":
            continue
        a = by_id[str(path.relative_to(bbc).with_suffix(""))]
        lines = [ln.strip() for ln in a.text.splitlines() if ln.strip()]
        assert a.title == lines[0], a.id
        kept = re.sub(r"\s", "", "".join(p.text for p in a.passages))
        assert kept == re.sub(r"\s", "", "".join(lines[1:])), a.id


def test_reuters_every_file_handled(reuters, tmp_path):
    files = files_in(reuters)
    assert len(files) == 21578
    articles, warnings = load_corpus(settings_for(reuters, tmp_path))
    assert len(articles) + len(warnings) == len(files)
    assert warnings == []
    assert all(a.title and a.source == "Reuters" for a in articles)
    dated = [a for a in articles if a.date]
    assert len(dated) > 21_500 and all(a.date.startswith("1987-") for a in dated)
    assert all("topics" in a.meta or "places" in a.meta for a in articles[:100])
    # title-only items have no passages; every other body is kept whole
    for a in articles:
        body = re.sub(r"\s", "", a.text[a.removed[0].end :])
        kept = re.sub(r"\s", "", "".join(p.text for p in a.passages))
        assert kept == body or (
            a.removed[-1].reason.endswith("title") and len(kept) >= len(body) - len(a.title)
        ), a.id


def test_sample_of_both_indexes_and_searches(bbc, reuters, tmp_path):
    rnd = random.Random(7)
    sample = tmp_path / "sample"
    for root, name in ((bbc, "bbc"), (reuters, "reuters")):
        picked = rnd.sample(sorted(p for p in files_in(root) if p.suffix in (".txt", ".md")), 150)
        for p in picked:
            dest = sample / name / p.relative_to(root)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(p, dest)
    settings = settings_for(sample, tmp_path)
    lib = Library(settings)
    report = lib.update()
    assert report.articles == 300 - len([w for w in report.warnings if "empty" in w])
    assert lib.engine.search("said").total > 100
    assert lib.engine.search("source:reuters").total > 0
    again = Library(dataclasses.replace(settings)).update()
    assert again.reindexed == 0 and not again.rebuilt
