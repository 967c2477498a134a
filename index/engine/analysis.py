"""Text analysis shared by indexing, querying and highlighting.

One filter does lower-casing, accent folding, spelling variants and Porter2 stemming in
a single pass with a cache: Whoosh's chain of generator filters is the slowest part of
a build, and news vocabulary repeats so much that most words are looked up, not stemmed.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pickle import dumps

from whoosh.analysis import Filter, RegexTokenizer
from whoosh.fields import TEXT
from whoosh.formats import Frequency, Positions
from whoosh.lang.porter2 import stem as porter2_stem
from whoosh.system import pack_uint

from ..text import fold, variant_map  # noqa: F401 - variant_map: analysis' own

TOKEN_PATTERN = r"\w+(?:[.'’]?\w+)*"
# Bump when analysis changes in a way that needs a rebuild.
ANALYSIS_VERSION = 10  # 10: posting blocks pickled with protocol 4 (private.py);
# 9: `exact` for its words only (queries.py); 8: character references in text files
# decoded; 7: anyascii folding


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
        return (
            type(other) is type(self)
            and other.variants == self.variants
            and other.stem == self.stem
        )

    def __hash__(self):
        return hash((self.stem, tuple(sorted(self.variants.items()))))

    def normalize(self, word: str) -> str:
        out = self._cache.get(word)
        if out is None:
            out = self.uncached(word)
            if len(self._cache) < 1_000_000:
                self._cache[word] = out
        return out

    def uncached(self, word: str) -> str:
        """normalize(word), for a caller that keeps its own cache of the results."""
        out = fold(word).replace("’", "'")
        out = self.variants.get(out, out)
        return porter2_stem(out) if self.stem else out

    def __call__(self, tokens):
        normalize = self.normalize
        for t in tokens:
            t.text = normalize(t.text)
            yield t


def stemming_analyzer(variants: dict[str, str]):
    return RegexTokenizer(TOKEN_PATTERN) | NormalizeFilter(variants, stem=True)


def exact_analyzer(variants: dict[str, str]):
    return RegexTokenizer(TOKEN_PATTERN) | NormalizeFilter(variants, stem=False)


_FINDALL = re.compile(TOKEN_PATTERN).findall
_last_words: tuple[str | None, list[str]] = (None, [])
_ONE_POS: dict[int, bytes] = {}


def _raw_words(value: str) -> list[str]:
    """The tokenizer's words of value; the last result is kept because every passage is
    indexed by two fields (`text` and `exact`) that tokenize it the same way."""
    global _last_words
    last = _last_words
    if last[0] is value:
        return last[1]
    found = _FINDALL(value)
    _last_words = (value, found)
    return found


# A position list as pickle protocol 2 writes it when every gap is under 256 (most are):
# the header, `K` and the byte of each gap, the end; built here at half pickle's cost.
_PICKLED_HEADS = [pack_uint(n) + b"\x80\x02]q\x00(" for n in range(64)]
_PICKLED_BYTE = [b"K" + bytes((i,)) for i in range(256)]


def _encode_positions(poslist: list[int]) -> bytes:
    # Exactly whoosh.formats.Positions.encode, with the common one-position case cached.
    n = len(poslist)
    if n == 1:
        pos = poslist[0]
        out = _ONE_POS.get(pos)
        if out is None:
            out = _ONE_POS[pos] = pack_uint(1) + dumps([pos], 2)
        return out
    if n < 64:
        parts, base = [_PICKLED_HEADS[n]], 0
        for pos in poslist:
            gap = pos - base
            if gap > 255:
                break
            parts.append(_PICKLED_BYTE[gap])
            base = pos
        else:
            parts.append(b"e.")
            return b"".join(parts)
    deltas, base = [], 0
    for pos in poslist:
        deltas.append(pos - base)
        base = pos
    return pack_uint(len(deltas)) + dumps(deltas, 2)


class FastText(TEXT):
    """A TEXT field that indexes exactly what its analyzer would (same terms, positions,
    frequencies and weights) without building a Whoosh Token per word: the build spends
    most of its time there. Other values (lists, other analyzers) take the usual path."""

    def index(self, value, **kwargs):
        ana = self.analyzer
        try:
            norm = ana[-1]
        except (TypeError, IndexError, KeyError):
            norm = None
        kind = type(self.format)
        if (
            not isinstance(value, str)
            or not isinstance(norm, NormalizeFilter)
            or kind not in (Positions, Frequency)
            or self.format.field_boost != 1.0
        ):
            yield from TEXT.index(self, value, **kwargs)
            return
        cache = norm._cache
        get = cache.get
        normalize = norm.normalize
        if kind is Positions:
            poses: dict[str, list[int]] = {}
            for i, w in enumerate(_raw_words(value)):
                t = get(w)
                if t is None:
                    t = normalize(w)
                lst = poses.get(t)
                if lst is None:
                    poses[t] = [i]
                else:
                    lst.append(i)
            for t, lst in poses.items():
                n = len(lst)
                yield t.encode("utf-8"), n, float(n), _encode_positions(lst)
        else:  # Frequency
            freqs: dict[str, int] = {}
            for w in _raw_words(value):
                t = get(w)
                if t is None:
                    t = normalize(w)
                freqs[t] = freqs.get(t, 0) + 1
            for t, n in freqs.items():
                yield t.encode("utf-8"), n, float(n), pack_uint(n)


def fast_words(field) -> Callable[[str], list[str]] | None:
    """A field's words of a text as its analyzer gives them in a query, without a
    Whoosh token per word (~20 us a call less: reading 100,000 headlines took seconds),
    for the fields dossier's own analyzers read; None for any other."""
    ana = getattr(field, "analyzer", None)
    try:
        tokenizer, norm = ana[0], ana[-1]
    except (TypeError, IndexError, KeyError):
        return None
    if (
        len(ana.items) != 2
        or type(tokenizer) is not RegexTokenizer
        or tokenizer.expression.pattern != TOKEN_PATTERN
        or tokenizer.gaps
        or not isinstance(norm, NormalizeFilter)
    ):
        return None
    get, normalize = norm._cache.get, norm.normalize

    def words(text: str) -> list[str]:
        return [get(w) or normalize(w) for w in _FINDALL(text)]

    return words


