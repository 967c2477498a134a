"""The evidence file: every tag grouped by topic, filters, and an article × topic count.
The rows are resolved against the articles in a worker (it reads article files)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Select, Static

from ..actions import bindings
from ..render import cap, join, plain, plural, safe
from ..worker_errors import ReportsWorkerErrors


def cell(text: str, style: str = "", limit: int = 300) -> Text:
    """A table cell that is never read as markup, on one line."""
    return Text(safe(cap(text, limit)), style=style)


@dataclass(frozen=True, slots=True)
class Row:
    entry_id: str
    topic_id: str
    article: str
    title: str
    outlet: str
    date: str
    passage_n: int | None
    status: str
    quote: str
    note: str


class RowsReady(Message):
    def __init__(self, rows: list[Row], seq: int) -> None:
        super().__init__()
        self.rows, self.seq = rows, seq


class TagsScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("tags")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self._seq = 0
        self._outlets_set = False

    def compose(self) -> ComposeResult:
        yield Static(plain("Tags — the evidence file"), classes="title")
        yield Static(plain("reading the tag file…"), id="tags-summary", classes="meta")
        with Horizontal(id="tag-filters"):
            yield Select([], prompt="All topics", id="topic-filter", allow_blank=True)
            yield Select([], prompt="All outlets", id="outlet-filter", allow_blank=True)
        yield DataTable(id="tag-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="tag-detail", classes="status")
        yield DataTable(id="tag-matrix", cursor_type="none")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#tag-table", DataTable)
        for label, width in (
            ("Topic", 12),
            ("Anchor", 8),
            ("Article", 28),
            ("Outlet", 14),
            ("Date", 10),
            ("Quote", 40),
            ("Note", 30),
        ):
            table.add_column(label, width=width)
        self.query_one("#topic-filter", Select).set_options(
            [(t.label, t.id) for t in self.app.settings.topics]
        )
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._seq += 1
        self._resolve(self._seq)

    @work(thread=True, exclusive=True, group="reading tags", exit_on_error=False)
    def _resolve(self, seq: int) -> None:
        store, infos = self.app.tags, self.app.library.infos
        if not store.read_only:
            store.reload()
        rows = []
        for anchored in store.resolve_all():
            entry = anchored.entry
            info = infos.get(entry.article)
            for tid in entry.topics:
                rows.append(
                    Row(
                        entry.id,
                        tid,
                        entry.article,
                        info.title if info else entry.article,
                        (info.source if info else None) or "unknown outlet",
                        (info.date if info else None) or "undated",
                        anchored.passage_n,
                        anchored.status,
                        entry.exact,
                        entry.note,
                    )
                )
        self.post_message(RowsReady(rows, seq))

    @on(RowsReady)
    def _rows_ready(self, msg: RowsReady) -> None:
        if msg.seq == self._seq:
            self.rows = msg.rows
            self.fill()

    def _shown(self) -> list[Row]:
        topic = self.query_one("#topic-filter", Select).value
        outlet = self.query_one("#outlet-filter", Select).value
        order = {t.id: i for i, t in enumerate(self.app.settings.topics)}
        rows = [
            r
            for r in self.rows
            if (not isinstance(topic, str) or r.topic_id == topic)
            and (not isinstance(outlet, str) or r.outlet == outlet)
        ]
        rows.sort(key=lambda r: (order.get(r.topic_id, len(order)), r.date, r.article))
        return rows

    def fill(self) -> None:
        table = self.query_one("#tag-table", DataTable)
        table.clear()
        settings = self.app.settings
        shown = self._shown()
        for r in shown:
            topic = settings.topic(r.topic_id)
            where = f" #{r.passage_n}" if r.passage_n else ""
            table.add_row(
                cell(topic.label if topic else r.topic_id, f"bold {topic.colour}" if topic else ""),
                cell(r.status, "red bold" if r.status == "orphaned" else "dim"),
                cell(f"{r.title}{where}"),
                cell(r.outlet),
                cell(r.date),
                cell(r.quote),
                cell(r.note),
                key=f"{r.entry_id}|{r.topic_id}",
            )
        if not self._outlets_set:
            self._outlets_set = True
            outlets = sorted({r.outlet for r in self.rows})
            self.query_one("#outlet-filter", Select).set_options([(o, o) for o in outlets])
        entries = len({r.entry_id for r in shown})
        orphans = len({r.entry_id for r in shown if r.status == "orphaned"})
        summary = (
            f"{plural(entries, 'tag')} (passages and spans) · "
            f"{plural(len(shown), 'row')}, one per topic"
        )
        if orphans:
            summary += f" · {orphans} orphaned (their text changed; kept in the file)"
        if self.app.tags.read_only:
            summary = f"tagging is off: {self.app.tags.error.message}"
        self.query_one("#tags-summary", Static).update(plain(summary))
        self._matrix(shown)
        self._detail()

    def _matrix(self, rows: list[Row]) -> None:
        """Articles down, topics across: the topic labels are short, so headers read."""
        matrix = self.query_one("#tag-matrix", DataTable)
        matrix.clear(columns=True)
        topics = self.app.settings.topics
        counts = Counter((r.article, r.topic_id) for r in rows)
        articles: dict[str, Row] = {}
        for r in sorted(rows, key=lambda r: (r.date, r.title)):
            articles.setdefault(r.article, r)
        matrix.add_column("Article · outlet", width=40)
        for t in topics:
            matrix.add_column(cell(t.label, f"bold {t.colour}"), width=max(5, len(t.label)))
        matrix.add_column("Total")
        for aid, r in articles.items():
            row = [counts.get((aid, t.id), 0) for t in topics]
            matrix.add_row(
                cell(f"{cap(r.title, 24)} · {cap(r.outlet, 13)}"),
                *[cell(str(c) if c else "·") for c in row],
                cell(str(sum(row))),
            )

    def _detail(self) -> None:
        """The highlighted row's whole quote and note (the table cuts them)."""
        table = self.query_one("#tag-table", DataTable)
        shown = self._shown()
        detail = self.query_one("#tag-detail", Static)
        if not shown or table.cursor_row >= len(shown):
            detail.update("")
            return
        r = shown[table.cursor_row]
        note = plain(f"note: {cap(r.note, 400)}\n", "bold") if r.note else plain("")
        detail.update(join(note, plain(f"quote: {cap(r.quote, 400)}")))

    @on(DataTable.RowHighlighted, "#tag-table")
    def _highlighted(self) -> None:
        self._detail()

    @on(Select.Changed)
    def _filter(self) -> None:
        self.fill()

    @on(DataTable.RowSelected, "#tag-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        entry_id, _, topic = str(event.row_key.value).partition("|")
        row = next((r for r in self.rows if (r.entry_id, r.topic_id) == (entry_id, topic)), None)
        if row is None:
            return
        if row.passage_n is None:
            self.app.notify(
                f"Orphaned: “{cap(row.quote, 60)}” is no longer in {row.title}. "
                "The entry stays in the file.",
                severity="warning",
                title="Tags",
            )
            return
        self.app.open_article(row.article, row.passage_n)

    def action_focus_filters(self) -> None:
        self.query_one("#topic-filter").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
