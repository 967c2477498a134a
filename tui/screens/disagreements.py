"""Two coders: the other tag file is asked for, the agreement is computed in a worker
(index/agreement.py), and each disagreement is listed — passage, topic, who tagged it.
`enter` opens the passage in the reader with both coders' tags (yours ■, theirs □ in the
margin); `y` takes their side in your own tag file (through the tag store's operations:
`u` undoes), `n` keeps yours and drops the row from the list."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Static

from index.agreement import Agreement, Disagreement, agree, open_tag_file, take_side
from index.errors import DossierError
from index.model import Article
from index.tags.marks import article_marks, topic_mark
from index.text import label_width, percent
from index.views import article_view

from ..actions import bindings
from ..render import cap, plain, plural
from ..worker_errors import ReportsWorkerErrors, describe
from .reader import ReaderScreen, ViewReady
from .tags import TagTable, cell


class CoderFileDialog(ModalScreen[Path | None]):
    """The other coder's tag file: a path (relative to the tag file's folder)."""

    BINDINGS = bindings("coder file")

    def __init__(self, tags_file: Path) -> None:
        super().__init__()
        self.tags_file = Path(tags_file)

    def compose(self) -> ComposeResult:
        with Vertical(id="coder-file-dialog", classes="dialog"):
            yield Static(
                plain("Compare coders — the other coder's tag file (enter opens)"),
                classes="title",
            )
            yield Input(str(self.tags_file.parent) + "/", id="coder-file")

    def on_mount(self) -> None:
        self.query_one("#coder-file").focus()

    @on(Input.Submitted, "#coder-file")
    def _submit(self, event: Input.Submitted) -> None:
        path = Path(event.value.strip()).expanduser()
        if not path.is_absolute():
            path = self.tags_file.parent / path
        if not path.is_file():
            self.notify(f"{path}: no such file", title="Compare coders", severity="warning")
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)


class AgreementReady(Message):
    def __init__(self, result: Agreement, other, excerpts: dict[str, str], seq: int) -> None:
        super().__init__()
        self.result, self.other, self.excerpts, self.seq = result, other, excerpts, seq


def split_pid(pid: str) -> tuple[str, int]:
    aid, _, n = pid.rpartition("#")
    return aid, int(n)


class DisagreementsScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("disagreements")

    def __init__(self, other_path: Path) -> None:
        super().__init__()
        self.other_path = Path(other_path)
        self.other = None  # their TagStore, read in the worker
        self.result: Agreement | None = None
        self.kept: set[tuple[str, str]] = set()  # (passage, topic) where you kept yours
        self.steps: list[tuple[str, str] | None] = []  # u undoes these: a kept row, or None
        # for a side taken (undone in the tag store)
        self.excerpts: dict[str, str] = {}
        self._seq = 0

    def compose(self) -> ComposeResult:
        yield Static(plain(f"Disagreements — yours and {self.other_path.name}"), classes="title")
        yield Static(plain("comparing the two tag files…"), id="agree-summary", classes="meta")
        yield TagTable(id="agree-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="agree-detail", classes="status")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        table = self.query_one("#agree-table", DataTable)
        self._columns(table, 14)
        table.focus()
        self.reload()

    def on_screen_resume(self) -> None:
        self.reload()

    def tags_opened(self) -> None:
        self.reload()

    def _columns(self, table: DataTable, topic_width: int) -> None:
        widths = (("Passage", 30), ("Topic", topic_width), ("Tagged by", 14), ("Text", 60))
        for label, width in widths:
            table.add_column(label, width=width)

    def reload(self) -> None:
        self._seq += 1
        self._compare(self._seq)

    @work(thread=True, exclusive=True, group="comparing coders", exit_on_error=False)
    def _compare(self, seq: int) -> None:
        app = self.app
        mine = app.tags
        if not mine.read_only:
            mine.reload()
        other = open_tag_file(app.settings, self.other_path, app.library)
        result = agree(mine, other, app.library.infos)
        excerpts: dict[str, str] = {}
        for d in result.disagreements:
            if d.passage not in excerpts:
                aid, n = split_pid(d.passage)
                try:
                    excerpts[d.passage] = app.library.article(aid).passage(n).text
                except (DossierError, IndexError):
                    excerpts[d.passage] = ""
        self.post_message(AgreementReady(result, other, excerpts, seq))

    @on(AgreementReady)
    def _ready(self, msg: AgreementReady) -> None:
        if msg.seq != self._seq:
            return
        self.result, self.other, self.excerpts = msg.result, msg.other, msg.excerpts
        self.fill()

    def shown(self) -> list[Disagreement]:
        if self.result is None:
            return []
        return [d for d in self.result.disagreements if (d.passage, d.topic) not in self.kept]

    def fill(self) -> None:
        result = self.result
        assert result is not None
        table = self.query_one("#agree-table", DataTable)
        row = table.cursor_row
        table.clear(columns=True)
        marks = {d.topic: topic_mark(self.app.tags, d.topic) for d in self.shown()}
        self._columns(table, label_width((m[0] for m in marks.values()), least=14))
        infos = self.app.library.infos
        for d in self.shown():
            aid, n = split_pid(d.passage)
            info = infos.get(aid)
            label, colour = marks[d.topic]
            table.add_row(
                cell(f"{cap(info.title if info else aid, 24)} #{n}"),
                cell(label, f"bold {colour}"),
                cell(d.coder),
                cell(self.excerpts.get(d.passage, "")),
                key=f"{d.passage}|{d.topic}",
            )
        if self.shown():
            table.move_cursor(row=min(row, len(self.shown()) - 1))
        overall = result.overall()
        kappa = "n/a" if overall["kappa"] is None else f"{overall['kappa']:.2f}"
        alpha = "n/a" if overall["alpha"] is None else f"{overall['alpha']:.2f}"
        agreement = "n/a" if overall["agreement"] is None else percent(overall["agreement"])
        per_topic = " · ".join(
            f"{topic_mark(self.app.tags, t)[0]} κ "
            + ("n/a" if tab.kappa is None else f"{tab.kappa:.2f}")
            for t, tab in result.tables.items()
        )
        summary = (
            f"you: {result.coder_a} · them: {result.coder_b} · "
            f"{plural(len(result.disagreements), 'disagreement')} over "
            f"{plural(result.units, 'passage')} · agreement {agreement}, κ {kappa}, α {alpha}"
        )
        if per_topic:
            summary += f"\n{per_topic}"
        if self.kept:
            summary += f" · {len(self.kept)} kept as yours (hidden)"
        self.query_one("#agree-summary", Static).update(plain(summary))
        self._detail()

    def current(self) -> Disagreement | None:
        table = self.query_one("#agree-table", DataTable)
        shown = self.shown()
        if not shown or table.cursor_row >= len(shown):
            return None
        return shown[table.cursor_row]

    @on(DataTable.RowHighlighted, "#agree-table")
    def _detail(self) -> None:
        d = self.current()
        detail = self.query_one("#agree-detail", Static)
        if d is None:
            detail.update(plain("No disagreements left." if self.result else ""))
            return
        text = self.excerpts.get(d.passage, "")
        detail.update(Text(f"{d.passage} · only {d.coder} · {cap(text, 400)}"))

    @on(DataTable.RowSelected, "#agree-table")
    def _open(self) -> None:
        d = self.current()
        if d is None or self.other is None or self.result is None:
            return
        aid, n = split_pid(d.passage)
        other, names = self.other, (self.result.coder_a, self.result.coder_b)

        def opened(article: Article, laid_out) -> None:
            self.app.push_screen(CodersReaderScreen(article, n, other, names, layout=laid_out))

        self.app.load_article(aid, opened)

    def action_take_theirs(self) -> None:
        d = self.current()
        if d is None or self.result is None:
            return
        aid, n = split_pid(d.passage)
        tagged = d.coder == self.result.coder_b  # they tagged it: on; you did: off
        lib, store = self.app.library, self.app.tags

        def change() -> None:
            take_side(store, lib.article(aid), n, d.topic, tagged)

        said = f"{'Tagged' if tagged else 'Untagged'} {d.topic} on {d.passage} in your tag file"
        self._write(change, lambda _: f"{said} (u undoes)", step=True)

    def action_keep_mine(self) -> None:
        d = self.current()
        if d is not None:
            self.kept.add((d.passage, d.topic))
            self.steps.append((d.passage, d.topic))
            self.fill()

    def action_undo(self) -> None:
        """Undo this screen's last step: a row kept as yours comes back; a side taken is
        undone in your tag file."""
        if not self.steps:
            self.app.notify("Nothing to undo here", title="Tags")
            return
        step = self.steps.pop()
        if step is not None:
            self.kept.discard(step)
            self.fill()
            self.app.notify(f"Undone: kept yours on {step[0]} ({step[1]})", title="Tags")
            return

        def said(what: object) -> str:
            return f"Undone: {what}" if what else "Nothing to undo"

        self._write(self.app.tags.undo, said)

    def _write(self, fn, said, step: bool = False) -> None:
        """Run a change of your tag file after those asked before it (off the UI thread),
        say what it did (said(result)) and compare again. step: u can undo it."""

        def done(result: object, error: BaseException | None) -> None:
            if error is not None:
                self.app.notify(describe(error), title="Tags", severity="error")
                return
            if step:
                self.steps.append(None)
            self.app.notify(said(result), title="Tags")
            self.reload()

        self.app.tag_writer.submit(fn, (), done)

    def action_back(self) -> None:
        self.app.pop_screen()


class CodersReaderScreen(ReaderScreen):
    """The reader with the other coder's tags as □ in the margin (where suggestions are
    drawn elsewhere) and named in the status line; `y` takes their topics on the passage."""

    BINDINGS = [*ReaderScreen.BINDINGS, *bindings("coders reader")]

    def __init__(self, article: Article, n: int, other, names: tuple[str, str], layout=None):
        super().__init__(article, n, "", layout=layout)
        self.other = other
        self.names = names

    @work(thread=True, exclusive=True, group="article view", exit_on_error=False)
    def _build_view(self, text: str) -> None:
        """The reader's view model with their tags where its suggestions would be."""
        app, epoch = self.app, self._tag_epoch
        model = article_view(self.article, app.library, app.tags, text)
        theirs = article_marks(self.other, self.article).marks
        passages = tuple(replace(p, suggested=tuple(theirs.get(p.n, ()))) for p in model.passages)
        self.post_message(ViewReady(replace(model, passages=passages), epoch))

    def _find_suggestions(self) -> None:
        """(In a worker, after a tag change.) Their tags on this article, drawn where
        suggestions would be."""
        marks = article_marks(self.other, self.article).marks
        self.app.call_from_thread(self._show_theirs, marks)

    def _show_theirs(self, marks: dict) -> None:
        self._show_suggestions({0: (self.view, marks)})

    def tag_status(self, view) -> str:
        parts = [p for p in super().tag_status(view).split(" · ") if not p.startswith("suggested:")]
        theirs = [label for label, _ in view.decor.suggestions.get(view.cursor, [])]
        said = ", ".join(theirs) if theirs else "untagged"
        parts.append(f"□ {self.names[1]}: {said} (y takes theirs) · ■ {self.names[0]} (you)")
        return " · ".join(p for p in parts if p)

    def action_take_theirs(self) -> None:
        view, store, other = self.view, self.store, self.other
        article, n = view.article, view.cursor

        def change() -> None:
            theirs = set(other.topics_of_passage(article, n))
            mine = set(store.topics_of_passage(article, n))
            for topic in store.in_codebook_order(theirs ^ mine):
                take_side(store, article, n, topic, topic in theirs)

        self._change(change)

    def action_dismiss_suggestion(self) -> None:
        self.app.notify(
            f"□ marks {self.names[1]}'s tags; y takes them, a topic key toggles yours.",
            title="Compare coders",
        )
