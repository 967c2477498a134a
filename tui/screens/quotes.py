"""Quotations carried by several articles: for each, its speaker and its variants
(outlet, date, article) with the words that differ from the earliest marked; `enter`
opens the reader at a variant."""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Footer, Static

from index.quotes import Quote, QuoteGroup, Variant
from index.reuse_store import Analysis

from ..actions import bindings
from ..render import cap, indented, indented_height, join, meta_line, plain, plural
from ..widgets.virtual_list import VirtualList
from ..worker_errors import ReportsWorkerErrors

SHOWN = 500  # groups listed (the count of all is said)


@dataclass(frozen=True)
class Block:
    """Text wrapped under an indent, styled as a whole and at `spans` (offsets)."""

    text: str
    indent: int
    style: str = ""
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Row:
    """One row of a shared-rows list: a group's head (not selectable) or an item."""

    key: str
    blocks: tuple[Block, ...]
    selectable: bool = True
    item: object = None  # what the row stands for (what enter opens)

    def height(self, width: int) -> int:
        return sum(indented_height(b.text, width, b.indent) for b in self.blocks)

    def render(self, width: int) -> Content:
        parts: list[Content] = []
        for b in self.blocks:
            block = indented(b.text, width, b.indent, b.spans)
            parts += [plain("\n"), block.stylize(b.style) if b.style else block]
        return join(*parts[1:])


class SharedRows(VirtualList, inherit_bindings=False):
    """The rows of the Quotes and Shared text screens, drawn as they come on screen (at
    100k articles a screen holds tens of thousands); reading keys move through them."""

    BINDINGS = bindings("shared rows")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(self._draw, id=id)
        self._by_key: dict[str, Row] = {}

    def _draw(self, key: str, width: int) -> Content:
        return self._by_key[key].render(width)

    def show(self, rows: list[Row], heights: list[int]) -> None:
        """Show `rows` (of `heights` lines), the cursor kept on the row it was on."""
        current = self.current_key
        self._by_key = {r.key: r for r in rows}
        keys = [r.key for r in rows]
        cursor = keys.index(current) if current in self._by_key else 0
        self.set_rows(keys, heights, [r.selectable for r in rows], cursor=cursor)

    def item(self, key: str) -> object:
        row = self._by_key.get(key)
        return row.item if row else None

    def text_of(self, index: int) -> str:
        """Row `index`'s text, its lines as drawn."""
        return "\n".join(str(line) for line in self.row_lines(index))


def text_width(rows: VirtualList) -> int:
    """Cells a row's text may take: the list's width less its border, padding and a
    scrollbar (wider lines would wrap back to the left edge, under nothing)."""
    outer = rows.region.width or rows.app.size.width
    return max(20, outer - rows.styles.gutter.width - 2)


def rewrap(screen) -> None:
    """Wrap a screen's rows again for its new width (a terminal resized)."""
    rows = screen.query_one(SharedRows)
    analysis = screen.app.analysis
    if analysis is not None and screen.wrapped_at and text_width(rows) != screen.wrapped_at:
        screen.analysed(analysis)


def head_row(key: str, head: str) -> Row:
    return Row(key, (Block(head, 0, "bold"),), selectable=False)


def variant_row(v: Variant, title: str) -> Row:
    q = v.quote
    text = cap(q.text, 600)
    spans = tuple(
        (c.start + 1, c.end + 1) for c in v.diff if c.end > c.start and c.end <= len(text)
    )
    head = (
        f"{meta_line(v.outlet, v.date)} · {cap(title, 70)} · #{q.n} · "
        f"{q.speaker or 'speaker unknown'}"
    )
    blocks = [Block(head, 2, "dim"), Block(f"“{text}”", 4, "", spans)]
    changed = [f"{c.was or '…'} → {c.now or '(left out)'}" for c in v.diff]
    if changed:
        blocks.append(Block(cap(" · ".join(changed), 300), 4, "dim"))
    return Row(f"{q.article}#{q.n}@{q.start}", tuple(blocks), item=q)


