"""The evidence file: every tag grouped by topic, filters, and an article × topic count.
The rows are resolved against the articles in a worker (it reads article files)."""

from __future__ import annotations

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Select, Static

from index.tags.evidence import rows
from index.views_tags import tag_matrix, tags_summary, title

from ..actions import bindings
from ..render import cap, join, plain, plural, safe
from ..worker_errors import ReportsWorkerErrors


def cell(text: str, style: str = "", limit: int = 300) -> Text:
    """A table cell that is never read as markup, on one line."""
    return Text(safe(cap(text, limit)), style=style)


Row = dict  # one evidence row (index.tags.evidence.rows): a tag with one of its topics


class TagTable(DataTable):
    """The tags, one a row; reading keys move through them as in the other lists."""

    BINDINGS = bindings("tag rows")


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
        yield TagTable(id="tag-table", cursor_type="row", zebra_stripes=True)
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

    def tags_opened(self) -> None:
        self.reload()

    def reload(self) -> None:
        self._seq += 1
        self._resolve(self._seq)

    @work(thread=True, exclusive=True, group="reading tags", exit_on_error=False)
    def _resolve(self, seq: int) -> None:
        store = self.app.tags
        if not store.read_only:
            store.reload()
        self.post_message(RowsReady(rows(store, self.app.library.infos, self.app.settings), seq))

    @on(RowsReady)
    def _rows_ready(self, msg: RowsReady) -> None:
        if msg.seq == self._seq:
            self.rows = msg.rows
            self.fill()

    def _shown(self) -> list[Row]:
        topic = self.query_one("#topic-filter", Select).value
        outlet = self.query_one("#outlet-filter", Select).value
        return [
            r
            for r in self.rows
            if (not isinstance(topic, str) or r["topic"] == topic)
            and (not isinstance(outlet, str) or r["outlet_name"] == outlet)
        ]

    def fill(self) -> None:
        table = self.query_one("#tag-table", DataTable)
        table.clear()
        settings = self.app.settings
        shown = self._shown()
        for r in shown:
            topic = settings.topic(r["topic"])
            where = f" #{r['passage']}" if r["passage"] else ""
            table.add_row(
                cell(r["topic_label"], f"bold {topic.colour}" if topic else ""),
                cell(r["status"], "red bold" if r["status"] == "orphaned" else "dim"),
                cell(f"{title(r)}{where}"),
                cell(r["outlet_name"]),
                cell(r["date"] or "undated"),
                cell(r["quote"]),
                cell(r["note"]),
                key=f"{r['id']}|{r['topic']}",
            )
        if not self._outlets_set:
            self._outlets_set = True
            outlets = sorted({r["outlet_name"] for r in self.rows})
            self.query_one("#outlet-filter", Select).set_options([(o, o) for o in outlets])
        view = tags_summary(shown, settings)
        per_topic = ", ".join(
            f"{settings.topic(t).label if settings.topic(t) else t} {n}" for t, n in view.per_topic
        )
        summary = f"{plural(view.entries, 'tag')} (passages and spans)"
        if per_topic:
            summary += f" · by topic: {per_topic}"
        if view.orphans:
            summary += f" · {view.orphans} orphaned (their text changed; kept in the file)"
        if self.app.tags.is_loading:
            summary = "loading tags…"
        elif self.app.tags.read_only:
            summary = f"tagging is off: {self.app.tags.error.message}"
        self.query_one("#tags-summary", Static).update(plain(summary))
        self._matrix(shown)
        self._detail()

    def _matrix(self, rows: list[Row]) -> None:
        """Articles down, topics across: the topic labels are short, so headers read."""
        table = self.query_one("#tag-matrix", DataTable)
        table.clear(columns=True)
        topics = self.app.settings.topics
        matrix = tag_matrix(rows, tuple(t.id for t in topics))
        table.add_column("Article · outlet", width=40)
        for t in topics:
            table.add_column(cell(t.label, f"bold {t.colour}"), width=max(5, len(t.label)))
        table.add_column("Total")
        for r in matrix.rows:
            table.add_row(
                cell(f"{cap(r.title, 24)} · {cap(r.outlet, 13)}"),
                *[cell(str(c) if c else "·") for c in r.counts],
                cell(str(r.total)),
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
        note = plain(f"note: {cap(r['note'], 400)}\n", "bold") if r["note"] else plain("")
        detail.update(join(note, plain(f"quote: {cap(r['quote'], 400)}")))

    @on(DataTable.RowHighlighted, "#tag-table")
    def _highlighted(self) -> None:
        self._detail()

    @on(Select.Changed)
    def _filter(self) -> None:
        self.fill()

    @on(DataTable.RowSelected, "#tag-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        entry_id, _, topic = str(event.row_key.value).partition("|")
        row = next((r for r in self.rows if (r["id"], r["topic"]) == (entry_id, topic)), None)
        if row is None:
            return
        if row["passage"] is None:
            self.app.notify(
                f"Orphaned: “{cap(row['quote'], 60)}” is no longer in {title(row)}. "
                "The entry stays in the file.",
                severity="warning",
                title="Tags",
            )
            return
        self.app.open_article(row["article"], row["passage"])

    def action_focus_filters(self) -> None:
        self.query_one("#topic-filter").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
