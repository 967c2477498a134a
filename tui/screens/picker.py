"""A picker over article titles: every typed word, in any order, in the title, outlet
or date (tui/matching.py); the count of matches echoes what was typed."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from ..actions import bindings
from ..matching import TitleIndex
from ..render import cap, join, meta_line, plain, plural

SHOWN = 200  # options built per keystroke, whatever the corpus size


class ArticlePicker(ModalScreen[str | None]):
    BINDINGS = bindings("picker")

    def __init__(
        self,
        title: str,
        exclude: tuple[str, ...] = (),
        first: tuple[str, ...] = (),
        only: tuple[str, ...] | None = None,
    ) -> None:
        super().__init__()
        self.heading = title
        self.exclude = set(exclude)
        self.only = set(only) if only is not None else None  # None: every article
        self.first = {aid: i for i, aid in enumerate(first)}  # listed first (same story)
        self.index = TitleIndex(())

    def compose(self) -> ComposeResult:
        with Vertical(id="picker"):
            yield Static(plain(self.heading), classes="title")
            yield Input(placeholder="type words of a title, outlet or date", id="picker-input")
            yield Static("", id="picker-count", classes="meta")
            yield OptionList(id="picker-list")

    def on_mount(self) -> None:
        infos = [
            i
            for i in self.app.library.infos.values()
            if i.id not in self.exclude and (self.only is None or i.id in self.only)
        ]
        infos.sort(key=lambda i: (i.date or "", i.title), reverse=True)
        infos.sort(key=lambda i: self.first.get(i.id, len(self.first)))
        self.index = TitleIndex(infos)
        self._fill("")
        self.query_one("#picker-input").focus()

    def _fill(self, text: str) -> None:
        found = self.index.match(text)
        opts = [
            Option(
                join(plain(cap(i.title, 160)), plain(f"   {meta_line(i.source, i.date)}", "dim")),
                id=i.id,
            )
            for i in found[:SHOWN]
        ]
        lst = self.query_one("#picker-list", OptionList)
        lst.set_options(opts)
        if opts:
            lst.highlighted = 0
        typed = text.strip()
        if not typed:
            related = self.first and self.only is None
            story = f"{len(self.first)} related first, then " if related else ""
            count = f"{plural(len(found), 'article')}: {story}newest first"
        elif found:
            more = f" (first {SHOWN} shown)" if len(found) > SHOWN else ""
            count = f"{plural(len(found), 'article')} with “{typed}”{more}"
        else:
            count = f"no title, outlet or date has every word of “{typed}”; try fewer"
        self.query_one("#picker-count", Static).update(plain(count))

    @on(Input.Changed, "#picker-input")
    def _changed(self, event: Input.Changed) -> None:
        self._fill(event.value)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self) -> None:
        opt = self.query_one("#picker-list", OptionList).highlighted_option
        if opt is not None:
            self.dismiss(opt.id)

    @on(OptionList.OptionSelected, "#picker-list")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def key_down(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_down()

    def key_up(self) -> None:
        self.query_one("#picker-list", OptionList).action_cursor_up()

    def action_cancel(self) -> None:
        self.dismiss(None)
