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

from .model import Article
from .text import fold, words

SHINGLE = 5  # words in a shingle
WINDOW = 4  # winnowing window: any shared run of SHINGLE + WINDOW - 1 words is found
MIN_SHARED = 4  # shingles two passages share, at least (a run of 8 words)
MIN_SHARE = 0.2  # ... and this share of the smaller passage's shingles
MAX_DF = 40  # a fingerprint in more articles than this is a stock phrase


class PassagePrint(NamedTuple):  # a tuple: stored for every passage, pickled fast
    n: int
    start: int
    end: int
    words: int
    text: str
    # bytes of array('I') (bytes pickle many times faster than arrays): the hash of the
    # shingle starting at each word, and the winnowed fingerprints, each once
    shingles: bytes
    prints: bytes

    def shingle_hashes(self) -> array:
        return ints(self.shingles)

    def print_hashes(self) -> array:
        return ints(self.prints)


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


@dataclass
class Cluster:
    passages: list[SharedPassage]  # earliest carrier first
    first: str  # the article that carried it first (by date, then id)

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(p.article for p in self.passages))


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

    def shared_counts(self) -> dict[tuple[str, int], int]:
        """(article, passage n) -> its shared words: an update keeps those it does not touch."""
        return {(p.article, p.n): p.shared_words for c in self.clusters for p in c.passages}


def find_reuse(
    prints: dict[str, list[PassagePrint]],
    about: dict[str, tuple[str | None, str | None]],
    known: list[Link] | None = None,
    changed: set[str] | None = None,
    counts: dict[tuple[str, int], int] | None = None,
) -> Reuse:
    """Shared text across articles. `prints` holds each article's passage prints,
    `about` its (outlet, date). With `known` (the links of an earlier run) and
    `changed` (the articles read since), only the changed articles' passages are
    compared; the links between unchanged articles are kept, and so are the shared
    word counts (`counts`, from Reuse.shared_counts) of passages no new link touches."""
    nodes: list[tuple[str, PassagePrint]] = [
        (aid, pp) for aid in sorted(prints) for pp in prints[aid]
    ]
    incremental = known is not None and changed is not None
    wanted = (
        {h for aid, pp in nodes if aid in changed for h in pp.print_hashes()}
        if incremental
        else None
    )
    postings: dict[int, list[int]] = defaultdict(list)
    for i, (_, pp) in enumerate(nodes):
        hashes = pp.print_hashes()
        for h in hashes if wanted is None else wanted.intersection(hashes):
            postings[h].append(i)
    if not incremental:
        fresh = range(len(nodes))
        keep: list[tuple[int, int]] = []
    else:
        fresh = [i for i, (aid, _) in enumerate(nodes) if aid in changed]
        at = {(aid, pp.n): i for i, (aid, pp) in enumerate(nodes)}
        keep = [
            (at[a, an], at[b, bn])
            for a, an, b, bn in known
            if a not in changed and b not in changed and (a, an) in at and (b, bn) in at
        ]
    candidates: set[tuple[int, int]] = set()
    for i in fresh:
        aid = nodes[i][0]
        for h in nodes[i][1].print_hashes():
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
            hit = sets[i] = set(nodes[i][1].shingle_hashes())
        return hit

    linked = list(keep)
    touched = set(fresh)
    for i, j in candidates:
        a, b = shingle_set(i), shingle_set(j)
        both = len(a & b) if len(a) < len(b) else len(b & a)
        if both >= MIN_SHARED and both >= MIN_SHARE * min(len(a), len(b)):
            linked.append((i, j))
            touched.update((i, j))
    return _collect(nodes, linked, shingle_set, about, counts if incremental else None, touched)


def _when(aid: str, about: dict[str, tuple[str | None, str | None]]) -> tuple[str, str]:
    return ((about.get(aid) or (None, None))[1] or "9999", aid)


def _collect(nodes, linked: list[tuple[int, int]], shingle_set, about, counts, touched) -> Reuse:
    parent = list(range(len(nodes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    partners: dict[int, list[int]] = defaultdict(list)
    for i, j in linked:
        parent[find(i)] = find(j)
        partners[i].append(j)
        partners[j].append(i)
    shared_of: dict[int, int] = {}  # node -> its words also found in a linked passage
    for node, others in partners.items():
        aid, pp = nodes[node]
        if counts is not None and node not in touched and (aid, pp.n) in counts:
            shared_of[node] = counts[aid, pp.n]
            continue
        mine = shingle_set(node)
        common: set[int] = set()
        for other in others:
            common |= mine & shingle_set(other)
        marks: set[int] = set()
        for pos, h in enumerate(pp.shingle_hashes()):
            if h in common:
                marks.update(range(pos, pos + SHINGLE))
        shared_of[node] = min(len(marks), pp.words)
    members: dict[int, list[int]] = defaultdict(list)
    for i in partners:
        members[find(i)].append(i)
    links = [(nodes[i][0], nodes[i][1].n, nodes[j][0], nodes[j][1].n) for i, j in linked]
    out = Reuse(links=links)
    for ids in members.values():
        shared = [
            SharedPassage(
                nodes[i][0],
                nodes[i][1].n,
                nodes[i][1].start,
                nodes[i][1].end,
                shared_of[i],
                nodes[i][1].words,
                nodes[i][1].text,
            )
            for i in ids
        ]
        shared.sort(key=lambda p: (*_when(p.article, about), p.n))
        out.clusters.append(Cluster(shared, shared[0].article))
    out.clusters.sort(key=lambda c: (-len(c.articles), _when(c.first, about), c.passages[0].n))
    for ci, cluster in enumerate(out.clusters):
        for p in cluster.passages:
            out.passages.setdefault(p.article, {})[p.n] = ci
    totals: Counter[str] = Counter()
    for aid, pp in nodes:
        totals[aid] += pp.words
    shared_words: Counter[str] = Counter()
    for cluster in out.clusters:
        for p in cluster.passages:
            shared_words[p.article] += p.shared_words
    outlet_shared: Counter[str] = Counter()
    outlet_total: Counter[str] = Counter()
    for aid, total in totals.items():
        out.articles[aid] = (shared_words[aid], total)
        outlet = (about.get(aid) or (None, None))[0] or "unknown outlet"
        outlet_shared[outlet] += shared_words[aid]
        outlet_total[outlet] += total
    out.outlets = {o: (outlet_shared[o], outlet_total[o]) for o in sorted(outlet_total)}
    return out
