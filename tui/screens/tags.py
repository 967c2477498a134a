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

from index.model import date_label
from index.tags.evidence import memo_about, memos_for, rows
from index.tags.model import Memo
from index.text import label_width
from index.topics import indented, path_label, tree
from index.views_tags import tag_matrix, tags_summary, title

from ..actions import bindings
from ..render import cap, join, plain, plural, rich_colour, safe
from ..worker_errors import ReportsWorkerErrors


def cell(text: str, style: str = "", limit: int = 300) -> Text:
    """A table cell that is never read as markup, on one line."""
    return Text(safe(cap(text, limit)), style=style)


Row = dict  # one evidence row (index.tags.evidence.rows): a tag with one of its topics


def tag_columns(screen_width: int, topic_labels: list[str]) -> list[tuple[str, int]]:
    """(label, width) of the Tags table's columns for a screen this wide: topic, anchor
    status (an orphaned tag must show) and passage always in view, then the article's
    title taking what is left; outlet and date in view too where there is room for a
    readable title beside them (the quote and note follow; the quote is also shown
    under the table)."""
    topic_w = label_width(topic_labels, least=len("Topic"))
    first = topic_w + 8 + 7 + 2 * 4 + 2  # Topic, Anchor, Passage, the title's padding, scrollbar
    after = 14 + 10 + 2 * 2  # Outlet, Date
    room = screen_width - first - after
    article_w = min(60, room) if room >= 28 else max(20, screen_width - first)
    return [
        ("Topic", topic_w),
        ("Anchor", 8),
        ("Passage", 7),
        ("Article", article_w),
        ("Outlet", 14),
        ("Date", 10),
        ("Quote", 40),
        ("Note", 30),
    ]


class TagTable(DataTable):
    """The tags, one a row; reading keys move through them as in the other lists."""

    BINDINGS = bindings("tag rows")


class RowsReady(Message):
    def __init__(self, rows: list[Row], seq: int, memos: list[Memo] | None = None) -> None:
        super().__init__()
        self.rows, self.seq, self.memos = rows, seq, memos or []


class TagsScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("tags")

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Row] = []
        self.memos: list[Memo] = []
        self._seq = 0
        self._outlets_set = False
        self._widths: list[tuple[str, int]] = []

    def compose(self) -> ComposeResult:
        yield Static(plain("Tags — the evidence file"), classes="title")
        yield Static(plain("reading the tag file…"), id="tags-summary", classes="meta")
        with Horizontal(id="tag-filters"):
            yield Select([], prompt="All topics", id="topic-filter", allow_blank=True)
            yield Select([], prompt="All outlets", id="outlet-filter", allow_blank=True)
        yield TagTable(id="tag-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="tag-detail", classes="status")
        yield DataTable(id="memo-table", cursor_type="row")
        yield DataTable(id="tag-matrix", cursor_type="none")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._set_columns()
        memos = self.query_one("#memo-table", DataTable)
        for label, width in (("Memo on", 30), ("Coder", 10), ("Memo", 70)):
            memos.add_column(label, width=width)
        self.set_topic_options()
        self.query_one("#tag-table", DataTable).focus()
        self.reload()

    def set_topic_options(self) -> None:
        """The topic filter lists the codebook as a tree (sub-topics indented)."""
        self.query_one("#topic-filter", Select).set_options(
            [(indented(t, depth), t.id) for t, depth in tree(self.app.settings.topics)]
        )

    def _set_columns(self) -> None:
        """The table's columns, sized to the screen: the article's title takes what the
        short columns leave (the quote and the note come after, seen by scrolling)."""
        table = self.query_one("#tag-table", DataTable)
        topics = self.app.settings.topics
        widths = tag_columns(self.app.size.width, [path_label(topics, t.id) for t in topics])
        if widths == self._widths:
            return
        self._widths = widths
        table.clear(columns=True)
        for label, width in widths:
            table.add_column(label, width=width)
        if self.rows:
            self.fill()

    def on_resize(self) -> None:
        self._set_columns()

    def codebook_changed(self) -> None:
        self.set_topic_options()
        self._set_columns()
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
        found = rows(store, self.app.library.infos, self.app.settings)
        self.post_message(RowsReady(found, seq, store.memos()))

    @on(RowsReady)
    def _rows_ready(self, msg: RowsReady) -> None:
        if msg.seq == self._seq:
            self.rows, self.memos = msg.rows, msg.memos
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
            table.add_row(
                cell(r["topic_label"], f"bold {rich_colour(topic.colour)}" if topic else ""),
                cell(r["status"], "red bold" if r["status"] == "orphaned" else "dim"),
                cell(f"#{r['passage']}" if r["passage"] else "—"),
                cell(title(r)),
                cell(r["outlet_name"]),
                cell(date_label(r["date"])),
                cell(r["quote"]),
                cell(r["note"]),
                key=f"{r['id']}|{r['topic']}",
            )
        if not self._outlets_set:
            self._outlets_set = True
            outlets = sorted({r["outlet_name"] for r in self.rows})
            self.query_one("#outlet-filter", Select).set_options([(o, o) for o in outlets])
        view = tags_summary(shown, settings)
        per_topic = ", ".join(f"{path_label(settings.topics, t)} {n}" for t, n in view.per_topic)
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
        self._memo_rows(shown)
        self._detail()

    def _memo_rows(self, shown: list[Row]) -> None:
        """The memos: all, or with a topic chosen those on it and on the articles shown."""
        table = self.query_one("#memo-table", DataTable)
        table.clear()
        topic = self.query_one("#topic-filter", Select).value
        memos = memos_for(self.memos, shown, topic if isinstance(topic, str) else None)
        for m in memos:
            table.add_row(
                cell(memo_about(m, self.app.library.infos, self.app.settings)),
                cell(m.coder, "dim"),
                cell(" ⏎ ".join(ln for ln in m.text.split("\n") if ln.strip())),
                key=m.id,
            )
        table.display = bool(memos)

    def _matrix(self, rows: list[Row]) -> None:
        """Articles down, topics across: the topic labels are short, so headers read."""
        table = self.query_one("#tag-matrix", DataTable)
        table.clear(columns=True)
        codebook = self.app.settings.topics
        topics = [t for t, _ in tree(codebook)]
        matrix = tag_matrix(rows, tuple(t.id for t in topics))
        table.add_column("Article · outlet", width=40)
        for t in topics:
            head = path_label(codebook, t.id)  # "Corridor › Lachin": where a sub-topic sits
            table.add_column(cell(head, f"bold {rich_colour(t.colour)}"), width=max(5, len(head)))
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

    @on(DataTable.RowSelected, "#memo-table")
    def _open_memo(self, event: DataTable.RowSelected) -> None:
        memo = next((m for m in self.memos if m.id == event.row_key.value), None)
        if memo is not None and memo.article:
            self.app.open_article(memo.article, None)

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
