"""The first screen: the articles list (sortable, filterable), the search box and the
results grouped by article. The app tells it what happened through messages."""

from __future__ import annotations

import difflib
from collections import Counter

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Footer, Input, OptionList, ProgressBar, Static
from textual.widgets.option_list import Option, OptionDoesNotExist

from index.highlight import snippet
from index.query import plain_words
from index.search import SearchResult

from ..actions import bindings
from ..messages import ArticlesChanged, IndexStatus, ResultReady, SearchCleared
from ..render import cap, highlighted, join, meta_line, plain, plural
from ..widgets.articles import ArticlesPane
from ..widgets.virtual_list import VirtualList
from ..worker_errors import ReportsWorkerErrors
from ..wrap import wrap


class ResultsList(OptionList):
    """Search results; reading keys move through them as in the other lists."""

    BINDINGS = bindings("results")


def placeholder(settings) -> str:
    """Query syntax by example, from this corpus's codebook (not the bundled one's)."""
    tag = f"   tag:{settings.topics[0].id}" if settings.topics else ""
    return f'Search passages:  word   "a phrase"   negot*   outlet:name{tag}   (/ here, ? help)'


class SearchScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("search")

    def compose(self) -> ComposeResult:
        with Horizontal(id="topbar"):
            yield Static("dossier", id="brand")
            yield Static("", id="index-status")
            yield ProgressBar(id="index-progress", show_eta=False)
        yield Input(placeholder=placeholder(self.app.settings), id="query", select_on_focus=False)
        yield Static("", id="message")
        with ContentSwitcher(initial="articles-pane", id="panes"):
            yield ArticlesPane(id="articles-pane")
            yield ResultsList(id="results")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#index-progress").display = False
        self._load_articles()
        self.pane.listing.focus()

    @property
    def pane(self) -> ArticlesPane:
        return self.query_one("#articles-pane", ArticlesPane)

    @property
    def panes(self) -> ContentSwitcher:
        return self.query_one("#panes", ContentSwitcher)

    @property
    def box(self) -> Input:
        return self.query_one("#query", Input)

    # -- articles list --------------------------------------------------------

    def _load_articles(self) -> None:
        tags = self.app.tags
        counts = Counter() if tags.read_only else Counter(tags.counts())
        self.pane.load(self.app.library.infos, counts)

    @on(ArticlesChanged)
    def _articles_changed(self) -> None:
        self._load_articles()

    def on_screen_resume(self) -> None:
        self._load_articles()  # tags may have changed in the reader

    def tags_opened(self) -> None:
        self._load_articles()  # the tag counts, once the tag file is read

    @on(ArticlesPane.Changed)
    def _pane_changed(self, event: ArticlesPane.Changed) -> None:
        if self.panes.current == "articles-pane":
            self.set_message(event.summary)

    def show_articles(self) -> None:
        """`a`: the articles list; from the list, back to the results if there are any."""
        on_list = self.panes.current == "articles-pane" and self.pane.listing.has_focus
        if on_list and self.query_one("#results", OptionList).option_count:
            self._show_results_pane()
            self.query_one("#results", OptionList).focus()
            return
        self.panes.current = "articles-pane"
        self.pane.listing.focus()
        self.pane.refilter()

    def action_cycle_sort(self) -> None:
        if self.panes.current != "articles-pane":
            self.show_articles()
        self.pane.cycle_sort()

    def action_filter_articles(self) -> None:
        self.panes.current = "articles-pane"
        self.pane.open_filter()

    @on(VirtualList.Selected, "#articles")
    def _open_from_list(self, event: VirtualList.Selected) -> None:
        self.app.open_article(event.key, None)

    # -- search box ------------------------------------------------------------

    def action_leave_box(self) -> None:
        """Escape leaves the box it is in, empty or not."""
        focused = self.focused
        if focused is not None and focused.id == "filter":
            self.pane.leave_filter()
        elif self.panes.current == "results":
            self.query_one("#results", OptionList).focus()
        else:
            self.pane.listing.focus()

    def focus_search(self) -> None:
        # At once, not after the keys already read (Widget.focus waits its turn): `/` is
        # a priority binding, run as the key is read, so the keys typed after it in the
        # same burst are sent to the box, not to the list.
        self.set_focus(self.box)

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        self.app.request_search(event.value)

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        """Enter opens the highlighted result when the results are this query's."""
        if not event.value.strip():
            self.action_leave_box()
            return
        results = self.query_one("#results", OptionList)
        last = self.app.last_result
        if last is not None and last.query == event.value and results.highlighted is not None:
            results.action_select()
            return
        self.app.request_search(event.value, now=True)
        self._show_results_pane()
        results.focus()

    def action_accept_suggestion(self) -> None:
        """Search the suggested spelling in place of the word it corrects."""
        last = self.app.last_result
        if last is None or not last.suggestions or last.query != self.box.value:
            self.app.notify("No suggestion for this query.", timeout=2)
            return
        self.box.value = with_suggestion(last.query, last.suggestions[0])
        self.box.cursor_position = len(self.box.value)

    def set_message(self, text: str | Content) -> None:
        self.query_one("#message", Static).update(
            text if isinstance(text, Content) else plain(text)
        )

    # -- what the app tells ------------------------------------------------------

    @on(IndexStatus)
    def _index_status(self, msg: IndexStatus) -> None:
        self.query_one("#index-status", Static).update(plain(msg.text))
        bar = self.query_one("#index-progress", ProgressBar)
        bar.display = msg.progress is not None
        if msg.progress:
            done, total, _ = msg.progress
            bar.update(total=total or 1, progress=done)

    @on(SearchCleared)
    def _cleared(self, msg: SearchCleared) -> None:
        self.query_one("#results", OptionList).clear_options()
        self.panes.current = "articles-pane"
        if msg.note:
            self.set_message(msg.note)
        else:
            self.pane.refilter()

    @on(ResultReady)
    def _result_ready(self, msg: ResultReady) -> None:
        if msg.result is None:
            self.set_message(msg.error or "")
        else:
            self.show_result(msg.result, counting=msg.counting, keep_place=msg.recount)

    def _show_results_pane(self) -> None:
        was_focused = self.pane.listing.has_focus
        self.panes.current = "results"
        if was_focused:
            self.query_one("#results", OptionList).focus()

    def show_result(
        self, result: SearchResult, counting: bool = False, keep_place: bool = False
    ) -> None:
        """Replace the results with `result` (the newest query's). `counting`: its full
        count is running. `keep_place`: `result` is the full count of the results shown;
        a cursor the user moved stays on its result (or row, if that result is gone)."""
        self._show_results_pane()
        results = self.query_one("#results", OptionList)
        moved_to = self._moved_cursor(results) if keep_place else None
        width = max(40, (results.size.width or self.size.width or 120) - 2)
        options: list[Option | None] = []
        for a in result.articles:
            head = join(
                plain(cap(a.title, 200), "bold"),
                plain(f"   {meta_line(a.source, a.date)}", "dim"),
                plain(f"   {plural(a.hits, 'hit')}", "$accent"),
            )
            options.append(Option(head, id=f"a:{a.id}"))
            for p in a.passages[:5]:
                options.append(Option(self._snippet(p, width), id=f"p:{p.pid}"))
        if result.headline_only:
            options.append(Option(plain("In the headline only", "italic dim"), disabled=True))
            for a in result.headline_only:
                head = join(
                    plain(cap(a.title, 200), "bold"),
                    plain(f"   {meta_line(a.source, a.date)}", "dim"),
                )
                options.append(Option(head, id=f"a:{a.id}"))
        results.set_options(options)
        if options:
            results.highlighted = _first_row(options)
        if moved_to is not None:
            oid, row = moved_to
            try:
                results.highlighted = results.get_option_index(oid)
            except OptionDoesNotExist:  # that result is not listed now
                results.highlighted = min(row, len(options) - 1) if options else None
        self.set_message(self.summary(result, counting))

    @staticmethod
    def _moved_cursor(results: OptionList) -> tuple[str, int] | None:
        """(option id, row) of the highlighted result if the user moved it from where
        the results put it; None if it is still there."""
        row = results.highlighted
        if row is None or row == _first_row(results.options):
            return None
        return results.get_option_at_index(row).id or "", row

    def summary(self, result: SearchResult, counting: bool = False) -> Content:
        parts = []
        if result.message:
            parts.append(plain(result.message + "\n", "$text-error"))
        headlines = len(result.headline_only)
        if headlines and not result.total:
            parts.append(
                plain(f"No passages match; {plural(headlines, 'article')} by {_its(headlines)}")
            )
        elif result.total:
            listed = len(result.articles)
            shown = (
                f" — first {listed} of {result.total_articles:,} articles listed"
                if listed < result.total_articles
                else ""
            )
            some = "" if result.complete else "at least "
            parts.append(
                plain(
                    f"{some}{plural(result.total, 'passage')} in {some}"
                    f"{plural(result.total_articles, 'article')}{shown}"
                )
            )
            if not result.complete:
                then = "counting all…" if counting else "add a word to narrow"
                parts.append(
                    plain(
                        f" — very common words: ranked and counted among the first "
                        f"{result.cap:,} passages they are in; {then}",
                        "$text-warning",
                    )
                )
        elif result.reading.strip() or not result.message:
            hint = ""
            if result.suggestions:
                hint = (
                    f" — did you mean: {', '.join(result.suggestions)}? "
                    f"({self.app.key_display('search.accept')} searches "
                    f"“{result.suggestions[0]}”)"
                )
            parts.append(plain(f"No passages match{hint}"))
        if headlines and result.total:
            parts.append(plain(f" · {plural(headlines, 'more article')} by {_its(headlines)}"))
        if result.partial:  # a first build is still running
            indexed, expected = result.partial
            parts.append(
                plain(f" — in {indexed:,} of ~{expected:,} articles indexed so far", "$warning")
            )
        return join(*parts) if parts else Content("")

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

    @on(OptionList.OptionSelected, "#results")
    def _open_result(self, event: OptionList.OptionSelected) -> None:
        oid = event.option.id or ""
        kind, _, ref = oid.partition(":")
        if kind == "p":
            aid, _, n = ref.rpartition("#")
            self.app.open_article(aid, int(n))
        elif kind == "a":
            self.app.open_article(ref, None)


def _first_row(options) -> int:
    """Where new results put the cursor: the first passage, under its article."""
    return 1 if len(options) > 1 else 0


def _its(n: int) -> str:
    return "its headline" if n == 1 else "their headlines"


def with_suggestion(query: str, suggestion: str) -> str:
    """`query` with the word nearest to `suggestion` replaced by it."""
    words = list(plain_words(query))
    if not words:
        return suggestion
    nearest = max(words, key=lambda w: difflib.SequenceMatcher(None, w.lower(), suggestion).ratio())
    start = query.find(nearest)
    return query[:start] + suggestion + query[start + len(nearest) :]
