"""Every key, by where it works, as the keymap has it now (from tui/actions.py and
`keys:` in config.yaml)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Footer, Static

from index.topics import tree

from ..actions import bindings
from ..keys import sections
from ..render import join, plain


class HelpScreen(ModalScreen[None]):
    BINDINGS = bindings("help")

    def action_scroll(self, where: str) -> None:
        # A key typed in the same burst as `?` is read before the screen is drawn.
        view = next(iter(self.query("#help").results(VerticalScroll)), None)
        if view is None:
            return
        {
            "down": view.scroll_page_down,
            "up": view.scroll_page_up,
            "end": view.scroll_end,
            "home": view.scroll_home,
        }[where](animate=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Static(self._text(), id="help-text")
        yield Footer(compact=True)

    def _text(self) -> Content:
        app = self.app
        parts: list[Content] = [
            plain("dossier — keys\n", "bold"),
            plain(
                f"{app.key_display('palette')} opens the command palette with every action. "
                "Rebind keys in config.yaml under `keys:` by the id on the right.\n",
                "dim",
            ),
        ]
        for heading, rows in sections(app.key_overrides):
            parts.append(plain(f"\n{heading}\n", "bold $accent"))
            for keys, description, aid in rows:
                shown = ", ".join(app.get_key_display(Binding(k, "")) for k in keys.split(", "))
                parts.append(
                    join(
                        plain(f"  {shown:<20} "),
                        plain(f"{description:<16} "),
                        plain(f"{aid}\n", "dim"),
                    )
                )
        parts.append(plain("\nTopics (tag the passage, or the selected span)\n", "bold $accent"))
        for t, depth in tree(app.settings.topics):
            parts.append(
                join(
                    plain(f"  {t.key or '(picker)':<20} "),
                    plain("  " * depth + t.label, f"bold {t.colour}"),
                    plain(f"  {t.description}\n", "dim"),
                )
            )
        return join(*parts)

    def action_close(self) -> None:
        self.dismiss(None)
