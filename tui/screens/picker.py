"""A fuzzy picker over article titles."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.fuzzy import Matcher
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..render import join, meta_line, plain

SHOWN = 200


class ArticlePicker(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, title: str, exclude: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.heading = title
        self.exclude = set(exclude)

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(plain(self.heading), classes="title")
            yield Input(placeholder="type part of a title, outlet or date", id="picker-input")
            yield Static("", id="picker-empty", classes="meta")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        self._fill("")
        self.query_one("#picker-input").focus()

    def _fill(self, text: str) -> None:
        infos = [i for i in self.app.library.infos.values() if i.id not in self.exclude]
        if text.strip():
            matcher = Matcher(text)
            scored = []
            for info in infos:
                score = matcher.match(f"{info.title} {info.source or ''} {info.date or ''}")
                if score > 0:
                    scored.append((score, info))
            scored.sort(key=lambda s: -s[0])
            infos = [info for _, info in scored]
        else:
            infos.sort(key=lambda i: (i.date or "", i.title), reverse=True)
        opts = [
            Option(join(plain(i.title), plain(f"   {meta_line(i.source, i.date)}", "dim")), id=i.id)
            for i in infos[:SHOWN]
        ]
        lst = self.query_one("#picker-list", OptionList)
        lst.set_options(opts)
        self.query_one("#picker-empty", Static).update(
            "" if opts else plain("No title, outlet or date matches; try fewer letters.")
        )
        if opts:
            lst.highlighted = 0

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        lst = self.query_one("#picker-list", OptionList)
        opt = lst.highlighted_option
        self.dismiss(opt.id if opt else None)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def key_down(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
