"""The codebook editor: the topics as a tree; add a topic or a sub-topic, rename
(the label: tags hold ids, so they keep their topic), recolour, re-key. Each edit is
written to config.yaml by the app in a worker (index/codebook.edit_topics keeps the
file's comments and refuses an edit that would make it invalid)."""

from __future__ import annotations

from collections.abc import Callable

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Input, OptionList, Static
from textual.widgets.option_list import Option

from index.codebook import CodebookError, TopicChange, new_topic
from index.config import Topic
from index.topics import path_label, tree

from ..actions import bindings
from ..render import join, plain


class TextPrompt(ModalScreen[str | None]):
    """One line of text: enter gives it, escape cancels."""

    BINDINGS = bindings("prompt")

    def __init__(self, heading: str, value: str = "", placeholder: str = "") -> None:
        super().__init__()
        self.heading, self.value, self.placeholder = heading, value, placeholder

    def compose(self) -> ComposeResult:
        with Vertical(id="text-prompt", classes="dialog"):
            yield Static(plain(self.heading), classes="title")
            yield Input(self.value, placeholder=self.placeholder, id="prompt-input")

    def on_mount(self) -> None:
        self.query_one("#prompt-input").focus()

    @on(Input.Submitted, "#prompt-input")
    def _submit(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class CodebookScreen(ModalScreen[None]):
    BINDINGS = bindings("codebook")

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook", classes="dialog"):
            yield Static(plain("Codebook — the topics of config.yaml"), classes="title")
            yield OptionList(id="codebook-list")
            yield Static("", id="codebook-status", classes="meta")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.fill()
        self.query_one("#codebook-list").focus()

    def fill(self, keep: str | None = None) -> None:
        topics = self.app.settings.topics
        lst = self.query_one("#codebook-list", OptionList)
        keep = keep or self.current_id()
        lst.clear_options()
        for t, depth in tree(topics):
            lst.add_option(
                Option(
                    join(
                        plain("  " * depth + "■ ", t.colour),
                        plain(t.label, "bold"),
                        plain(f"  key {t.key}" if t.key else "  no key (picker: t)", "dim"),
                        plain(f"  id {t.id} · {t.colour}", "dim"),
                    ),
                    id=t.id,
                )
            )
        ids = [t.id for t, _ in tree(topics)]
        if ids:
            lst.highlighted = ids.index(keep) if keep in ids else 0
        if not topics:
            self.say("No topics yet: a adds one.")

    def codebook_changed(self) -> None:
        self.fill()

    def say(self, text: str) -> None:
        self.query_one("#codebook-status", Static).update(plain(text))

    def current_id(self) -> str | None:
        lst = self.query_one("#codebook-list", OptionList)
        opt = lst.highlighted_option
        return opt.id if opt is not None else None

    def current(self) -> Topic | None:
        tid = self.current_id()
        return self.app.settings.topic(tid) if tid else None

    def _ask(self, heading: str, value: str, then: Callable[[str], TopicChange | None]) -> None:
        def answered(text: str | None) -> None:
            if text is None:
                return
            try:
                change = then(text.strip())
            except CodebookError as exc:
                self.say(exc.message)
                return
            if change is not None:
                self.say("writing config.yaml…")
                self.app.edit_codebook([change])

        self.app.push_screen(TextPrompt(heading, value), answered)

    def action_add(self) -> None:
        self._ask("Label of the new topic", "", lambda label: new_topic(self.app.settings, label))

    def action_add_child(self) -> None:
        parent = self.current()
        if parent is None:
            self.say("Pick the topic to add a sub-topic under.")
            return
        self._ask(
            f"Label of the new sub-topic of {path_label(self.app.settings.topics, parent.id)}",
            "",
            lambda label: new_topic(self.app.settings, label, parent.id),
        )

    def _edit(self, name: str, heading: str, allow_empty: bool = False) -> None:
        topic = self.current()
        if topic is None:
            self.say("No topic here: a adds one.")
            return

        def change(text: str) -> TopicChange | None:
            if not text and not allow_empty:
                raise CodebookError(f"the {name} cannot be empty")
            return TopicChange(topic.id, {name: text})

        self._ask(heading.format(label=topic.label), getattr(topic, name), change)

    def action_rename(self) -> None:
        self._edit("label", "New label for {label} (its tags keep their topic)")

    def action_recolour(self) -> None:
        self._edit("colour", "Colour of {label} (a name such as teal, or #rrggbb)")

    def action_rekey(self) -> None:
        self._edit("key", "Key of {label} (empty: none; tag it with the picker)", allow_empty=True)

    def action_close(self) -> None:
        self.dismiss(None)
