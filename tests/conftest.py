"""Shared fixtures: settings over the bundled articles or a generated corpus, with the
index and tag file always in a temporary folder (the project folder is never written)."""

from __future__ import annotations

import dataclasses
import os
import tarfile
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml

from index.build import update_index
from index.config import Settings, load_settings
from index.library import Library

REPO = Path(__file__).resolve().parents[1]
CONFIG = REPO / "config.yaml"
ARTICLES = REPO / "articles"
# The shared test corpora live beside the repository, never inside it.
CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"

MakeCorpus = Callable[..., Settings]


def settings_for(corpus: Path, workdir: Path, **changes) -> Settings:
    """The project's config.yaml, pointed at `corpus`, with index and tags in workdir."""
    return dataclasses.replace(
        load_settings(CONFIG),
        corpus=corpus,
        index_dir=workdir / "index",
        tags_file=workdir / "tags.yaml",
        **changes,
    )


def app_settings(workdir: Path, corpus: Path = ARTICLES) -> Settings:
    """A config.yaml in workdir (the reader's indexer process reads it by path): the
    project's, pointed at `corpus`, with index and tags in workdir; the index built."""
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    data.update(corpus=str(corpus), index=str(workdir / "index"), tags=str(workdir / "tags.yaml"))
    path = workdir / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    settings = load_settings(path)
    update_index(settings)
    return settings


def run_cli(capsys, cfg: Path, *args: str) -> tuple[int, str, str]:
    """`dossier --config cfg ARGS...` in this process: exit code, stdout, stderr; never a
    traceback."""
    from tui.cli import main

    code = main(["--config", str(cfg), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def write_files(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8", newline="")


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The reader's settings on the bundled articles, written to tmp_path and indexed
    (`app_settings`). A test file that needs more (tags, topics) defines its own."""
    return app_settings(tmp_path)


@pytest.fixture
def bundled_settings(tmp_path: Path) -> Settings:
    """Settings whose corpus is the bundled articles/ and whose index and tag file are in
    tmp_path."""
    return settings_for(ARTICLES, tmp_path)


@pytest.fixture
def make_corpus(tmp_path: Path) -> MakeCorpus:
    """make_corpus({relative_path: str | bytes}, **settings_changes) writes the files
    into tmp_path/corpus (str as UTF-8, newlines untouched) and returns Settings for it
    with the index in tmp_path. Call again to add or overwrite files."""
    root = tmp_path / "corpus"

    def make(files: dict[str, str | bytes] | None = None, **changes) -> Settings:
        root.mkdir(exist_ok=True)
        write_files(root, files or {})
        return settings_for(root, tmp_path, **changes)

    return make


@pytest.fixture(scope="session")
def bundled_library(tmp_path_factory: pytest.TempPathFactory) -> Library:
    """One indexed Library over the bundled articles for the whole session. Read only:
    tests that change a corpus or an index build their own."""
    settings = settings_for(ARTICLES, tmp_path_factory.mktemp("bundled"))
    lib = Library(settings)
    lib.update()
    return lib


@pytest.fixture(scope="session")
def corpora() -> Path:
    if not CORPORA.is_dir():
        pytest.skip(f"shared test corpora not found at {CORPORA}")
    return CORPORA


@pytest.fixture(scope="session")
def extracted(corpora: Path) -> Iterator[Callable[[str], Path]]:
    """extracted(name) -> the folder in ../shared/corpora/NAME.tar.gz, extracted once per
    session into a temporary folder that is removed at the end, pass or fail (it is big
    and can be made again). Read only: copy what a test changes. In memory (/dev/shm)
    where there is one: creating, reading and removing Reuters' 21,578 small files on
    this machine's disk took 28 + 70 + 67 s."""
    ram = Path("/dev/shm")
    where = str(ram) if ram.is_dir() and os.access(ram, os.W_OK) else None
    with tempfile.TemporaryDirectory(prefix="dossier-corpora-", dir=where) as tmp:
        done: dict[str, Path] = {}

        def get(name: str) -> Path:
            if name not in done:
                with tarfile.open(corpora / f"{name}.tar.gz") as tar:
                    tar.extractall(tmp, filter="data")
                done[name] = Path(tmp) / name
            return done[name]

        yield get


@pytest.fixture(scope="session")
def bbc(extracted) -> Path:
    return extracted("bbc")


@pytest.fixture(scope="session")
def reuters(extracted) -> Path:
    return extracted("reuters21578")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: takes seconds (big inputs, real corpora)")
