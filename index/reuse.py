"""Shared text: passages that carry the same words as a passage of another article
(the same wire copy re-run, a statement printed by several outlets, a translation that
keeps the wording), grouped into clusters.

Each passage is cut into shingles: runs of SHINGLE words (folded, spelling variants of
config.yaml applied), hashed (crc32, as index/duplicates.py does). A few of them, chosen
by winnowing (the smallest hash of every WINDOW shingles in a row), are the passage's
fingerprints: two passages that share a run of SHINGLE + WINDOW - 1 words or more always
share one. Passages that share a fingerprint are compared on all their shingles, and
a pair that shares at least MIN_SHARED shingles, making up at least MIN_SHARE of the
smaller passage's, is linked. Clusters are the connected sets of linked passages.

A fingerprint found in more than MAX_DF articles is a stock phrase ("said in a
statement on"), not shared text, and links nothing.

Pure Python, no MinHash package: the fingerprints are an exact inverted index over a
few hashes a passage, fast enough for tens of thousands of articles (see
bench/bench_reuse.py) without pulling in numpy.
"""

from __future__ import annotations

import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Article, outlet_label
from .text import fold, words

SHINGLE = 5  # words in a shingle
WINDOW = 4  # winnowing window: any shared run of SHINGLE + WINDOW - 1 words is found
MIN_SHARED = 4  # shingles two passages share, at least (a run of 8 words)
MIN_SHARE = 0.2  # ... and this share of the smaller passage's shingles
MAX_DF = 40  # a fingerprint in more articles than this is a stock phrase


class PassagePrint(NamedTuple):  # stored for every passage as a plain tuple: pickled fast
    n: int
    start: int
    end: int
    words: int
    text: str
    # bytes of array('I') (bytes pickle many times faster than arrays): the hash of the
    # shingle starting at each word, and the winnowed fingerprints, each once
    shingles: bytes
    prints: bytes


# PassagePrint's fields by position: the analysis keeps prints as plain tuples (see
# index/reuse_store.py), read with these
WORDS, SHINGLES, PRINTS = 3, 5, 6


def ints(data: bytes) -> array:
    """The unsigned 32-bit hashes kept as bytes."""
    out = array("I")
    out.frombytes(data)
    return out


def passage_prints(article: Article, variants: dict[str, str] | None = None) -> list[PassagePrint]:
    """The shingles and fingerprints of each passage of the article (title-only
    articles have none: a headline is not shared text)."""
    if article.title_only:
        return []
    out = []
    for p in article.passages:
        ws = [fold(w) for _, _, w in words(p.text)]
        if variants:
            ws = [variants.get(w, w) for w in ws]
        hashes = array(
            "I",
            (
                zlib.crc32(" ".join(ws[i : i + SHINGLE]).encode("utf-8"))
                for i in range(len(ws) - SHINGLE + 1)
            ),
        )
        if not hashes:
            continue
        prints = winnow(hashes).tobytes()
        out.append(PassagePrint(p.n, p.start, p.end, len(ws), p.text, hashes.tobytes(), prints))
    return out


def winnow(hashes: array) -> array:
    """The smallest hash of every WINDOW hashes in a row (all of them when fewer)."""
    if len(hashes) <= WINDOW:
        return array("I", sorted(set(hashes)))
    mins = {min(hashes[i : i + WINDOW]) for i in range(len(hashes) - WINDOW + 1)}
    return array("I", sorted(mins))


Link = tuple[str, int, str, int]  # (article, n, article, n) of two linked passages


@dataclass
class SharedPassage:
    article: str
    n: int
    start: int
    end: int
    shared_words: int  # words of this passage also found in the cluster's other passages
    words: int
    text: str

    @property
    def pid(self) -> str:
        return f"{self.article}#{self.n}"


