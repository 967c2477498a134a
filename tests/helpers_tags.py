"""Shared helpers and fixtures for the tag tests (imported by tests/test_tags*.py)."""

from __future__ import annotations

import shutil
from dataclasses import replace
from pathlib import Path

import pytest

from index.config import Settings, load_settings
from index.corpus import build_article
from index.library import Library
from index.model import Article
from index.tags import TagStore
from index.text import canonical

ROOT = Path(__file__).resolve().parents[1]


def plain_settings(tmp_path: Path) -> Settings:
    """The bundled codebook, with corpus, index and tag file inside tmp_path."""
    base = load_settings(ROOT / "config.yaml")
    return replace(
        base,
        corpus=tmp_path / "articles",
        index_dir=tmp_path / "index",
        tags_file=tmp_path / "tags.yaml",
    )


def make_article(settings: Settings, text: str, aid: str = "a1") -> Article:
    return build_article(aid, f"/virtual/{aid}.txt", canonical(text), settings)


def open_store(settings: Settings, *articles: Article) -> TagStore:
    """A store that finds articles among the ones given (not on disk)."""
    by_id = {a.id: a for a in articles}
    return TagStore.open(settings, by_id.get)


def copy_corpus(dest: Path) -> Settings:
    """The bundled config and articles copied into dest, indexed."""
    dest.mkdir(parents=True, exist_ok=True)
    shutil.copy(ROOT / "config.yaml", dest / "config.yaml")
    shutil.copytree(ROOT / "articles", dest / "articles")
    settings = load_settings(dest / "config.yaml")
    Library(settings).update()
    return settings


@pytest.fixture(scope="session")
def bundled_corpus(tmp_path_factory) -> Settings:
    """One indexed copy of the bundled corpus for tests that do not change articles."""
    return copy_corpus(tmp_path_factory.mktemp("bundled"))


@pytest.fixture
def bundled(bundled_corpus: Settings, tmp_path: Path) -> Settings:
    """The shared indexed corpus with a tag file of this test's own."""
    return replace(bundled_corpus, tags_file=tmp_path / "tags.yaml")


# A short article with a title and three passages (checkpoint, treaty, border).
TEXT = (
    "A title\n\n"
    "The checkpoint on the Lachin corridor stayed closed all week.\n\n"
    "Negotiators said the peace treaty was within reach.\n\n"
    "Border guards exchanged fire near the demarcation line.\n"
)
