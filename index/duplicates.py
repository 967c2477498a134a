"""Articles saved more than once: the same body, or nearly the same.

Exact copies share the hash of their normalised body (case and spacing aside). Near
copies (a corrected version, a repost with another sign-off) share most of their
shingles (runs of four words of four letters or more, or figures) and report the same
figures (a daily report on another day is not a copy). Each body keeps a
bottom-k sketch (the K smallest shingle hashes); bodies that share one of their few
smallest hashes are compared, and a pair whose estimated Jaccard similarity is at least
NEAR is one group. A sketch is a few hundred bytes, kept beside the index so that an
update compares without reading unchanged files. Short bodies (a dividend notice) are
only copies when their titles match too: many different items share one short body.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
import zlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import repeat
from pathlib import Path

from .manifest import write_json

DUPES_FILE = "duplicates.json"
K = 16  # sketch size
BUCKET_HASHES = 4  # a body is filed under its few smallest hashes
NEAR = 0.8  # estimated Jaccard similarity of shingles for a near copy
SHINGLE = 4
_FIGURES = re.compile(r"\d[\d.,]*\d|\d").findall
MIN_WORDS = 40  # below this, the title must match too
MAX_BUCKET = 200  # a hash shared by more bodies is a stock phrase, not a copy


@dataclass(slots=True)
class Fingerprint:
    exact: str  # hash of the normalised body
    sketch: list[int]  # the K smallest shingle hashes, ascending; [] for short bodies
    figures: str = ""  # hash of the body's figures: near copies report the same numbers


def fingerprint_of(title: str, passage_texts: list[str]) -> Fingerprint:
    words = " ".join(passage_texts).casefold().split()
    if len(words) < MIN_WORDS:
        return Fingerprint(_hash(" ".join([*title.casefold().split(), "|", *words])), [])
    # Shingles of the words of four letters or more and of figures: as telling as all
    # words, and about half the hashing.
    long = [w for w in words if len(w) > 3 or not w.isalpha()]
    shingles = map(" ".join, zip(*(long[i:] for i in range(SHINGLE)), strict=False))
    sketch = _smallest(list(map(zlib.crc32, map(str.encode, shingles))))
    body = " ".join(words)
    return Fingerprint(_hash(body), sketch, _figures_hash(body))


def _smallest(hashes: list[int]) -> list[int]:
    """The K smallest distinct hashes, ascending. Sorting a few hundred is quicker
    than a heap; sorting only those below a bound that about 3K of them pass (hashes
    are uniform over 32 bits) quicker still, and when fewer than K distinct pass, all
    are sorted."""
    if len(hashes) > 3 * K:
        bound = (3 * K << 32) // len(hashes)
        below = set(filter(bound.__gt__, hashes))
        if len(below) >= K:
            return sorted(below)[:K]
    return sorted(set(hashes))[:K]


# Bytes that are not part of a figure, as spaces: an ASCII body's figures are then its
# words stripped of their points and commas (`_FIGURES` finds the same, more slowly).
_NOT_FIGURE = bytes(c if chr(c) in "0123456789.," else 0x20 for c in range(256))


def _figures_hash(body: str) -> str:
    """The hash of a body's distinct figures, sorted."""
    if not body.isascii():
        return _hash(" ".join(sorted(set(_FIGURES(body)))))
    words = body.encode().translate(_NOT_FIGURE).split()
    figures = set(filter(None, map(bytes.strip, words, repeat(b".,"))))
    return hashlib.blake2b(b" ".join(sorted(figures)), digest_size=8).hexdigest()


def _hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest()


def similarity(a: list[int], b: list[int]) -> float:
    """Bottom-k estimate of the Jaccard similarity of two shingle sets."""
    if not a or not b:
        return 0.0
    union_k = heapq.nsmallest(K, set(a) | set(b))
    both = set(a) & set(b)
    return sum(1 for h in union_k if h in both) / len(union_k)


def groups(prints: dict[str, Fingerprint]) -> list[list[str]]:
    """Groups of two or more article ids with the same or nearly the same body, each
    sorted, in order of their first id."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = find(a), find(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    exact: dict[str, str] = {}
    buckets: dict[int, list[str]] = defaultdict(list)
    for aid in sorted(prints):
        fp = prints[aid]
        first = exact.setdefault(fp.exact, aid)
        if first != aid:
            union(first, aid)
            continue
        for h in fp.sketch[:BUCKET_HASHES]:
            buckets[h].append(aid)
    for ids in buckets.values():
        if len(ids) < 2 or len(ids) > MAX_BUCKET:
            continue
        for i, a in enumerate(ids):
            for b in ids[i + 1 :]:
                pa, pb = prints[a], prints[b]
                if (
                    pa.figures == pb.figures
                    and find(a) != find(b)
                    and similarity(pa.sketch, pb.sketch) >= NEAR
                ):
                    union(a, b)
    out: dict[str, list[str]] = defaultdict(list)
    for aid in set(parent) | {find(x) for x in parent}:
        out[find(aid)].append(aid)
    return sorted((sorted(g) for g in out.values() if len(g) > 1), key=lambda g: g[0])


class DupeStore:
    """Every article's fingerprint, kept beside the index."""

    def __init__(self, prints: dict[str, Fingerprint] | None = None):
        self.prints: dict[str, Fingerprint] = prints or {}

    @classmethod
    def load(cls, index_dir: Path) -> DupeStore | None:
        try:
            data = json.loads((index_dir / DUPES_FILE).read_text(encoding="utf-8"))
            return cls({k: Fingerprint(*v) for k, v in data["articles"].items()})
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            return None

    def save(self, index_dir: Path) -> None:
        items = ((k, _dumps([f.exact, list(f.sketch), f.figures])) for k, f in self.prints.items())
        save_prints(index_dir, items)


_dumps = json.JSONEncoder(separators=(",", ":")).encode


def save_prints(index_dir: Path, items: Iterable[tuple[str, str]]) -> None:
    """The duplicate store from (id, [exact, sketch, figures] as JSON text)."""
    write_json(index_dir / DUPES_FILE, {}, "articles", items)
