"""Coverage: tagged passages by topic and outlet (with the articles that carry them),
passages tagged with two topics, and a chart of tagged passages over time, with filters
for outlet, dates, topic and period. The figures are index/stats.py's, the same as
`dossier stats`; the tags are resolved and counted in a worker."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.color import Color, ColorParseError
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Input, Select, Static
from textual_plotext import PlotextPlot

from index.model import outlet_label
from index.stats import UNDATED, Coverage, Filters, check_date, coverage
from index.text import label_width
from index.topics import tree

from ..actions import bindings
from ..render import cap, plain, plural
from ..worker_errors import ReportsWorkerErrors
from .tags import cell

BAR_PERIODS = 12  # up to this many periods the chart draws bars, beyond it lines


class CoverageReady(Message):
    def __init__(self, cov: Coverage, seq: int) -> None:
        super().__init__()
        self.cov, self.seq = cov, seq


def rgb(colour: str) -> tuple[int, int, int] | str:
    try:
        return Color.parse(colour).rgb
    except ColorParseError:
        return "gray"


class CoverageScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("coverage")

    def __init__(self) -> None:
        super().__init__()
        self.cov: Coverage | None = None
        self._anchored: list | None = None  # the resolved tags, read once per visit
        self._seq = 0

    def compose(self) -> ComposeResult:
        yield Static(plain("Coverage — tagged passages by topic and outlet"), classes="title")
        with Horizontal(id="coverage-filters"):
            yield Select([], prompt="All topics", id="coverage-topic", compact=True)
            yield Select([], prompt="All outlets", id="coverage-outlet", compact=True)
            yield Input(placeholder="from YYYY-MM-DD", id="coverage-from", compact=True)
            yield Input(placeholder="to YYYY-MM-DD", id="coverage-to", compact=True)
            yield Select(
                [("by month", "month"), ("by week", "week")],
                value="month",
                allow_blank=False,
                id="coverage-by",
                compact=True,
            )
        yield Static(plain("counting tags…"), id="coverage-summary", classes="meta")
        yield DataTable(id="coverage-matrix", cursor_type="none", zebra_stripes=True)
        yield DataTable(id="coverage-cooccurrence", cursor_type="none")
        yield Static(id="coverage-legend", classes="meta")  # beside the chart, never on its bars
        yield PlotextPlot(id="coverage-chart")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        settings = self.app.settings
        self.query_one("#coverage-topic", Select).set_options(
            [(t.label, t.id) for t in settings.topics]
        )
        outlets = sorted({outlet_label(i.source) for i in self.app.library.infos.values()})
        self.query_one("#coverage-outlet", Select).set_options([(o, o) for o in outlets])
        self.query_one("#coverage-matrix").focus()  # so the first escape leaves the screen
        self.reload()

    def on_screen_resume(self) -> None:
        self._anchored = None
        self.reload()

    def tags_opened(self) -> None:
        self._anchored = None
        self.reload()

    def filters(self) -> Filters:
        def chosen(selector: str) -> str | None:
            value = self.query_one(selector, Select).value
            return value if isinstance(value, str) else None

        def date(selector: str) -> str | None:
            return self.query_one(selector, Input).value.strip() or None

        return Filters(
            outlet=chosen("#coverage-outlet"),
            date_from=date("#coverage-from"),
            date_to=date("#coverage-to"),
            topic=chosen("#coverage-topic"),
            by=chosen("#coverage-by") or "month",
        )

    def reload(self) -> None:
        filters = self.filters()
        try:
            check_date(filters.date_from, "from")
            check_date(filters.date_to, "to")
        except ValueError as exc:
            self.app.notify(str(exc), title="Coverage", severity="warning")
            return
        self._seq += 1
        self._count(self._seq, filters)

    @work(thread=True, exclusive=True, group="counting coverage", exit_on_error=False)
    def _count(self, seq: int, filters: Filters) -> None:
        app = self.app
        if self._anchored is None:
            store = app.tags
            if not store.read_only:
                store.reload()
            self._anchored = store.resolve_all()
        codebook = [t.id for t, _ in tree(app.settings.topics)]
        cov = coverage(self._anchored, app.library.infos, codebook, filters)
        self.post_message(CoverageReady(cov, seq))

    @on(CoverageReady)
    def _ready(self, msg: CoverageReady) -> None:
        if msg.seq == self._seq:
            self.cov = msg.cov
            self.fill()

    @on(Select.Changed)
    @on(Input.Submitted)
    def _filter(self) -> None:
        self.reload()

    def _label(self, topic_id: str) -> str:
        topic = self.app.settings.topic(topic_id)
        return topic.label if topic else topic_id

    def _colour(self, topic_id: str) -> str:
        topic = self.app.settings.topic(topic_id)
        return topic.colour if topic else "grey50"

    def fill(self) -> None:
        cov = self.cov
        if cov is None:
            return
        articles = sum(cov.outlets.values())
        summary = (
            f"{plural(articles, 'article')} in {plural(len(cov.outlets), 'outlet')} · "
            "cells: tagged passages (articles)"
        )
        if cov.orphaned:
            summary += f" · {plural(cov.orphaned, 'orphaned tag')} left out"
        if self.app.tags.is_loading:
            summary = "loading tags…"
        self.query_one("#coverage-summary", Static).update(plain(summary))
        self._matrix(cov)
        self._cooccurrence(cov)
        self._chart(cov)

    def _matrix(self, cov: Coverage) -> None:
        table = self.query_one("#coverage-matrix", DataTable)
        table.clear(columns=True)
        w = label_width(self._label(t) for t in cov.topics)
        table.add_column("Topic", width=w)
        for outlet in cov.outlets:
            table.add_column(cell(cap(outlet, 16)))
        table.add_column("Total")
        for t in cov.topics:
            cells = [
                cell(f"{cov.passages[t, o]} ({cov.articles[t, o]})" if cov.passages[t, o] else "·")
                for o in cov.outlets
            ]
            total = f"{cov.totals[t][0]} ({cov.totals[t][1]})"
            label = cell(cap(self._label(t), w), f"bold {self._colour(t)}")
            table.add_row(label, *cells, cell(total), key=t)

    def _cooccurrence(self, cov: Coverage) -> None:
        table = self.query_one("#coverage-cooccurrence", DataTable)
        table.clear(columns=True)
        w = label_width((self._label(t) for t in cov.topics), least=len("Both tagged"))
        table.add_column("Both tagged", width=w)
        for u in cov.all_topics:
            table.add_column(cell(cap(self._label(u), w), f"bold {self._colour(u)}"))
        for t in cov.topics:
            row = [cell(str(cov.cooccurrence.get((t, u), 0))) for u in cov.all_topics]
            label = cell(cap(self._label(t), w), f"bold {self._colour(t)}")
            table.add_row(label, *row, key=t)

    def _chart(self, cov: Coverage) -> None:
        plot = self.query_one("#coverage-chart", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        periods = [p for p in cov.periods if p != UNDATED]
        plt.title(f"Tagged passages by {cov.by}")
        if periods and cov.topics:
            series = [cov.series(t)[: len(periods)] for t in cov.topics]
            most = max((max(s, default=0) for s in series), default=0)
            step = max(1, -(-most // 4))
            plt.yticks(list(range(0, most + step, step)))
            colours = [rgb(self._colour(t)) for t in cov.topics]
            if len(periods) <= BAR_PERIODS:
                plt.multiple_bar(periods, series, color=colours)
            else:
                xs = list(range(len(periods)))
                for ys, colour in zip(series, colours, strict=True):
                    plt.plot(xs, ys, color=colour, marker="braille")
                step = max(1, len(periods) // 8)
                plt.xticks(xs[::step], periods[::step])
        undated = {t: cov.over_time.get((t, UNDATED), (0, 0))[0] for t in cov.topics}
        self._legend(cov.topics if periods else [], {t: n for t, n in undated.items() if n})
        plot.refresh()

    def _legend(self, topics: list[str], undated: dict[str, int]) -> None:
        """The chart's key on a line of its own (plotext draws its legend over the bars),
        and what the chart cannot show: tagged passages of undated articles."""
        legend = Text()
        for t in topics:
            legend.append("██ ", style=self._colour(t))
            legend.append(self._label(t) + "   ")
        if undated:
            counts = ", ".join(f"{self._label(t)} {n}" for t, n in undated.items())
            legend.append(f"not on the chart, in undated articles: {counts}", style="italic")
        self.query_one("#coverage-legend", Static).update(legend)

    def action_focus_filters(self) -> None:
        self.query_one("#coverage-topic").focus()

    def action_cycle_period(self) -> None:
        by = self.query_one("#coverage-by", Select)
        by.value = "week" if by.value == "month" else "month"

    def action_back(self) -> None:
        """Out of a filter box first (escape there would otherwise leave the screen)."""
        if isinstance(self.focused, Input | Select):
            self.query_one("#coverage-matrix").focus()
        else:
            self.app.pop_screen()
