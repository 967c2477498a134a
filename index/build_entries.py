"""What a build records of each article, and what it reports: the manifest entry
(the file's size and time, a digest of its metadata.yaml entry, its text's hash and
counts), its duplicate sketch, and adding it to (or removing it from) the index and
the manifest together."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .corpus import SourceFile
from .duplicates import DupeStore, Fingerprint, fingerprint_of
from .engine import Batch
from .manifest import Manifest, same_stat
from .model import Article

if TYPE_CHECKING:
    from .config import Settings


@dataclass(slots=True)
class IndexReport:
    articles: int = 0
    passages: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    rebuilt: bool = False
    reason: str = ""
    title_only: int = 0  # articles with a title and no body
    duplicate_groups: int = 0  # groups of articles with the same or nearly the same body
    recleaned: int = 0  # unchanged articles cleaned again: their repeated lines changed
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def reindexed(self) -> int:
        return self.added + self.changed

    def summary(self) -> str:
        head = "rebuilt" if self.rebuilt else "updated"
        extra = f", {self.recleaned} re-cleaned" if self.recleaned else ""
        return (
            f"{head}: {self.articles} articles ({self.title_only} title-only), "
            f"{self.passages} passages, {self.duplicate_groups} duplicate groups; "
            f"{self.added} added, {self.changed} changed, {self.removed} removed{extra}; "
            f"{len(self.warnings)} warnings; {self.seconds:.2f} s"
        )


@dataclass(slots=True)
class Update:
    """What an update writes beside the index's parts, and reads articles with: the
    corpus settings and metadata.yaml entries, the manifest and duplicate sketches it
    records each article in, the report it tells."""

    settings: Settings
    sidecar: dict
    manifest: Manifest
    report: IndexReport
    dupes: DupeStore


def side_digest(sidecar: dict, aid: str) -> str | None:
    """A digest of an article's entry in the corpus's metadata.yaml (None: it has none),
    kept in its manifest entry: editing the entry re-reads the article although its
    file did not change."""
    entry = sidecar.get(aid)
    if not entry:
        return None
    text = json.dumps(entry, sort_keys=True, default=str)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def as_read(entry: dict | None, src: SourceFile, sidecar: dict) -> bool:
    """Whether an article is as its manifest entry saw it: its file and its
    metadata.yaml entry."""
    return same_stat(entry, src) and entry.get("side") == side_digest(sidecar, src.id)


def entry_of(article: Article, src: SourceFile, sidecar: dict) -> dict:
    side = side_digest(sidecar, src.id)
    return {
        "path": src.path,
        "size": src.size,
        "mtime_ns": src.mtime_ns,
        "hash": article.content_hash,
        "title": article.title,
        "source": article.source,
        "date": article.date,
        "passages": len(article.passages),
        "title_only": article.title_only,
        # kept so that every update reports them until the file changes
        **({"warnings": article.warnings} if article.warnings else {}),
        **({"side": side} if side else {}),
    }


def add_article(
    batch: Batch, manifest: Manifest, article: Article, src: SourceFile, sidecar: dict
) -> None:
    manifest.articles[article.id] = entry_of(article, src, sidecar)  # first: adding may commit
    batch.add(article)


def remove_article(batch: Batch, manifest: Manifest, aid: str) -> None:
    batch.remove(aid)
    manifest.articles.pop(aid, None)


def sketch_article(article: Article) -> Fingerprint | None:
    """The article's duplicate sketch; none for an article that is only a title."""
    if article.title_only:
        return None
    return fingerprint_of(article.title, [p.text for p in article.passages])


def keep_sketch(dupes: DupeStore, article: Article) -> None:
    fp = sketch_article(article)
    if fp is None:
        dupes.prints.pop(article.id, None)
    else:
        dupes.prints[article.id] = fp
