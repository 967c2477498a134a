"""Quotations carried by several articles: for each, its speaker and its variants
(outlet, date, article) with the words that differ from the earliest marked; `enter`
opens the reader at a variant."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from index.quotes import Quote, QuoteGroup, Variant
from index.reuse_store import Analysis

from ..actions import bindings
from ..render import cap, indented, join, meta_line, plain, plural
from ..worker_errors import ReportsWorkerErrors

SHOWN = 500  # groups listed (the count of all is said)


class SharedRows(OptionList):
    """The rows of the Quotes and Shared text screens; reading keys move through them."""

    BINDINGS = bindings("shared rows")


def text_width(rows: OptionList) -> int:
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


def variant_option(v: Variant, title: str, width: int) -> Option:
    q = v.quote
    text = cap(q.text, 600)
    spans = [(c.start + 1, c.end + 1) for c in v.diff if c.end > c.start and c.end <= len(text)]
    head = (
        f"{meta_line(v.outlet, v.date)} · {cap(title, 70)} · #{q.n} · "
        f"{q.speaker or 'speaker unknown'}"
    )
    lines = [
        indented(head, width, 2).stylize("dim"),
        indented(f"“{text}”", width, 4, spans),
    ]
    changed = [f"{c.was or '…'} → {c.now or '(left out)'}" for c in v.diff]
    if changed:
        lines.append(indented(cap(" · ".join(changed), 300), width, 4).stylize("dim"))
    return Option(
        join(*[x for line in lines for x in (line, plain("\n"))][:-1]),
        id=f"{q.article}#{q.n}@{q.start}",
    )


class QuotesScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("quotes")

    def compose(self) -> ComposeResult:
        yield Static(plain("Quotations carried by several articles"), classes="title")
        yield Static(plain("finding quotations…"), id="quotes-summary", classes="meta")
        yield SharedRows(id="quote-rows")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.quotes: dict[str, Quote] = {}  # option id -> the quotation it shows
        self.query_one(SharedRows).focus()
        self.app.when_analysed(self.analysed)

    wrapped_at = 0  # the text width the rows were wrapped to

    def on_resize(self) -> None:
        self.call_after_refresh(rewrap, self)  # once the rows have their new width

    def analysed(self, analysis: Analysis | None) -> None:
        if self not in self.app.screen_stack:  # closed meanwhile
            return
        rows = self.query_one(SharedRows)
        if analysis is None:
            self.query_one("#quotes-summary", Static).update(
                plain(f"quotations unavailable: {self.app.analysis_error}")
            )
            return
        groups = analysis.quotes
        infos = self.app.library.infos
        width = self.wrapped_at = text_width(rows)
        options: list[Option] = []
        for g in groups[:SHOWN]:
            options.append(Option(self._head(g, width), disabled=True))
            for v in g.variants:
                self.quotes[f"{v.quote.article}#{v.quote.n}@{v.quote.start}"] = v.quote
                info = infos.get(v.quote.article)
                title = info.title if info else v.quote.article
                options.append(variant_option(v, title, width))
        highlighted_id = rows.highlighted_option.id if rows.highlighted_option else None
        rows.set_options(options)
        self._restore(rows, highlighted_id)
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
    def _head(g: QuoteGroup, width: int):
        head = f"{g.speaker or 'speaker unknown'} · {plural(len(g.articles), 'article')}"
        return indented(head, width, 0).stylize("bold")

    @staticmethod
    def _restore(rows: OptionList, option_id: str | None) -> None:
        for i in range(rows.option_count):
            opt = rows.get_option_at_index(i)
            if not opt.disabled and (option_id is None or opt.id == option_id):
                rows.highlighted = i
                return

    @on(OptionList.OptionSelected, "#quote-rows")
    def _open(self, event: OptionList.OptionSelected) -> None:
        """The reader at the quotation, selected as a span (a topic key tags it)."""
        quote = self.quotes.get(event.option.id or "")
        if quote is None:
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
