"""Finding articles by what the user types: every word, in any order, as part of the
title, outlet or date, accents and case folded. The folded text is made once, so a
keystroke costs one substring test per article and per word (a few ms at 21k titles),
and a longer query only looks among what the shorter one found."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable

from index.model import ArticleInfo

from .render import meta_line

RANKED_MAX = 2000  # more matches than this (a letter or two typed) keep their order

_FOLDED: dict[tuple[str, str, str | None, str | None], str] = {}


def fold_text(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _haystack(info: ArticleInfo) -> str:
    """What is matched for an article, folded once per title (the app warms this)."""
    key = (info.id, info.title, info.source, info.date)
    hit = _FOLDED.get(key)
    if hit is None:
        # the outlet and date as the list shows them, "unknown outlet" and "undated" too
        shown = f"{info.title} {meta_line(info.source, info.date)}"
        hit = _FOLDED[key] = " " + fold_text(shown)
    return hit


class TitleIndex:
    def __init__(self, infos: Iterable[ArticleInfo]):
        self.infos = list(infos)
        self._folded: list[str] | None = None  # on the first query: opening costs nothing
        self._last: tuple[str, list[int]] = ("", list(range(len(self.infos))))

    def warm(self) -> TitleIndex:
        """Fold every title now (the app does this in a worker; later indexes reuse it)."""
        if self._folded is None:
            self._folded = [_haystack(i) for i in self.infos]
        return self

    @property
    def _hay(self) -> list[str]:
        return self.warm()._folded or []

    def __len__(self) -> int:
        return len(self.infos)

    def match(self, text: str) -> list[ArticleInfo]:
        """The articles whose title, outlet or date hold every word of `text`; words
        that start a word of the title rank first, the input order otherwise."""
        folded = " ".join(fold_text(text).split())
        words = folded.split()
        if not words:
            self._last = ("", list(range(len(self.infos))))
            return list(self.infos)
        previous, found = self._last
        pool = found if previous and folded.startswith(previous) else range(len(self.infos))
        hay = self._hay
        found = [i for i in pool if all(w in hay[i] for w in words)]
        self._last = (folded, found)
        if len(found) > RANKED_MAX:
            return [self.infos[i] for i in found]
        starts = [" " + w for w in words]

        def rank(i: int) -> int:
            return -sum(s in hay[i] for s in starts)

        return [self.infos[i] for i in sorted(found, key=rank)]
