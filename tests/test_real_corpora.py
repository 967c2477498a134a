"""The shared real corpora (BBC, Reuters-21578) through `update_index`, the path the
product takes: every file handled, nothing lost, warnings reported on every update.

Reading runs over every file; the Whoosh writing of the full corpora (100k passages,
minutes on this machine) is replaced by a writer that keeps what it is given, so the
tests check exactly what would be indexed. A real build runs on a sample of both."""

from __future__ import annotations

import dataclasses
import random
import re
import shutil
from pathlib import Path

import pytest
from conftest import settings_for

from index import engine
from index.build import article_infos, update_index
from index.library import Library
from index.text import decode_char_refs

pytestmark = pytest.mark.slow
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


def files_in(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def read_text(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:  # sport/199, the one saved as Windows-1252
        return data.decode("cp1252")


def squash(text: str) -> str:
    return re.sub(r"\s", "", text)


@pytest.fixture
def indexed(monkeypatch) -> dict[str, list[str]]:
    """article id -> the passage texts update_index hands to the index writer."""
    docs: dict[str, list[str]] = {}

    class KeepingWriter:
        def add_document(self, **doc) -> None:
            docs.setdefault(doc["article"], []).append(doc["text"])

        def add(self, article_docs) -> None:  # a fresh build's writer
            aid, _title, _source, _date, passages = article_docs
            docs.setdefault(aid, []).extend(text for _pid, text in passages)

        def delete_by_term(self, field: str, value: str) -> None:
            assert field == "article"
            docs.pop(value, None)

        def commit(self, *_, **__) -> None:
            pass

        def cancel(self) -> None:
            pass

    def writer(batch):
        if batch.writer is None:
            batch.writer = KeepingWriter()
        return batch.writer

    monkeypatch.setattr(engine.Batch, "_writer", writer)
    return docs


def test_bbc_every_file_handled(bbc, tmp_path, indexed):
    files = files_in(bbc)
    txt = [p for p in files if p.suffix.lower() == ".txt" and p.name != "README.TXT"]
    assert len(txt) == 2225
    settings = settings_for(bbc, tmp_path)
    report = update_index(settings)
    infos = {i.id: i for i in article_infos(settings)}
    assert report.articles == len(infos) == len(txt)  # README.TXT is not an article
    [bad] = [w for w in report.warnings if "UTF-8" in w]
    assert bad.startswith("sport/199:")
    assert len(report.warnings) == 1  # README.TXT and the rest pass quietly
    # one body under two titles, and near copies: 137 exact groups, near ones on top
    assert 130 <= report.duplicate_groups <= 180
    assert "£" in "".join(indexed["sport/199"])
    # BBC's files carry HTML character references ("Jos&#233; Manuel Barroso"): read
    # as the characters they stand for, in titles and text alike
    every = "\n".join(t for texts in indexed.values() for t in texts)
    assert "José Manuel Barroso" in every and "&#" not in every
    assert not [i.title for i in infos.values() if "&#" in i.title]
    # "first line the title, a blank line, then paragraphs": nothing lost
    for path in txt:
        aid = str(path.relative_to(bbc).with_suffix(""))
        text = decode_char_refs(read_text(path))
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        assert infos[aid].title == lines[0], aid
        assert squash("".join(indexed[aid])) == squash("".join(lines[1:])), aid
        assert infos[aid].passages == len(indexed[aid]), aid
    # nothing changed: nothing re-read, and the same warnings again
    again = update_index(settings)
    assert again.reindexed == 0 and not again.rebuilt
    assert again.warnings == report.warnings


def test_reuters_every_file_handled(reuters, tmp_path, indexed):
    files = files_in(reuters)
    assert len(files) == 21578
    settings = settings_for(reuters, tmp_path)
    report = update_index(settings)
    assert report.warnings == []
    infos = article_infos(settings)
    assert report.articles == len(infos) == len(files)
    assert all(i.title and i.source == "Reuters" for i in infos)
    dated = [i for i in infos if i.date]
    assert len(dated) > 21_500 and all(i.date.startswith("1987-") for i in dated)
    # items with a title and no body are found by their title (one passage: the title)
    assert report.title_only == 1785
    assert 260 <= report.duplicate_groups <= 520  # 267 exact copies, near copies on top
    dropped = 0
    for info in infos:  # every body is indexed whole, but the "REUTER" sign-offs
        text = Path(info.path).read_text(encoding="utf-8")
        body = FRONT_MATTER.sub("", text, count=1)
        kept = squash("".join(indexed.get(info.id, [])))
        if not squash(body):
            continue
        if kept != squash(body):
            assert squash(body).replace("REUTER", "", 1) == kept, info.id
            dropped += 1
    assert dropped == 8
    assert "topics" in Library(settings).article(infos[0].id).meta
    again = update_index(settings)
    assert again.reindexed == 0 and again.warnings == []


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