def fingerprint(variants: dict[str, str]) -> str:
    """Changes whenever the index must be rebuilt to stay correct."""
    key = f"{ANALYSIS_VERSION}|{sorted(variants.items())}"
    return hashlib.sha1(key.encode()).hexdigest()[:16]


def normalizer(variants: dict[str, str] | None = None, stem: bool = True) -> Callable[[str], str]:
    """One word as the index normalises it (folded, spelling variants merged, stemmed
    if `stem`), for code outside the engine that compares words as search does."""
    return NormalizeFilter(variants, stem=stem).normalize


def stemmer_between(unstemmed, stemmed) -> Callable[[str], str] | None:
    """For two fields normalised alike but for the stemming (dossier's `exact` and
    `text`): a word as `unstemmed` indexes it -> as `stemmed` does. That is Porter2 of
    it, since both fold and merge variants before the stemmer, once; None for fields
    normalised otherwise."""
    try:
        plain, stems = unstemmed.analyzer[-1], stemmed.analyzer[-1]
    except (AttributeError, TypeError, IndexError, KeyError):
        return None
    if not (
        isinstance(plain, NormalizeFilter)
        and isinstance(stems, NormalizeFilter)
        and not plain.stem
        and stems.stem
        and plain.variants == stems.variants
    ):
        return None
    cache: dict[str, str] = getattr(stems, "_stems_of_words", None)
    if cache is None:
        cache = stems._stems_of_words = {}

    def stem(word: str) -> str:
        out = cache.get(word)
        if out is None:
            out = porter2_stem(word)
            if len(cache) < 100_000:
                cache[word] = out
        return out

    return stem


def one_pass_analysis(schema):
    """For a schema whose `text` (stemmed, with positions) and `exact` (folded, with
    frequencies) fields are FastText fields over the same words: a function giving both
    fields' index items of a passage from one pass over its words, each word's pair of
    terms cached (as bytes) for the whole build. None for any other schema."""
    try:
        text, exact = schema["text"], schema["exact"]
    except KeyError:
        return None
    if not all(
        isinstance(f, FastText)
        and isinstance(f.analyzer[-1], NormalizeFilter)
        and f.format.field_boost == 1.0
        for f in (text, exact)
    ):
        return None
    if type(text.format) is not Positions or type(exact.format) is not Frequency:
        return None
    # The pairs are the build's one word cache, kept with the `text` filter for the
    # process's next segments (the filters' own caches would hold every word twice
    # more: a few MB a writer process at 100k articles).
    norm = text.analyzer[-1]
    stem, fold_only = norm.uncached, exact.analyzer[-1].uncached
    pairs: dict[str, tuple[bytes, bytes]] | None = getattr(norm, "_pairs", None)
    if pairs is None:
        pairs = norm._pairs = {}
    counts: dict[int, bytes] = {}
    findall = _FINDALL

    def analyse(value: str, seen: set[bytes] | None = None) -> tuple[list, list]:
        """`seen`: the exact terms the segment already holds, if it keeps one `exact`
        posting a word (see SegmentBuilder): only the passage's new words get one,
        counted once, and join `seen`."""
        poses: dict[bytes, list[int]] = {}
        freqs: dict[bytes, int] = {}
        get = pairs.get
        for i, w in enumerate(findall(value)):
            pair = get(w)
            if pair is None:
                # An ASCII word folds to its lower case: "Shares" is "shares", kept.
                pair = get(w.lower()) if w.isascii() else None
                if pair is None:
                    pair = (stem(w).encode("utf-8"), fold_only(w).encode("utf-8"))
                if len(pairs) < 1_000_000:
                    pairs[w] = pair
            s, e = pair
            lst = poses.get(s)
            if lst is None:
                poses[s] = [i]
            else:
                lst.append(i)
            if seen is None:
                freqs[e] = freqs.get(e, 0) + 1
            elif e not in seen:
                seen.add(e)
                freqs[e] = 1
        # Weights as ints (the small ones are shared objects): a segment holds millions,
        # and they are written as the same float32 a float weight would be.
        text_items = [(t, len(p), len(p), _encode_positions(p)) for t, p in poses.items()]
        exact_items = []
        for t, n in freqs.items():
            packed = counts.get(n)
            if packed is None:
                packed = counts[n] = pack_uint(n)
            exact_items.append((t, n, n, packed))
        return text_items, exact_items

    return analyse
