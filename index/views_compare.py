"""What the Compare screen draws for two articles, as plain data: for each passage of
either side, the passages on the other side that report the same thing, and the words
in which the best pair differs (spelling variants of config.yaml count as the same word,
as in `dossier compare`). Computed whole, off the UI thread; the screen only looks up."""

from __future__ import annotations

from dataclasses import dataclass

from .align import SAME_EVENT, Alignment, Match, align, word_diff
from .model import Article
from .text import variant_map

Span = tuple[int, int]
WEAK = 0.1  # below SAME_EVENT: the closest candidate is named with its score, nothing more
SIDES = ("left", "right")


@dataclass(frozen=True, slots=True)
class PairView:
    """Passage n of one side and its best match on the other, with the differing words."""

    side: str
    n: int
    best: Match  # the passage on the other side
    others: tuple[Match, ...]  # further passages that also report it
    here_diff: tuple[Span, ...]  # differing words, offsets into passage n
    there_diff: tuple[Span, ...]  # and into the matched passage


@dataclass(frozen=True, slots=True)
class CompareViewModel:
    left_id: str
    right_id: str
    alignment: Alignment
    pairs: dict[tuple[str, int], PairView]  # (side, n) -> its pair, for every aligned n

    def pair(self, side: str, n: int) -> PairView | None:
        return self.pairs.get((side, n))

    def candidates(self, side: str, n: int) -> list[Match]:
        """The closest passages on the other side (weak ones included), best first."""
        return self.alignment.matches(side, n)

    def scores(self, side: str, n: int) -> dict[int, float]:
        return {m.n: m.score for m in self.candidates(side, n)}


def compare_view(
    left: Article, right: Article, variants: tuple[tuple[str, ...], ...]
) -> CompareViewModel:
    """Align the two articles and diff every pair that reports the same thing."""
    vmap = variant_map(variants)
    alignment = align(left, right, vmap, threshold=WEAK)
    articles = {"left": left, "right": right}
    pairs: dict[tuple[str, int], PairView] = {}
    diffs: dict[tuple[int, int], tuple[list[Span], list[Span]]] = {}
    for side in SIDES:
        here, there = articles[side], articles["right" if side == "left" else "left"]
        for p in here.passages:
            same = [m for m in alignment.matches(side, p.n) if m.score >= SAME_EVENT]
            if not same:
                continue
            best = same[0]
            key = (p.n, best.n) if side == "left" else (best.n, p.n)
            if key not in diffs:
                a, b = (p, there.passage(best.n)) if side == "left" else (there.passage(best.n), p)
                diffs[key] = word_diff(a.text, b.text, vmap)
            da, db = diffs[key]
            here_diff, there_diff = (da, db) if side == "left" else (db, da)
            pairs[(side, p.n)] = PairView(
                side, p.n, best, tuple(same[1:]), tuple(here_diff), tuple(there_diff)
            )
    return CompareViewModel(left.id, right.id, alignment, pairs)
