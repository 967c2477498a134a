"""The evidence file: every tag grouped by topic, filters, and a topic × article count."""

from __future__ import annotations

from collections import Counter

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Select, Static

from index.text import safe_for_terminal

from ..render import plain

ALL = "__all__"


def cell(text: str, style: str = "") -> Text:
    """A table cell that is never read as markup."""
    return Text(safe_for_terminal(text).replace("\n", " "), style=style)


class TagsScreen(Screen):
    BINDINGS = [
        Binding("escape", "back", "Back", id="tags.back"),
        Binding("f", "focus_filters", "Filter", id="tags.filter"),
    ]

    _outlets_set = False

    def compose(self) -> ComposeResult:
        yield Static(plain("Tags — the evidence file"), classes="title")
        yield Static("", id="tags-summary", classes="meta")
        with Horizontal(id="tag-filters"):
            yield Select([], prompt="All topics", id="topic-filter", allow_blank=True)
            yield Select([], prompt="All outlets", id="outlet-filter", allow_blank=True)
        yield DataTable(id="tag-table", cursor_type="row", zebra_stripes=True)
        yield Static(plain("Topic × article"), classes="meta")
        yield DataTable(id="tag-matrix", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one("#tag-table", DataTable)
        for label, width in (
            ("Topic", 12),
            ("Quote", 40),
            ("Passage", 24),
            ("Outlet", 14),
            ("Date", 10),
            ("Note", 20),
            ("Anchor", 8),
        ):
            table.add_column(label, width=width)
        settings = self.app.settings
        self.query_one("#topic-filter", Select).set_options(
            [(t.label, t.id) for t in settings.topics]
        )
        self.fill()
        table.focus()

    def on_screen_resume(self) -> None:
        if not self.app.tags.read_only:
            self.app.tags.reload()
        self.fill()

    def _rows(self):
        store, infos, settings = self.app.tags, self.app.library.infos, self.app.settings
        topic_filter = self.query_one("#topic-filter", Select).value
        outlet_filter = self.query_one("#outlet-filter", Select).value
        order = {t.id: i for i, t in enumerate(settings.topics)}
        rows = []
        for anchored in store.resolve_all():
            entry = anchored.entry
            info = infos.get(entry.article)
            outlet = (info.source if info else None) or "unknown outlet"
            if isinstance(outlet_filter, str) and outlet_filter != outlet:
                continue
            for tid in entry.topics:
                if isinstance(topic_filter, str) and topic_filter != tid:
                    continue
                rows.append((order.get(tid, len(order)), tid, anchored, info, outlet))
        rows.sort(
            key=lambda r: (
                r[0],
                r[3].date if r[3] and r[3].date else "",
                r[2].entry.article,
                r[2].start or 0,
            )
        )
        return rows

    def fill(self) -> None:
        table = self.query_one("#tag-table", DataTable)
        table.clear()
        settings = self.app.settings
        outlets = set()
        counts: Counter = Counter()
        orphans = 0
        for _, tid, anchored, info, outlet in self._rows():
            entry = anchored.entry
            topic = settings.topic(tid)
            outlets.add(outlet)
            counts[(tid, entry.article)] += 1
            orphans += anchored.orphaned
            where = f"{entry.article}#{anchored.passage_n}" if anchored.passage_n else entry.article
            table.add_row(
                cell(topic.label if topic else tid, f"bold {topic.colour}" if topic else ""),
                cell(entry.exact[:200]),
                cell(where),
                cell(outlet),
                cell((info.date if info else None) or "undated"),
                cell(entry.note[:200]),
                cell(anchored.status, "red bold" if anchored.orphaned else "dim"),
                key=f"{entry.id}|{tid}",
            )
        if not self._outlets_set:
            self._outlets_set = True
            self.query_one("#outlet-filter", Select).set_options([(o, o) for o in sorted(outlets)])
        count = table.row_count
        summary = f"{count} tag{'s' if count != 1 else ''} (passages and spans, one row per topic)"
        if orphans:
            summary += f" · {orphans} orphaned (their text changed; kept in the file)"
        if self.app.tags.read_only:
            summary = f"tagging is off: {self.app.tags.error.message}"
        self.query_one("#tags-summary", Static).update(plain(summary))
        self._matrix(counts)

    def _matrix(self, counts: Counter) -> None:
        matrix = self.query_one("#tag-matrix", DataTable)
        matrix.clear(columns=True)
        articles = sorted({a for _, a in counts})
        matrix.add_column(
            "Topic",
            width=max(len(t.label) for t in self.app.settings.topics) + 1
            if self.app.settings.topics
            else 6,
        )
        infos = self.app.library.infos
        for aid in articles:
            info = infos.get(aid)
            label = f"{(info.source if info else None) or '?'} {(info.date if info else '') or ''}"
            matrix.add_column(cell(f"{label.strip()[:16]}\n{aid[:16]}"), width=16)
        matrix.add_column("Total")
        for topic in self.app.settings.topics:
            row = [counts.get((topic.id, a), 0) for a in articles]
            matrix.add_row(
                cell(topic.label, f"bold {topic.colour}"),
                *[cell(str(c) if c else "·") for c in row],
                cell(str(sum(row))),
            )

    @on(Select.Changed)
    def _filter(self) -> None:
        self.fill()

    @on(DataTable.RowSelected, "#tag-table")
    def _open(self, event: DataTable.RowSelected) -> None:
        entry_id = str(event.row_key.value).split("|", 1)[0]
        store = self.app.tags
        anchored = store.anchored(store.entry(entry_id))
        if anchored.passage_n is None:
            self.app.notify(
                f"Orphaned: “{anchored.entry.exact[:60]}” is no longer in "
                f"{anchored.entry.article}. The entry stays in the file.",
                severity="warning",
                title="Tags",
            )
            return
        self.app.open_article(anchored.entry.article, anchored.passage_n)

    def action_focus_filters(self) -> None:
        self.query_one("#topic-filter").focus()

    def action_back(self) -> None:
        self.app.pop_screen()
