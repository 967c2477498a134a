"""Passage alignment between two articles, for the side-by-side compare view.

Two signals, both computed with inverted indexes so only passages that share something
are ever compared:

* topic: cosine of TF-IDF vectors over Porter2-stemmed, accent-folded content words
  (stop words out, sublinear tf, smoothed IDF from the two articles' passages) — catches
  paraphrases of one statement;
* quote: the share of word trigrams (stemmed, stop words kept, all-stop-word trigrams
  out) that the smaller passage has in common with the other — catches a quote that two
  outlets both carry, even inside a longer passage.

The score is 0.6 x topic + 0.4 x quote (weights chosen by measurement on the bundled
articles: a shared quote lifts a pair clearly above passages that merely talk about the
same things, and passages that only share a few names stay under the 0.2 threshold).
Identical passages score 1.0; scores are in [0, 1].
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from .engine import normalizer
from .model import Article, Passage
from .text import fold, words
from .worddiff import word_diff

# Similarity from which two passages report the same thing: pairs below it are not
# aligned (compare in the reader and `dossier compare` both start here).
SAME_EVENT = 0.2

__all__ = ["Alignment", "Match", "align", "passage_features", "similarity", "word_diff"]

# Function words; folded, unstemmed. "us" is not one: in news it is the United States.
_STOP_TEXT = """
a about after again against all also am an and any are as at be because been before being
between both but by can could did do does doing down during each few for from further had
has have having he her here hers herself him himself his how i if in into is it its itself
just me more most my myself no nor not now of off on once only or other our ours ourselves
out over own s same she should so some such t than that the their theirs them themselves
then there these they this those through to too under until up very was we were what when
where which while who whom why will with would you your yours yourself yourselves said says
say told according
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())

QUOTE_WEIGHT = 0.4  # share of the quote signal in the combined score
QUOTE_MIN = 4  # shingles; fewer in the smaller passage count as this many

_TOKENS: dict[tuple, _Tokens] = {}


@dataclass(frozen=True)
class Match:
    n: int  # passage number on the other side
    score: float  # in [0, 1]


@dataclass
class Alignment:
    left_id: str
    right_id: str
    pairs: list[tuple[int, int, float]] = field(default_factory=list)
    # n -> matches on the other side above the threshold, best first
    left: dict[int, list[Match]] = field(default_factory=dict)
    right: dict[int, list[Match]] = field(default_factory=dict)
    threshold: float = SAME_EVENT

    def matches(self, side: str, n: int, limit: int = 3) -> list[Match]:
        """The best passages on the other side for passage n of `side` ("left"|"right")."""
        if side == "left":
            found = self.left.get(n, [])
        elif side == "right":
            found = self.right.get(n, [])
        else:
            raise ValueError(f"side must be 'left' or 'right', not {side!r}")
        return found[:limit] if limit is not None and limit >= 0 else list(found)

    def best(self, side: str, n: int) -> Match | None:
        found = self.matches(side, n, 1)
        return found[0] if found else None

    def score(self, left_n: int, right_n: int) -> float:
        """The score of one pair (0.0 when below the threshold)."""
        for m in self.left.get(left_n, ()):
            if m.n == right_n:
                return m.score
        return 0.0


@dataclass(frozen=True, slots=True)
class Features:
    terms: dict[str, int]  # content stem -> count
    shingles: frozenset[tuple[str, ...]]


class _Tokens:
    """Raw word -> (stem, is stop word), cached: news vocabulary repeats a lot."""

    def __init__(self, variants: dict[str, str] | None):
        self.norm = normalizer(variants, stem=True)
        self.cache: dict[str, tuple[str, bool]] = {}

    def __call__(self, word: str) -> tuple[str, bool]:
        hit = self.cache.get(word)
        if hit is None:
            stem = self.norm(word)
            stop = fold(word) in STOP_WORDS or (len(stem) < 2 and not stem.isdigit())
            hit = (stem, stop)
            if len(self.cache) < 500_000:
                self.cache[word] = hit
        return hit


def _tokens(variants: dict[str, str] | None) -> _Tokens:
    key = tuple(sorted((variants or {}).items()))
    hit = _TOKENS.get(key)
    if hit is None:
        if len(_TOKENS) > 8:
            _TOKENS.clear()
        hit = _TOKENS[key] = _Tokens(variants)
    return hit


