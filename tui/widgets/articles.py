"""The articles list of the first screen: title, outlet, date, passages and tags, one
line each, drawn lazily (VirtualList); sorted by date, outlet or title; filtered by
what is typed in its filter box."""

from __future__ import annotations

from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Input, Static

from index.model import ArticleInfo, date_label, outlet_label

from ..matching import TitleIndex
from ..render import cap, join, plain, plural
from .virtual_list import VirtualList

SORTS = ("date", "outlet", "title", "story")
DATE_W, NUM_W, TAGS_W = 10, 8, 5


def fit(text: str, width: int) -> str:
    text = cap(text, max(width, 1) + 1)
    return text.ljust(width) if len(text) <= width else text[: max(width - 1, 0)] + "…"


class ArticlesPane(Vertical):
    class Changed(Message):
        """What the list shows changed (sort, filter, articles): for the message line."""

        def __init__(self, summary: str) -> None:
            super().__init__()
            self.summary = summary

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.sort = "date"
        self._infos: dict[str, ArticleInfo] = {}
        self._tags: Counter[str] = Counter()
        self._index = TitleIndex(())

    def compose(self) -> ComposeResult:
        yield Input(placeholder="filter: part of a title, outlet or date", id="filter")
        yield Static("", id="articles-head")
        yield VirtualList(self._row, id="articles")

    def on_mount(self) -> None:
        self.query_one("#filter").display = False

    @property
    def listing(self) -> VirtualList:
        return self.query_one("#articles", VirtualList)

    @property
    def filter_text(self) -> str:
        return self.query_one("#filter", Input).value

    def load(self, infos: dict[str, ArticleInfo], tag_counts: Counter[str]) -> None:
        """Show `infos` with their tag counts. The same articles keep their order (the
        list is loaded again on every return from the reader: sorting 100k articles
        took 0.8 s); by story, the stories may have changed, so they are sorted again."""
        self._tags = tag_counts
        if infos is not self._infos or self.sort == "story":
            self._infos = infos
            self._index = TitleIndex(self._sorted(infos.values()))
        self.refilter()

    def _story_of(self) -> dict[str, int]:
        """Article id -> its story's number (1: the largest), from the app's analysis."""
        analysis = getattr(self.app, "analysis", None)
        if analysis is None:
            return {}
        return {aid: i for i, s in enumerate(analysis.stories, 1) for aid in s.articles}

    def _sorted(self, infos) -> list[ArticleInfo]:
        self._stories = self._story_of() if self.sort == "story" else {}
        alone = len(self._stories) + 1
        keyers = {
            "date": lambda i: (i.date or "0000", i.title.casefold()),
            "outlet": lambda i: ((i.source or "~").casefold(), i.date or "", i.title.casefold()),
            "title": lambda i: i.title.casefold(),
            # the articles of each story together, earliest first; the rest by date
            "story": lambda i: (
                self._stories.get(i.id, alone),
                i.date or "9999",
                i.title.casefold(),
            ),
        }
        return sorted(infos, key=keyers[self.sort], reverse=self.sort == "date")

    _stories: dict[str, int] = {}

    def refilter(self) -> None:
        text = self.filter_text
        shown = self._index.match(text)
        self.listing.set_rows([i.id for i in shown])
        self._head()
        # again once the list knows whether it scrolls: its scrollbar takes two columns
        self.call_after_refresh(self._head)
        total = len(self._index)
        what = (
            f"{plural(len(shown), 'article')} of {total:,} match “{text.strip()}”"
            if text.strip()
            else plural(total, "article")
        )
        nxt = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.post_message(self.Changed(f"{what}, by {self.sort} (s: by {nxt}; f: filter)"))

    def cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self._index = TitleIndex(self._sorted(self._infos.values()))
        self.refilter()

    def open_filter(self) -> None:
        box = self.query_one("#filter", Input)
        box.display = True
        # at once, as `f` (a priority binding) is read: the keys typed after it go in
        self.screen.set_focus(box)

    def leave_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if not box.value:
            box.display = False
        self.listing.focus()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.refilter()

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.leave_filter()

    @staticmethod
    def _outlet_w(width: int) -> int:
        return 18 if width >= 110 else 12

    def _title_width(self, width: int) -> int:
        return max(12, width - DATE_W - self._outlet_w(width) - NUM_W - TAGS_W - 9)  # 9: the gaps

    def _head(self) -> None:
        width = self.listing.scrollable_content_region.width or self.size.width or 100
        arrow = {s: (" ▼" if s == self.sort else "") for s in SORTS}
        tw = self._title_width(width)
        cols = (
            fit("Title" + arrow["title"], tw),
            fit("Outlet" + arrow["outlet"], self._outlet_w(width)),
            fit("Date" + arrow["date"], DATE_W),
            f"{'Passages':>{NUM_W}}",
            f"{'Tags':>{TAGS_W}}",
        )
        self.query_one("#articles-head", Static).update(plain(" " + "  ".join(cols), "bold"))

    def on_resize(self) -> None:
        self._head()

    def _row(self, aid: str, width: int) -> Content:
        info = self._infos.get(aid)
        if info is None:
            return plain(aid)
        tags = self._tags.get(aid, 0)
        story = self._stories.get(aid) if self.sort == "story" else None
        title = f"[story {story}] {info.title}" if story else info.title
        return join(
            plain(f" {fit(title, self._title_width(width))}  "),
            plain(f"{fit(outlet_label(info.source), self._outlet_w(width))}  ", "italic"),
            plain(f"{date_label(info.date):<{DATE_W}}  ", "dim"),
            plain(f"{info.passages:>{NUM_W}}  ", "dim"),
            plain(f"{tags if tags else '·':>{TAGS_W}}", "bold" if tags else "dim"),
        )
