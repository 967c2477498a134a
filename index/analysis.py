"""Text analysis shared by indexing, querying and highlighting.

One filter does lower-casing, accent folding, spelling variants and Porter2 stemming in
a single pass with a cache: Whoosh's chain of generator filters is the slowest part of
a build, and news vocabulary repeats so much that most words are looked up, not stemmed.
"""

from __future__ import annotations

import hashlib

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.lang.porter2 import stem as porter2_stem

from .text import fold

TOKEN_PATTERN = r"\w+(?:[.'’]?\w+)*"
# Bump when analysis changes in a way that needs a rebuild.
ANALYSIS_VERSION = 3


def variant_map(variants: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    """Each folded spelling -> the folded first spelling of its group."""
    out: dict[str, str] = {}
    for group in variants:
        head = fold(group[0])
        for spelling in group:
            out[fold(spelling)] = head
    return out


class NormalizeFilter(Filter):
    """fold -> variant -> (optionally) Porter2 stem, cached."""

    def __init__(self, variants: dict[str, str] | None = None, stem: bool = True):
        self.variants = dict(variants or {})
        self.stem = stem
        self._cache: dict[str, str] = {}

    def __getstate__(self):
        return {"variants": self.variants, "stem": self.stem}

    def __setstate__(self, state):
        self.variants, self.stem, self._cache = state["variants"], state["stem"], {}

    def __eq__(self, other):
        return (type(other) is type(self) and other.variants == self.variants
                and other.stem == self.stem)

    def __hash__(self):
        return hash((self.stem, tuple(sorted(self.variants.items()))))

    def normalize(self, word: str) -> str:
        out = self._cache.get(word)
        if out is None:
            out = fold(word).replace("’", "'")
            out = self.variants.get(out, out)
            if self.stem:
                out = porter2_stem(out)
            if len(self._cache) < 1_000_000:
                self._cache[word] = out
        return out

    def __call__(self, tokens):
        normalize = self.normalize
        for t in tokens:
            t.text = normalize(t.text)
            yield t


def stemming_analyzer(variants: dict[str, str]):
    return RegexTokenizer(TOKEN_PATTERN) | NormalizeFilter(variants, stem=True)


def exact_analyzer(variants: dict[str, str]):
    return RegexTokenizer(TOKEN_PATTERN) | NormalizeFilter(variants, stem=False)


def fingerprint(variants: dict[str, str]) -> str:
    """Changes whenever the index must be rebuilt to stay correct."""
    key = f"{ANALYSIS_VERSION}|{sorted(variants.items())}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]
