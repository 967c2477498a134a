"""The Whoosh index: schema, build, incremental update, open.

The index is derived and disposable: a manifest beside it records, per article, the
file's size, mtime and content hash (to know what changed) and what lists show
(title, outlet, date, passage count), so nothing needs re-reading when nothing changed.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from whoosh.fields import ID, TEXT, Schema
from whoosh.filedb.filestore import FileStorage

from .analysis import exact_analyzer, fingerprint, stemming_analyzer, variant_map
from .config import Settings
from .corpus import SourceFile, Unreadable, read_article, scan
from .errors import IndexUnavailable
from .metadata import load_sidecar
from .model import Article, ArticleInfo

MANIFEST = "manifest.json"
MAX_SEGMENTS = 6
Progress = Callable[[int, int, str], None]


def make_schema(settings: Settings) -> Schema:
    variants = variant_map(settings.variants)
    return Schema(
        pid=ID(stored=True, unique=True),
        article=ID(stored=True, sortable=True),
        source=TEXT(analyzer=exact_analyzer({}), phrase=True),
        date=ID,
        title=TEXT(analyzer=stemming_analyzer(variants), phrase=True),
        text=TEXT(analyzer=stemming_analyzer(variants), stored=True, phrase=True),
        exact=TEXT(analyzer=exact_analyzer(variants), phrase=False),
        tag=ID,  # never stored: `tag:` queries are answered from the tag file
    )


@dataclass(slots=True)
class IndexReport:
    articles: int = 0
    passages: int = 0
    added: int = 0
    changed: int = 0
    removed: int = 0
    rebuilt: bool = False
    reason: str = ""
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def reindexed(self) -> int:
        return self.added + self.changed

    def summary(self) -> str:
        head = "rebuilt" if self.rebuilt else "updated"
        return (f"{head}: {self.articles} articles, {self.passages} passages; "
                f"{self.added} added, {self.changed} changed, {self.removed} removed; "
                f"{len(self.warnings)} warnings; {self.seconds:.2f} s")


def _storage(index_dir: Path) -> FileStorage:
    # mmap keeps whole segment files resident: measured ~500 MB vs ~35 MB at equal speed.
    return FileStorage(str(index_dir), supports_mmap=False)


def _docs(article: Article):
    for p in article.passages:
        yield {
            "pid": p.pid,
            "article": article.id,
            "source": article.source or "",
            "date": article.date or "",
            "title": article.title,
            "text": p.text,
            "exact": p.text,
        }


def _info(article: Article, src: SourceFile) -> dict:
    return {"path": src.path, "size": src.size, "mtime_ns": src.mtime_ns,
            "hash": article.content_hash, "title": article.title, "source": article.source,
            "date": article.date, "passages": len(article.passages)}


class Manifest:
    def __init__(self, fp: str, articles: dict | None = None, skipped: dict | None = None):
        self.fingerprint = fp
        self.articles: dict[str, dict] = articles or {}
        self.skipped: dict[str, dict] = skipped or {}

    @classmethod
    def load(cls, index_dir: Path) -> Manifest | None:
        try:
            data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
            return cls(data["fingerprint"], data["articles"], data.get("skipped", {}))
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, index_dir: Path) -> None:
        tmp = index_dir / (MANIFEST + ".tmp")
        tmp.write_text(json.dumps({"fingerprint": self.fingerprint, "articles": self.articles,
                                   "skipped": self.skipped}), encoding="utf-8")
        os.replace(tmp, index_dir / MANIFEST)

    def infos(self) -> list[ArticleInfo]:
        return [ArticleInfo(aid, a["title"], a["source"], a["date"], a["passages"], a["path"])
                for aid, a in self.articles.items()]


def _same_stat(entry: dict | None, src: SourceFile) -> bool:
    return bool(entry) and entry["size"] == src.size and entry["mtime_ns"] == src.mtime_ns


def update_index(settings: Settings, rebuild: bool = False,
                 progress: Progress | None = None) -> IndexReport:
    """Bring the index up to date with the corpus folder. Re-reads only files whose
    size or mtime changed, re-indexes only those whose content hash changed; rebuilds
    from scratch when asked, when analysis settings changed, or when the index fails to
    open."""
    t0 = time.perf_counter()
    report = IndexReport()
    index_dir = settings.index_dir
    fp = fingerprint(variant_map(settings.variants))
    found = scan(settings.corpus)
    report.warnings.extend(found.warnings)

    manifest = None if rebuild else Manifest.load(index_dir)
    ix = None
    if rebuild:
        report.reason = "rebuild asked for"
    elif manifest is None:
        report.reason = "no index yet" if not index_dir.exists() else "index manifest missing"
    elif manifest.fingerprint != fp:
        report.reason = "analysis settings changed (variants or version)"
        manifest = None
    else:
        try:
            ix = _storage(index_dir).open_index()
        except Exception as exc:  # any failure to open means: rebuild from the corpus
            report.reason = f"index could not be opened ({type(exc).__name__}); rebuilt"
            manifest = None
    if manifest is None:
        report.rebuilt = True
        manifest = Manifest(fp)
        ix = _create(index_dir, settings)

    sidecar, note = load_sidecar(settings.corpus)
    if note:
        report.warnings.append(note)
    to_index: list[tuple[Article | None, SourceFile]] = []
    seen: set[str] = set()
    dirty = report.rebuilt
    total = len(found.files)
    for i, src in enumerate(found.files, 1):
        seen.add(src.id)
        entry = manifest.articles.get(src.id)
        skipped = manifest.skipped.get(src.id)
        if _same_stat(entry, src):
            pass
        elif _same_stat(skipped, src):
            report.warnings.append(skipped["why"])
        else:
            try:
                article = read_article(src, settings, sidecar)
            except Unreadable as exc:
                report.warnings.append(str(exc))
                manifest.skipped[src.id] = {"size": src.size, "mtime_ns": src.mtime_ns,
                                            "why": str(exc)}
                dirty = True
                if entry:
                    report.removed += 1
                    to_index.append((None, src))
                    manifest.articles.pop(src.id, None)
            else:
                manifest.skipped.pop(src.id, None)
                report.warnings.extend(article.warnings)
                dirty = True
                if entry and entry["hash"] == article.content_hash:
                    entry.update(size=src.size, mtime_ns=src.mtime_ns)
                else:
                    if entry:
                        report.changed += 1
                    else:
                        report.added += 1
                    to_index.append((article, src))
        if progress and (i % 200 == 0 or i == total):
            progress(i, total, "reading")
    gone = [aid for aid in manifest.articles if aid not in seen]
    for aid in [s for s in manifest.skipped if s not in seen]:
        del manifest.skipped[aid]
        dirty = True

    if to_index or gone:
        _write(ix, manifest, to_index, gone, report, progress)
    if dirty or gone:
        manifest.save(index_dir)
    report.removed += len(gone)
    report.articles = len(manifest.articles)
    report.passages = sum(a["passages"] for a in manifest.articles.values())
    report.seconds = time.perf_counter() - t0
    return report


def _create(index_dir: Path, settings: Settings):
    if index_dir.exists():
        shutil.rmtree(index_dir)
    index_dir.mkdir(parents=True)
    return _storage(index_dir).create_index(make_schema(settings))


def _write(ix, manifest: Manifest, to_index, gone, report: IndexReport,
           progress: Progress | None) -> None:
    writer = ix.writer(limitmb=256)
    try:
        if not report.rebuilt:
            for aid in gone:
                writer.delete_by_term("article", aid)
                manifest.articles.pop(aid, None)
        total = len(to_index)
        for i, (article, src) in enumerate(to_index, 1):
            if not report.rebuilt:
                writer.delete_by_term("article", src.id)
            if article is not None:
                info = _info(article, src)
                for doc in _docs(article):
                    writer.add_document(**doc)
                manifest.articles[article.id] = info
            if progress and (i % 100 == 0 or i == total):
                progress(i, total, "indexing")
        if progress:
            progress(total, total, "saving")
        writer.commit(merge=True)
    except BaseException:
        writer.cancel()
        raise
    if _segment_count(ix) > MAX_SEGMENTS:
        if progress:
            progress(0, 1, "optimizing")
        ix.optimize()


def _segment_count(ix) -> int:
    try:
        return len(ix._segments())
    except Exception:
        return 0


def open_index(settings: Settings):
    """The existing index, for searching. Raises IndexUnavailable with a message when
    there is none or it cannot be opened."""
    index_dir = settings.index_dir
    try:
        return _storage(index_dir).open_index()
    except Exception as exc:
        raise IndexUnavailable(
            f"no usable index in {index_dir} ({type(exc).__name__}); run `dossier index`"
        ) from None


def article_infos(settings: Settings) -> list[ArticleInfo]:
    manifest = Manifest.load(settings.index_dir)
    return manifest.infos() if manifest else []