class Cluster:
    """Passages that share text: `passages`, earliest carrier first; `first`, the
    article that carried it first (by date, then id).

    Pickled as plain rows (SharedPassage's fields in order) and made into
    SharedPassages when first read: at 100k articles a stored analysis holds ~700,000
    of them, and unpickling each as an object was 3.5 s of loading it (as rows, 0.4 s);
    the reader shows a few hundred."""

    __hash__ = None  # type: ignore[assignment]

    def __init__(self, passages: list[SharedPassage] | None, first: str, rows: list | None = None):
        self._passages, self._rows, self.first = passages, rows, first

    @property
    def passages(self) -> list[SharedPassage]:
        if self._passages is None:
            self._passages = [SharedPassage(*row) for row in self._rows or ()]
            self._rows = None
        return self._passages

    @property
    def articles(self) -> list[str]:
        if self._passages is None:
            return list(dict.fromkeys(row[0] for row in self._rows or ()))
        return list(dict.fromkeys(p.article for p in self._passages))

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Cluster):
            return NotImplemented
        return self.first == other.first and self.passages == other.passages

    def __repr__(self) -> str:
        return f"Cluster(first={self.first!r}, passages={self.passages!r})"

    def __reduce__(self):
        rows = self._rows
        if rows is None:
            rows = [
                (p.article, p.n, p.start, p.end, p.shared_words, p.words, p.text)
                for p in self.passages
            ]
        return (_stored_cluster, (rows, self.first))


def _stored_cluster(rows: list, first: str) -> Cluster:
    return Cluster(None, first, rows)


@dataclass
class Reuse:
    """Clusters of shared passages, and each article's and outlet's shared share."""

    clusters: list[Cluster] = field(default_factory=list)
    # article id -> (shared words, words)
    articles: dict[str, tuple[int, int]] = field(default_factory=dict)
    # outlet -> (shared words, words)
    outlets: dict[str, tuple[int, int]] = field(default_factory=dict)
    # article id -> passage n -> index of its cluster in `clusters`
    passages: dict[str, dict[int, int]] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)  # linked passage pairs


def find_reuse(
    prints: dict[str, list[PassagePrint]],
    about: dict[str, tuple[str | None, str | None]],
    earlier: Reuse | None = None,
    changed: set[str] | None = None,
) -> Reuse:
    """Shared text across articles. `prints` holds each article's passage prints (or
    plain tuples in PassagePrint's field order), `about` its (outlet, date). With
    `earlier` (the result of an earlier run) and `changed` (the articles read, gone or
    redated since), only the changed articles' passages are compared: the links
    between unchanged articles are kept, and so are the clusters that neither hold a
    changed article nor gain a link."""
    starts: dict[str, int] = {}  # article -> the index of its first passage in nodes
    nodes: list[tuple[str, PassagePrint]] = []
    for aid in sorted(prints):
        starts[aid] = len(nodes)
        nodes.extend((aid, pp) for pp in prints[aid])
    if earlier is None or changed is None:
        earlier, changed = None, set()
    postings = _postings(nodes, starts, prints, changed if earlier else None)
    fresh = (
        range(len(nodes))
        if earlier is None
        else [i for aid in sorted(changed & starts.keys()) for i in _span(aid, starts, prints)]
    )
    candidates: set[tuple[int, int]] = set()
    for i in fresh:
        aid = nodes[i][0]
        for h in ints(nodes[i][1][PRINTS]):
            ids = postings[h]
            if len(ids) < 2 or len(ids) > 4 * MAX_DF:
                continue
            arts = {nodes[j][0] for j in ids}
            if len(arts) < 2 or len(arts) > MAX_DF:
                continue
            for j in ids:
                if nodes[j][0] != aid:
                    candidates.add((i, j) if i < j else (j, i))
    sets: dict[int, set[int]] = {}

    def shingle_set(i: int) -> set[int]:
        hit = sets.get(i)
        if hit is None:
            hit = sets[i] = set(ints(nodes[i][1][SHINGLES]))
        return hit

    linked: list[tuple[int, int]] = []
    touched = set(changed)  # the articles whose clusters are made again
    for i, j in candidates:
        a, b = shingle_set(i), shingle_set(j)
        both = len(a & b) if len(a) < len(b) else len(b & a)
        if both >= MIN_SHARED and both >= MIN_SHARE * min(len(a), len(b)):
            linked.append((i, j))
            touched.update((nodes[i][0], nodes[j][0]))
    links = [(nodes[i][0], nodes[i][1][0], nodes[j][0], nodes[j][1][0]) for i, j in linked]
    kept: list[Cluster] = []
    if earlier is not None:
        kept = [c for c in earlier.clusters if touched.isdisjoint(c.articles)]
        # a kept cluster's passages are linked only among themselves (else it would have
        # grown): the earlier links the clusters made again need are the others
        done = {(p.article, p.n) for c in kept for p in c.passages}
        for link in earlier.links:
            a, an, b, bn = link
            if a in changed or b in changed:
                continue
            links.append(link)
            if (a, an) not in done:
                i, j = _node(a, an, starts, prints), _node(b, bn, starts, prints)
                if i is not None and j is not None:
                    linked.append((i, j))
    out = _summed(prints, kept + _clusters(nodes, linked, shingle_set, about), about)
    out.links = links
    return out


