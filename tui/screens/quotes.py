"""Quotations carried by several articles: for each, its speaker and its variants
(outlet, date, article) with the words that differ from the earliest marked; `enter`
opens the reader at a variant."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from index.quotes import Quote, QuoteGroup, Variant
from index.reuse_store import Analysis

from ..actions import bindings
from ..render import cap, meta_line, plain, plural
from ..widgets.virtual_list import VirtualList
from .shared_rows import Block, Row, RowsScreen, SharedRows, head_row

SHOWN = 500  # groups listed (the count of all is said)


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
