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
from ..render import join, plain, safe


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


class TextEditor(ModalScreen[str | None]):
    """Text of several lines (a TextArea: enter makes a new line); ctrl+s saves, escape
    cancels. A text written elsewhere with line breaks is shown and kept as it is."""

    KIND = "Text"
    HINT = "ctrl+s saves · escape cancels"

    def __init__(self, text: str, about: str) -> None:
        super().__init__()
        self.text, self.about = text, about
        # control characters (from a file others wrote) shown as symbols, never sent
        self.shown = safe(text)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog text-editor"):
            yield Static(plain(f"{self.KIND} — {self.about}"), classes="title")
            yield TextArea(self.shown, soft_wrap=True, show_line_numbers=False)
            yield Static(plain(self.HINT, "dim"), classes="meta")

    def on_mount(self) -> None:
        area = self.query_one(TextArea)
        area.focus()
        area.move_cursor(area.document.end)

    def action_save(self) -> None:
        text = self.query_one(TextArea).text
        self.dismiss(self.text if text == self.shown else text)  # untouched: as it was

    def action_cancel(self) -> None:
        self.dismiss(None)


class NoteEditor(TextEditor):
    """The note of a tag."""

    BINDINGS = bindings("note")
    KIND = "Note"


class MemoEditor(TextEditor):
    """The memo on an article; saving empty text removes it."""

    BINDINGS = bindings("memo")
    KIND = "Memo"
    HINT = "ctrl+s saves · escape cancels · empty text removes the memo"
