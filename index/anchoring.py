"""Anchors for tags: where a tagged stretch of an article's canonical text is, and how to
find it again after the article changed.

An anchor is the W3C pair TextPositionSelector (start, end: code points, end exclusive)
and TextQuoteSelector (exact, prefix, suffix). Resolving it against a text tries, in
order: the offsets (if the quote still stands there) -> "exact"; the exact quote
elsewhere, choosing among occurrences by prefix, suffix and closeness -> "moved"; an
approximate match above FUZZY_THRESHOLD -> "fuzzy"; else "orphaned". Nothing here writes
anything: a resolution is an in-memory answer.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

CONTEXT = 32  # characters of prefix and suffix kept with a quote
FUZZY_THRESHOLD = 0.8  # similarity (0..1) a fuzzy match needs to count

EXACT, MOVED, FUZZY, ORPHANED = "exact", "moved", "fuzzy", "orphaned"
STATUSES = (EXACT, MOVED, FUZZY, ORPHANED)

_MAX_OCCURRENCES = 200
_MAX_CANDIDATES = 12


@dataclass(frozen=True, slots=True)
class Anchor:
    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True, slots=True)
class Resolution:
    status: str
    start: int | None = None
    end: int | None = None
    score: float = 1.0  # similarity of the text found to the quote (1.0 unless fuzzy)

    @property
    def found(self) -> bool:
        return self.status != ORPHANED


def make_anchor(text: str, start: int, end: int, context: int = CONTEXT) -> Anchor:
    """The anchor of text[start:end]. Raises ValueError for an empty or outside span."""
    if not (0 <= start < end <= len(text)):
        raise ValueError(f"span {start}:{end} is empty or outside the text (0:{len(text)})")
    return Anchor(
        start,
        end,
        text[start:end],
        text[max(0, start - context) : start],
        text[end : end + context],
    )


def resolve(anchor: Anchor, text: str) -> Resolution:
    """Where the anchor is in text now (see the module docstring)."""
    quote = anchor.exact
    if not quote:
        return Resolution(ORPHANED, score=0.0)
    s, e = anchor.start, anchor.end
    if 0 <= s <= e <= len(text) and text[s:e] == quote:
        return Resolution(EXACT, s, e)
    found = _best_occurrence(anchor, text)
    if found is not None:
        return Resolution(MOVED, found, found + len(quote))
    fuzzy = _fuzzy(anchor, text)
    if fuzzy is not None:
        return Resolution(FUZZY, *fuzzy)
    return Resolution(ORPHANED, score=0.0)


def _common_tail(a: str, b: str) -> int:
    n = 0
    for x, y in zip(reversed(a), reversed(b), strict=False):
        if x != y:
            break
        n += 1
    return n


def _common_head(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _context_score(anchor: Anchor, text: str, start: int, end: int) -> int:
    before = text[max(0, start - len(anchor.prefix)) : start]
    after = text[end : end + len(anchor.suffix)]
    return _common_tail(before, anchor.prefix) + _common_head(after, anchor.suffix)


def _occurrences(needle: str, text: str, limit: int = _MAX_OCCURRENCES) -> list[int]:
    out: list[int] = []
    i = text.find(needle)
    while i >= 0 and len(out) < limit:
        out.append(i)
        i = text.find(needle, i + 1)
    return out


def _best_occurrence(anchor: Anchor, text: str) -> int | None:
    hits = _occurrences(anchor.exact, text)
    if not hits:
        return None
    n = len(anchor.exact)
    return min(
        hits, key=lambda p: (-_context_score(anchor, text, p, p + n), abs(p - anchor.start), p)
    )


def _candidates(anchor: Anchor, text: str) -> list[int]:
    """Likely start positions of an altered quote: where pieces of it, or its context,
    still occur."""
    quote, n = anchor.exact, len(anchor.exact)
    k = max(4, min(16, n // 4))
    votes: dict[int, int] = {}
    seeds = list(range(0, max(1, n - k + 1), k))
    if len(seeds) > 40:
        step = len(seeds) / 40
        seeds = [seeds[int(i * step)] for i in range(40)]
    bucket = max(1, n // 8)
    for off in seeds:
        piece = quote[off : off + k]
        if len(piece) < 4:
            continue
        for pos in _occurrences(piece, text, 50):
            c = pos - off
            votes[c // bucket] = votes.get(c // bucket, 0) + 1
    if len(anchor.prefix) >= 8:
        for pos in _occurrences(anchor.prefix, text, 20):
            c = pos + len(anchor.prefix)
            votes[c // bucket] = votes.get(c // bucket, 0) + 2
    if len(anchor.suffix) >= 8:
        for pos in _occurrences(anchor.suffix, text, 20):
            c = pos - n
            votes[c // bucket] = votes.get(c // bucket, 0) + 2
    best = sorted(votes, key=lambda b: (-votes[b], abs(b * bucket - anchor.start)))
    return [b * bucket for b in best[:_MAX_CANDIDATES]]


def _fuzzy(anchor: Anchor, text: str) -> tuple[int, int, float] | None:
    quote, n = anchor.exact, len(anchor.exact)
    if n < 8:  # too short to match approximately with any confidence
        return None
    best: tuple[float, int, int, int] | None = None  # (score, context, start, end)
    slack = n // 4 + 8
    for c in _candidates(anchor, text):
        lo, hi = max(0, c - slack), min(len(text), c + n + slack)
        if lo >= hi:
            continue
        window = text[lo:hi]
        blocks = [
            b
            for b in SequenceMatcher(None, quote, window, autojunk=False).get_matching_blocks()
            if b.size
        ]
        # stray one- or two-letter matches at the edges stretch the region: drop them
        while len(blocks) > 1 and blocks[0].size <= 2:
            blocks.pop(0)
        while len(blocks) > 1 and blocks[-1].size <= 2:
            blocks.pop()
        if not blocks:
            continue
        matched = sum(b.size for b in blocks)
        # extend to cover quote characters before the first / after the last block, so
        # an edit at either end of the quote stays inside the match
        head = blocks[0].a
        tail = n - (blocks[-1].a + blocks[-1].size)
        start = max(0, blocks[0].b - head) + lo
        end = min(len(window), blocks[-1].b + blocks[-1].size + tail) + lo
        score = 2.0 * matched / (n + (end - start))
        ctx = _context_score(anchor, text, start, end)
        key = (round(score, 6), ctx, -abs(start - anchor.start))
        if best is None or key > (round(best[0], 6), best[1], -abs(best[2] - anchor.start)):
            best = (score, ctx, start, end)
    if best is None or best[0] < FUZZY_THRESHOLD:
        return None
    return best[2], best[3], best[0]
