"""Small dialogs for tagging: pick topics, write a note, write a memo."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, SelectionList, Static, TextArea
from textual.widgets.selection_list import Selection

from index.config import Topic
from index.topics import path_label, tree

from ..actions import bindings
from ..render import join, plain


class TopicPicker(ModalScreen[list[str] | None]):
    """Fuzzy search over topics; space toggles, enter applies (several at once)."""

    BINDINGS = bindings("topics")

    def __init__(self, topics: tuple[Topic, ...], chosen: list[str]) -> None:
        super().__init__()
        self.topics = topics
        self.chosen = set(chosen)

    def compose(self) -> ComposeResult:
        with Vertical(id="topic-picker", classes="dialog"):
            yield Static(
                plain("Topics for this passage — space toggles, enter applies"), classes="title"
            )
            yield Input(placeholder="filter topics", id="topic-filter")
            yield SelectionList[str](id="topic-list")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#topic-filter").focus()

    def _fill(self, text: str) -> None:
        lst = self.query_one("#topic-list", SelectionList)
        lst.clear_options()
        matcher = Matcher(text) if text.strip() else None
        for t, depth in tree(self.topics):
            path = path_label(self.topics, t.id)
            if matcher and matcher.match(f"{path} {t.id}") <= 0:
                continue
            # The tree by indentation; filtered, the path says where a sub-topic sits.
            name = path if matcher and depth else t.label
            prompt = join(
                plain("  " * (0 if matcher else depth) + "■ ", f"{t.colour}"),
                plain(name, "bold"),
                plain(f"  {t.description}", "dim"),
            )
            lst.add_option(Selection(prompt, t.id, t.id in self.chosen))

    @on(Input.Changed, "#topic-filter")
    def _filter(self, event: Input.Changed) -> None:
        self._remember()
        self._fill(event.value)

    def _remember(self) -> None:
        lst = self.query_one("#topic-list", SelectionList)
        shown = {lst.get_option_at_index(i).value for i in range(lst.option_count)}
        self.chosen = (self.chosen - shown) | set(lst.selected)

    @on(Input.Submitted, "#topic-filter")
    def _submit_filter(self) -> None:
        lst = self.query_one("#topic-list", SelectionList)
        if lst.option_count == 1 and not lst.selected:
            lst.select_all()
        self._done()

    def key_down(self) -> None:
        self.query_one("#topic-list").focus()

    def on_key(self, event) -> None:
        if event.key == "enter" and self.query_one("#topic-list").has_focus:
            event.stop()
            self._done()

    def _done(self) -> None:
        self._remember()
        order = [t.id for t in self.topics]
        self.dismiss(sorted(self.chosen, key=order.index))

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteEditor(ModalScreen[str | None]):
    BINDINGS = bindings("note")

    def __init__(self, note: str, about: str) -> None:
        super().__init__()
        self.note, self.about = note, about

    def compose(self) -> ComposeResult:
        with Vertical(id="note-editor", classes="dialog"):
            yield Static(plain(f"Note — {self.about}"), classes="title")
            yield Input(self.note, placeholder="a note for this tag (enter saves)", id="note")

    def on_mount(self) -> None:
        self.query_one("#note").focus()

    @on(Input.Submitted, "#note")
    def _save(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class MemoEditor(ModalScreen[str | None]):
    """Several lines of text (a TextArea: enter makes a new line); ctrl+s saves, escape
    cancels. Saving empty text removes the memo."""

    BINDINGS = bindings("memo")

    def __init__(self, text: str, about: str) -> None:
        super().__init__()
        self.text, self.about = text, about

    def compose(self) -> ComposeResult:
        with Vertical(id="memo-editor", classes="dialog"):
            yield Static(plain(f"Memo — {self.about}"), classes="title")
            yield TextArea(self.text, id="memo-text", soft_wrap=True, show_line_numbers=False)
            yield Static(
                plain("ctrl+s saves · escape cancels · empty text removes the memo", "dim"),
                classes="meta",
            )

    def on_mount(self) -> None:
        area = self.query_one("#memo-text", TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        self.dismiss(self.query_one("#memo-text", TextArea).text)

    def action_cancel(self) -> None:
        self.dismiss(None)
