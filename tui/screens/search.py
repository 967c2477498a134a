"""The first screen: a search box, results grouped by article, and the articles list."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option

from index.search import SearchResult, snippet
from index.text import plural

from ..render import highlighted, join, meta_line, plain
from ..widgets.virtual_list import VirtualList
from ..wrap import wrap

SORTS = ("date", "outlet", "title")


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"


class ResultsList(OptionList):
    """Search results; reading keys move through them as in the other lists."""

    BINDINGS = [
        Binding("enter", "select", "Open", id="results.open"),
        Binding("j", "cursor_down", "Down", show=False, id="results.down"),
        Binding("k", "cursor_up", "Up", show=False, id="results.up"),
        Binding("space", "page_down", "Page down", show=False, id="results.page_down"),
        Binding("b", "page_up", "Page up", show=False, id="results.page_up"),
        Binding("g", "first", "Top", show=False, id="results.top"),
        Binding("G", "last", "Bottom", show=False, id="results.bottom"),
    ]


class SearchScreen(Screen):
    BINDINGS = [
        Binding("a", "toggle_articles", "Articles", id="articles"),
        Binding("s", "cycle_sort", "Sort", id="articles.sort"),
        Binding("escape", "leave_search", "Leave search", show=False, id="search.leave"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.sort = "date"

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static("dossier", id="brand")
            yield Static("", id="index-status")
            yield ProgressBar(id="index-progress", show_eta=False)
        yield Input(
            placeholder='Search passages:  Lachin   "within reach"   negot*   '
            'outlet:"europa press"   tag:corridor',
            id="query",
            select_on_focus=False,
        )
        yield Static("", id="message")
        with ContentSwitcher(initial="results", id="panes"):
            yield ResultsList(id="results")
            yield VirtualList(self._article_row, id="articles")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#index-progress").display = False
        self.show_articles_list(initial=True)
        self.query_one("#query", Input).focus()

    # -- articles list --------------------------------------------------------

    def _article_row(self, aid: str, width: int) -> Content:
        info = self.app.library.infos.get(aid)
        if info is None:
            return plain(aid)
        date = (info.date or "undated").ljust(10)
        source = _fit(info.source or "unknown outlet", 18)
        count = f"  ({info.passages})"
        room = max(10, width - 34 - len(count))
        return join(
            plain(f" {date}  ", "dim"),
            plain(f"{source}  ", "italic"),
            plain(_fit(info.title, room).rstrip()),
            plain(count, "dim"),
        )

    def sorted_ids(self) -> list[str]:
        infos = self.app.library.infos
        keyers = {
            "date": lambda i: (i.date or "0000", i.title.casefold()),
            "outlet": lambda i: ((i.source or "~").casefold(), i.date or "", i.title.casefold()),
            "title": lambda i: i.title.casefold(),
        }
        rev = self.sort == "date"
        return [i.id for i in sorted(infos.values(), key=keyers[self.sort], reverse=rev)]

    def show_articles_list(self, initial: bool = False) -> None:
        lst = self.query_one("#articles", VirtualList)
        lst.set_rows(self.sorted_ids())
        if not initial:
            self.query_one("#panes", ContentSwitcher).current = "articles"
            lst.focus()
            self.set_message(
                f"{plural(lst.row_count, 'article')}, by {self.sort}  (s: sort by "
                f"{SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]})"
            )

    def action_toggle_articles(self) -> None:
        panes = self.query_one("#panes", ContentSwitcher)
        if panes.current == "articles":
            panes.current = "results"
            self.query_one("#results", OptionList).focus()
            self.set_message("")
        else:
            self.show_articles_list()

    def action_cycle_sort(self) -> None:
        self.sort = SORTS[(SORTS.index(self.sort) + 1) % len(SORTS)]
        self.show_articles_list()

    @on(VirtualList.Selected, "#articles")
    def _open_from_list(self, event: VirtualList.Selected) -> None:
        self.app.open_article(event.key, 1)

    # -- search ---------------------------------------------------------------

    def action_leave_search(self) -> None:
        panes = self.query_one("#panes", ContentSwitcher)
        self.query_one(f"#{panes.current}").focus()

    def focus_search(self) -> None:
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self.app.request_search(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter opens the highlighted result when the results are this query's."""
        results = self.query_one("#results", OptionList)
        last = self.app.last_result
        if last is not None and last.query == event.value and results.highlighted is not None:
            results.action_select()
            return
        self.app.request_search(event.value, now=True)
        self.query_one("#panes", ContentSwitcher).current = "results"
        results.focus()

    def set_message(self, text: str | Content) -> None:
        self.query_one("#message", Static).update(
            text if isinstance(text, Content) else plain(text)
        )

    def show_result(self, result: SearchResult) -> None:
        """Replace the results with `result` (the newest query's)."""
        self.query_one("#panes", ContentSwitcher).current = "results"
        results = self.query_one("#results", OptionList)
        width = max(40, (results.size.width or 120) - 2)
        options: list[Option | None] = []
        for a in result.articles:
            head = join(
                plain(a.title, "bold"),
                plain(f"   {meta_line(a.source, a.date)}", "dim"),
                plain(f"   {plural(a.hits, 'hit')}", "$accent"),
            )
            options.append(Option(head, id=f"a:{a.id}"))
            for p in a.passages[:5]:
                options.append(Option(self._snippet(p, width), id=f"p:{p.pid}"))
        results.set_options(options)
        if options:
            results.highlighted = 1 if len(options) > 1 else 0
        parts = []
        if result.message:
            parts.append(plain(result.message + "\n", "$text-error"))
        if result.total:
            shown = (
                f" (first {len(result.articles)} listed)"
                if len(result.articles) < result.total_articles
                else ""
            )
            parts.append(
                plain(
                    f"{plural(result.total, 'passage')} in "
                    f"{plural(result.total_articles, 'article')}{shown}"
                )
            )
        elif result.reading.strip() or not result.message:
            hint = (
                f" — did you mean: {', '.join(result.suggestions)}?" if result.suggestions else ""
            )
            parts.append(plain(f"No passages match{hint}"))
        self.set_message(join(*parts) if parts else "")

    @staticmethod
    def _snippet(p, width: int) -> Content:
        """Up to three lines around the first hit, wrapped under the passage number."""
        indent = 8
        text, spans, cut_l, cut_r = snippet(p.text.replace("\n", " "), p.spans, width=240)
        if cut_l:
            text, spans = "…" + text, [(s + 1, e + 1) for s, e in spans]
        if cut_r:
            text += "…"
        lines = wrap(text, width - indent)[:3]
        parts: list[Content] = []
        for i, (start, end) in enumerate(lines):
            inside = [
                (max(s, start) - start, min(e, end) - start)
                for s, e in spans
                if s < end and e > start
            ]
            lead = plain(f"  {p.n:>4}  ", "dim") if i == 0 else plain(" " * indent)
            piece = text[start:end].rstrip()
            if i == len(lines) - 1 and end < len(text):
                piece = piece[: max(0, width - indent - 1)] + "…"
            parts += [lead, highlighted(piece, inside, "bold $text-warning reverse")]
            if i < len(lines) - 1:
                parts.append(plain("\n"))
        return join(*parts)

    def clear_results(self) -> None:
        self.query_one("#results", OptionList).clear_options()
        self.set_message("")

    @on(OptionList.OptionSelected, "#results")
    def _open_result(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        kind, _, ref = oid.partition(":")
        if kind == "p":
            aid, _, n = ref.rpartition("#")
            self.app.open_article(aid, int(n))
        elif kind == "a":
            self.app.open_article(ref, None)
