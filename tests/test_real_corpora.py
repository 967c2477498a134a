"""The shared real corpora (BBC, Reuters-21578): every file handled, nothing lost. Ingest
runs over everything; indexing over a small sample only, to stay quick."""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
import tarfile
from collections import Counter
from pathlib import Path

import pytest
from conftest import settings_for

from index.corpus import load_corpus
from index.duplicates import fingerprint_of
from index.duplicates import groups as find_groups
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
    txt = [p for p in files if p.suffix.lower() == ".txt" and p.name != "README.TXT"]
    assert len(txt) == 2225
    articles, warnings = load_corpus(settings_for(bbc, tmp_path))
    assert len(articles) + len(warnings) == len(files)  # README.TXT is not an article
    assert len(articles) == len(txt)
    [bad] = [w for w in warnings if "UTF-8" in w]
    assert bad.startswith("sport/199:")
    by_id = {a.id: a for a in articles}
    assert "£" in by_id["sport/199"].text
    # "first line the title, a blank line, then paragraphs": nothing lost
    for path in txt:
        a = by_id[str(path.relative_to(bbc).with_suffix(""))]
        lines = [ln.strip() for ln in a.text.splitlines() if ln.strip()]
        assert a.title == lines[0], a.id
        kept = re.sub(r"\s", "", "".join(p.text for p in a.passages))
        assert kept == re.sub(r"\s", "", "".join(lines[1:])), a.id
    assert Counter(r.reason for a in articles for r in a.removed) == {"title": 2225}
    # The same story saved twice: 138 exact copies (case and spacing aside), ~20 near.
    groups = duplicate_groups(articles)
    assert 130 <= len(groups) <= 180
    assert ["politics/004", "politics/330"] in groups  # two titles, one body


def duplicate_groups(articles) -> list[list[str]]:
    prints = {
        a.id: fingerprint_of(a.title, [p.text for p in a.passages])
        for a in articles
        if not a.title_only
    }
    return find_groups(prints)


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
    # Title-only items have their title as passage 1 (1,785; 750 more have no title
    # either); every other body is kept whole but the sign-off "REUTER", which eight
    # items end with.
    title_only = [a for a in articles if a.title_only]
    assert len(title_only) == 1785
    for a in title_only:
        assert [p.text for p in a.passages] == [a.title]
    dropped = Counter()
    for a in articles:
        if a.title_only:
            continue
        body = a.text[a.removed[0].end :]
        lost = [r for r in a.removed[1:]]
        dropped.update(a.text[r.start : r.end] for r in lost)
        kept = re.sub(r"\s", "", "".join(p.text for p in a.passages))
        expect = body
        for r in reversed(lost):
            expect = expect.replace(a.text[r.start : r.end], "", 1)
        assert kept == re.sub(r"\s", "", expect), a.id
    assert dropped == {"REUTER": 8}, dropped
    groups = duplicate_groups(articles)
    assert 260 <= len(groups) <= 520  # 267 exact copies, near copies on top


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
