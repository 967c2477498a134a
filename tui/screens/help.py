"""Every key, by where it works, as the keymap has it now."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from ..keys import all_bindings
from ..render import join, plain


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,q", "close", "Close", id="help.close"),
        Binding("space,j", "scroll('down')", "Scroll", show=False, id="help.down"),
        Binding("b,k", "scroll('up')", "Scroll up", show=False, id="help.up"),
        Binding("G", "scroll('end')", "Bottom", show=False, id="help.bottom"),
        Binding("g", "scroll('home')", "Top", show=False, id="help.top"),
    ]

    def action_scroll(self, where: str) -> None:
        view = self.query_one("#help", VerticalScroll)
        {
            "down": view.scroll_page_down,
            "up": view.scroll_page_up,
            "end": view.scroll_end,
            "home": view.scroll_home,
        }[where](animate=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self._text(), id="help-text")

    def _text(self) -> Content:
        keymap = self.app._keymap
        parts: list[Content] = [
            plain("dossier — keys\n", "bold"),
            plain(
                "ctrl+p opens the command palette with every action. "
                "Rebind keys in config.yaml under `keys:` by id.\n",
                "dim",
            ),
        ]
        for section, bindings in all_bindings():
            parts.append(plain(f"\n{section}\n", "bold $accent"))
            for b in bindings:
                keys = keymap.get(b.id, b.key) if b.id else b.key
                shown = ", ".join(self.app.get_key_display(Binding(k, "")) for k in keys.split(","))
                parts.append(
                    join(
                        plain(f"  {shown:<22}"),
                        plain(f"{b.description:<24}"),
                        plain(f"{b.id or ''}\n", "dim"),
                    )
                )
        parts.append(plain("\nTopics (tag the passage, or the selected span)\n", "bold $accent"))
        for t in self.app.settings.topics:
            parts.append(
                join(
                    plain(f"  {t.key:<22}"),
                    plain(t.label, f"bold {t.colour}"),
                    plain(f"  {t.description}\n", "dim"),
                )
            )
        return join(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
