"""The manifest beside the index: per article, the file's size, mtime and content hash
(to know what changed) and what lists show (title, outlet, date, passage count), so
nothing needs re-reading when nothing changed; and a checksum per index file (see
indexfiles). Anything not of the shape this version writes is treated as missing."""

from __future__ import annotations

import io
import json
from collections.abc import Iterable
from itertools import repeat
from operator import itemgetter
from pathlib import Path

from .atomic import replacing
from .model import ArticleInfo

MANIFEST = "manifest.json"
# Written by a first build after each part of the index is committed: what is
# searchable so far, one JSON line a part (the part's articles as in the manifest,
# articles indexed, of how many); removed when the manifest is written.
PARTIAL = "partial.json"


_ARTICLE_KEYS = {
    "path": str,
    "size": int,
    "mtime_ns": int,
    "hash": str,
    "title": str,
    "passages": int,
}


def manifest_well_formed(data) -> bool:
    """A manifest of the shape this version writes (anything else is treated as none)."""
    if not isinstance(data, dict) or not isinstance(data.get("fingerprint"), str):
        return False
    articles, skipped = data.get("articles"), data.get("skipped", {})
    if not isinstance(articles, dict) or not isinstance(skipped, dict):
        return False
    if not _entries_well_formed(list(articles.values())):
        return False
    for entry in skipped.values():
        if not isinstance(entry, dict) or not all(k in entry for k in ("size", "mtime_ns", "why")):
            return False
    if not isinstance(data.get("repeated", {}), dict):
        return False
    if not isinstance(data.get("duplicates", []), list):
        return False
    files = data.get("files", {})
    return isinstance(files, dict) and all(
        isinstance(v, list) and len(v) == 3 for v in files.values()
    )


def _entries_well_formed(entries: list) -> bool:
    """Every entry a dict holding each key of `_ARTICLE_KEYS` with a value of its type.
    A key at a time over all entries, at C speed: entry by entry in Python was half
    of opening a 100k-article index."""
    if not all(map(isinstance, entries, repeat(dict))):
        return False
    for key, kind in _ARTICLE_KEYS.items():
        try:
            kinds = set(map(type, map(itemgetter(key), entries)))
        except KeyError:
            return False
        if not all(issubclass(k, kind) for k in kinds):
            return False
    return True


_dumps = json.JSONEncoder(separators=(",", ":")).encode


def write_json(
    target: Path,
    fields: dict,
    key: str,
    items: Iterable[tuple[str, str]],
    durable: bool = False,
) -> None:
    """Atomically write the JSON object `fields` plus `key`, an object of `items` (name,
    value already as JSON text), streamed: no copy of it all in memory."""
    with replacing(target, durable=durable) as fh:
        out = io.TextIOWrapper(fh, encoding="utf-8")
        out.write("{")
        for name, value in fields.items():
            out.write(f"{_dumps(name)}:{_dumps(value)},")
        out.write(f"{_dumps(key)}:{{")
        sep = ""
        for name, value in items:
            out.write(f"{sep}{_dumps(name)}:{value}")
            sep = ","
        out.write("}}")
        out.flush()
        out.detach()


class Manifest:
    def __init__(
        self,
        fp: str,
        articles: dict | None = None,
        skipped: dict | None = None,
        files: dict | None = None,
        repeated: dict | None = None,
        duplicates: list[list[str]] | None = None,
    ):
        self.fingerprint = fp
        self.articles: dict[str, dict] = articles or {}
        self.skipped: dict[str, dict] = skipped or {}
        self.files: dict[str, list] = files or {}  # index file -> [size, mtime_ns, checksum]
        self.repeated: dict = repeated or {}  # group -> line fingerprint -> articles
        self.duplicates: list[list[str]] = duplicates or []  # ids with one body
        self.partial: tuple[int, int] | None = None  # (articles indexed, of ~N) mid-build

    @classmethod
    def load(cls, index_dir: Path) -> Manifest | None:
        """The manifest, or None when it is missing, unreadable or of another shape."""
        try:
            data = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not manifest_well_formed(data):
            return None
        return cls(
            data["fingerprint"],
            data["articles"],
            data.get("skipped"),
            data.get("files"),
            data.get("repeated"),
            data.get("duplicates"),
        )

    def save(self, index_dir: Path, articles: Iterable[tuple[str, str]] | None = None) -> None:
        """Written whole; `articles` (id, entry as JSON text), when given, stands for
        `self.articles` (a rebuild keeps its entries on disk until now)."""
        if articles is None:
            articles = ((aid, _dumps(a)) for aid, a in self.articles.items())
        fields = {
            "fingerprint": self.fingerprint,
            "skipped": self.skipped,
            "files": self.files,
            "repeated": self.repeated,
            "duplicates": self.duplicates,
        }
        write_json(index_dir / MANIFEST, fields, "articles", articles, durable=True)

    @classmethod
    def load_partial(cls, index_dir: Path) -> Manifest | None:
        """What a first build has made searchable so far, or None (no build running, or
        its note unreadable). A line being written (the build appends while this
        reads) is left for the next time."""
        try:
            raw = (index_dir / PARTIAL).read_bytes()
        except OSError:
            return None
        articles: dict[str, dict] = {}
        partial = None
        fp = ""
        for line in raw.split(b"\n"):
            try:
                data = json.loads(line)
                part, indexed, expected = data["articles"], data["indexed"], data["expected"]
            except (ValueError, KeyError, TypeError):
                break
            if not manifest_well_formed({"fingerprint": "", "articles": part}):
                break
            articles.update(part)
            partial = (int(indexed), int(expected))
            fp = str(data.get("fingerprint", ""))
        if partial is None:
            return None
        out = cls(fp, articles)
        out.partial = partial
        return out

    @staticmethod
    def append_partial(
        index_dir: Path, articles: dict, indexed: int, expected: int, fp: str = ""
    ) -> None:
        """Note that `articles` (the part just committed) are searchable: `indexed`
        articles of `expected` now, analysed as fingerprint `fp` says (a stopped build
        is continued only under the same). Appended: each part is written once, however
        large the build."""
        data = {"articles": articles, "indexed": indexed, "expected": expected, "fingerprint": fp}
        with open(index_dir / PARTIAL, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(data) + "\n")

    def also_in(self) -> dict[str, list[str]]:
        """Article id -> the other ids of its duplicate group."""
        return {aid: [x for x in g if x != aid] for g in self.duplicates for aid in g}

    def infos(self) -> list[ArticleInfo]:
        return [
            ArticleInfo(aid, a["title"], a["source"], a["date"], a["passages"], a["path"])
            for aid, a in self.articles.items()
        ]


def same_stat(entry: dict | None, src) -> bool:
    """Whether a file (a SourceFile) is as a manifest entry saw it: same size and time."""
    return bool(entry) and entry["size"] == src.size and entry["mtime_ns"] == src.mtime_ns