def _span(aid: str, starts: dict[str, int], prints: dict[str, list]) -> range:
    return range(starts[aid], starts[aid] + len(prints[aid]))


def _node(aid: str, n: int, starts: dict[str, int], prints: dict[str, list]) -> int | None:
    """The index in nodes of the article's passage n."""
    for k, pp in enumerate(prints.get(aid, ())):
        if pp[0] == n:
            return starts[aid] + k
    return None


def _postings(nodes, starts, prints, changed: set[str] | None) -> dict[int, list[int]]:
    """Fingerprint -> the passages that have it; with `changed`, only the fingerprints
    of the changed articles (most articles have none of them: skipped whole)."""
    postings: dict[int, list[int]] = defaultdict(list)
    if changed is None:
        for i, (_, pp) in enumerate(nodes):
            for h in ints(pp[PRINTS]):
                postings[h].append(i)
        return postings
    wanted = {h for aid in changed if aid in prints for pp in prints[aid] for h in ints(pp[PRINTS])}
    for aid, first in starts.items():
        pps = prints[aid]
        if wanted.isdisjoint(ints(b"".join([pp[PRINTS] for pp in pps]))):
            continue
        for k, pp in enumerate(pps):
            for h in wanted.intersection(ints(pp[PRINTS])):
                postings[h].append(first + k)
    return postings


def _when(aid: str, about: dict[str, tuple[str | None, str | None]]) -> tuple[str, str]:
    return ((about.get(aid) or (None, None))[1] or "9999", aid)


def _clusters(nodes, linked: list[tuple[int, int]], shingle_set, about) -> list[Cluster]:
    """The clusters of these linked passages: the connected sets."""
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        root = x
        while parent.get(root, root) != root:
            root = parent[root]
        while x != root:
            parent[x], x = root, parent[x]
        return root

    partners: dict[int, list[int]] = defaultdict(list)
    for i, j in linked:
        parent[find(i)] = find(j)
        partners[i].append(j)
        partners[j].append(i)
    members: dict[int, list[int]] = defaultdict(list)
    for i in partners:
        members[find(i)].append(i)
    out = []
    for ids in members.values():
        shared = []
        for i in ids:
            aid, pp = nodes[i]
            words = pp[WORDS]
            shared.append(
                SharedPassage(
                    aid,
                    pp[0],
                    pp[1],
                    pp[2],
                    _shared_words(i, partners[i], shingle_set, pp),
                    words,
                    pp[4],
                )
            )
        shared.sort(key=lambda p: (*_when(p.article, about), p.n))
        out.append(Cluster(shared, shared[0].article))
    return out


def _shared_words(node: int, others: list[int], shingle_set, pp) -> int:
    """The passage's words also found in a passage linked to it."""
    mine = shingle_set(node)
    common: set[int] = set()
    for other in others:
        common |= mine & shingle_set(other)
    marks: set[int] = set()
    for pos, h in enumerate(ints(pp[SHINGLES])):
        if h in common:
            marks.update(range(pos, pos + SHINGLE))
    return min(len(marks), pp[WORDS])


def _summed(prints: dict[str, list], clusters: list[Cluster], about) -> Reuse:
    """The result: clusters in order, and each article's and outlet's shared share."""
    out = Reuse(clusters)
    out.clusters.sort(key=lambda c: (-len(c.articles), _when(c.first, about), c.passages[0].n))
    for ci, cluster in enumerate(out.clusters):
        for p in cluster.passages:
            out.passages.setdefault(p.article, {})[p.n] = ci
    totals = {aid: sum([pp[WORDS] for pp in pps]) for aid, pps in sorted(prints.items()) if pps}
    shared_words: Counter[str] = Counter()
    for cluster in out.clusters:
        for p in cluster.passages:
            shared_words[p.article] += p.shared_words
    outlet_shared: Counter[str] = Counter()
    outlet_total: Counter[str] = Counter()
    for aid, total in totals.items():
        out.articles[aid] = (shared_words[aid], total)
        outlet = outlet_label((about.get(aid) or (None, None))[0])
        outlet_shared[outlet] += shared_words[aid]
        outlet_total[outlet] += total
    out.outlets = {o: (outlet_shared[o], outlet_total[o]) for o in sorted(outlet_total)}
    return out