class RowsScreen(ReportsWorkerErrors, Screen):
    """A screen of shared rows made from the analysis: the rows are made and measured
    off the UI thread (tens of thousands at 100k articles), again when the width
    changes, and shown with the cursor where it was."""

    wrapped_at = 0  # the text width the rows were wrapped to

    def on_mount(self) -> None:
        self.query_one(SharedRows).focus()
        self.app.when_analysed(self.analysed)

    def on_resize(self) -> None:
        self.call_after_refresh(rewrap, self)  # once the rows have their new width

    def analysed(self, analysis: Analysis | None) -> None:
        if self not in self.app.screen_stack:  # closed meanwhile
            return
        if analysis is None:
            self.unavailable(self.app.analysis_error)
            return
        self.wrapped_at = text_width(self.query_one(SharedRows))
        self._lay_out(analysis, self.wrapped_at)

    # description: without one, Textual describes a worker by the repr of its arguments,
    # on the UI thread (an analysis at 100k articles: 17 s)
    @work(
        thread=True,
        exclusive=True,
        group="laying out rows",
        description="laying out rows",
        exit_on_error=False,
    )
    def _lay_out(self, analysis: Analysis, width: int) -> None:
        rows = self.rows_of(analysis)
        heights = [r.height(width) for r in rows]
        self.app.call_from_thread(self._show, analysis, rows, heights, width)

    def _show(self, analysis: Analysis, rows: list[Row], heights: list[int], width: int) -> None:
        if width != self.wrapped_at:  # laid out for a width since changed
            return
        self.query_one(SharedRows).show(rows, heights)
        self.summarize(analysis)

    def rows_of(self, analysis: Analysis) -> list[Row]:
        raise NotImplementedError

    def summarize(self, analysis: Analysis) -> None:
        raise NotImplementedError

    def unavailable(self, why: str) -> None:
        raise NotImplementedError


class QuotesScreen(RowsScreen):
    BINDINGS = bindings("quotes")

    def compose(self) -> ComposeResult:
        yield Static(plain("Quotations carried by several articles"), classes="title")
        yield Static(plain("finding quotations…"), id="quotes-summary", classes="meta")
        yield SharedRows(id="quote-rows")
        yield Footer(compact=True)

    def unavailable(self, why: str) -> None:
        self.query_one("#quotes-summary", Static).update(plain(f"quotations unavailable: {why}"))

    def rows_of(self, analysis: Analysis) -> list[Row]:
        infos = self.app.library.infos
        rows: list[Row] = []
        for i, g in enumerate(analysis.quotes[:SHOWN]):
            rows.append(head_row(f"group {i}", self._head(g)))
            for v in g.variants:
                info = infos.get(v.quote.article)
                rows.append(variant_row(v, info.title if info else v.quote.article))
        return rows

    def summarize(self, analysis: Analysis) -> None:
        groups = analysis.quotes
        more = f" (first {SHOWN} shown)" if len(groups) > SHOWN else ""
        self.query_one("#quotes-summary", Static).update(
            plain(
                f"{plural(len(groups), 'quotation')} in two articles or more{more}; "
                "marked words differ from the earliest variant · enter: read it"
                if groups
                else "no quotation is carried by more than one article"
            )
        )

    @staticmethod
    def _head(g: QuoteGroup) -> str:
        return f"{g.speaker or 'speaker unknown'} · {plural(len(g.articles), 'article')}"

    @on(VirtualList.Selected, "#quote-rows")
    def _open(self, event: VirtualList.Selected) -> None:
        """The reader at the quotation, selected as a span (a topic key tags it)."""
        quote = self.query_one(SharedRows).item(event.key)
        if not isinstance(quote, Quote):
            return
        from .reader import ReaderScreen

        def opened(article, laid_out) -> None:
            reader = ReaderScreen(article, quote.n, self.app.query_text, layout=laid_out)
            self.app.push_screen(reader)
            p = article.passage(quote.n)
            if (
                p.start <= quote.start
                and quote.end <= p.end
                and p.text[quote.start - p.start : quote.end - p.start] == quote.text
            ):
                span = (quote.n, quote.start - p.start, quote.end - p.start)
                reader.call_after_refresh(lambda: reader.view.set_selection(span))

        self.app.load_article(quote.article, opened)

    def action_back(self) -> None:
        self.app.pop_screen()