def passage_features(text: str, variants: dict[str, str] | None = None) -> Features:
    """Content-word counts and word trigrams of one passage."""
    table = _tokens(variants)
    cache = table.cache
    toks = [cache.get(w) or table(w) for _, _, w in words(text)]
    terms: dict[str, int] = {}
    for stem, stop in toks:
        if not stop:
            terms[stem] = terms.get(stem, 0) + 1
    shingles = frozenset(
        (a[0], b[0], c[0])
        for a, b, c in zip(toks, toks[1:], toks[2:], strict=False)
        if not (a[1] and b[1] and c[1])
    )
    return Features(terms, shingles)


def _vectors(feats: list[Features], idf: dict[str, float]) -> list[dict[str, float]]:
    out = []
    for f in feats:
        vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in f.terms.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        out.append({t: v / norm for t, v in vec.items()})
    return out


def _scores(
    lf: list[Features], rf: list[Features], threshold: float = 0.0
) -> dict[tuple[int, int], float]:
    """(left index, right index) -> score, for every pair that shares a content word or
    a shingle and scores at least `threshold`."""
    df: dict[str, int] = defaultdict(int)
    for f in (*lf, *rf):
        for t in f.terms:
            df[t] += 1
    n_docs = len(lf) + len(rf)
    idf = {t: math.log((1 + n_docs) / (1 + d)) + 1.0 for t, d in df.items()}
    lv, rv = _vectors(lf, idf), _vectors(rf, idf)

    postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for j, vec in enumerate(rv):
        for t, w in vec.items():
            postings[t].append((j, w))
    shingle_post: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, f in enumerate(rf):
        for sh in f.shingles:
            shingle_post[sh].append(j)
    r_size = [max(len(f.shingles), QUOTE_MIN) for f in rf]

    topic_w, quote_w = 1.0 - QUOTE_WEIGHT, QUOTE_WEIGHT
    cos_floor = threshold / topic_w  # below it, a pair without a shared shingle is out
    out: dict[tuple[int, int], float] = {}
    empty: list = []
    for i, vec in enumerate(lv):
        cos: dict[int, float] = defaultdict(float)
        for t, w in vec.items():
            for j, wr in postings.get(t, empty):
                cos[j] += w * wr
        shared: dict[int, int] = defaultdict(int)
        for sh in lf[i].shingles:
            for j in shingle_post.get(sh, empty):
                shared[j] += 1
        n_left = max(len(lf[i].shingles), QUOTE_MIN)
        for j, k in shared.items():
            c = cos.pop(j, 0.0)
            quote = k / (n_left if n_left < r_size[j] else r_size[j])
            score = topic_w * (c if c < 1.0 else 1.0) + quote_w * (quote if quote < 1.0 else 1.0)
            if score >= threshold:
                out[i, j] = score
        for j, c in cos.items():
            if c >= cos_floor:
                out[i, j] = topic_w * (c if c < 1.0 else 1.0)
    return out


def similarity(a: str, b: str, variants: dict[str, str] | None = None) -> float:
    """The alignment score of two lone texts (IDF from the two of them)."""
    fa, fb = passage_features(a, variants), passage_features(b, variants)
    return _scores([fa], [fb]).get((0, 0), 0.0)


def align_passages(
    left: list[Passage],
    right: list[Passage],
    left_id: str = "",
    right_id: str = "",
    variants: dict[str, str] | None = None,
    threshold: float = SAME_EVENT,
) -> Alignment:
    lf = [passage_features(p.text, variants) for p in left]
    rf = [passage_features(p.text, variants) for p in right]
    by_left: dict[int, list[Match]] = defaultdict(list)
    by_right: dict[int, list[Match]] = defaultdict(list)
    for (i, j), s in _scores(lf, rf, threshold).items():
        s = round(s, 4)
        by_left[left[i].n].append(Match(right[j].n, s))
        by_right[right[j].n].append(Match(left[i].n, s))
    for table in (by_left, by_right):
        for found in table.values():
            found.sort(key=lambda m: (-m.score, m.n))
    # One-to-one-ish: a pair is kept when it is the best match of either of its passages.
    best = {(ln, found[0].n, found[0].score) for ln, found in by_left.items()}
    best |= {(found[0].n, rn, found[0].score) for rn, found in by_right.items()}
    pairs = sorted(best, key=lambda p: (-p[2], p[0], p[1]))
    return Alignment(left_id, right_id, pairs, dict(by_left), dict(by_right), threshold)


def align(
    left: Article,
    right: Article,
    variants: dict[str, str] | None = None,
    threshold: float = SAME_EVENT,
) -> Alignment:
    """Which passages of `right` report what each passage of `left` reports."""
    return align_passages(left.passages, right.passages, left.id, right.id, variants, threshold)
