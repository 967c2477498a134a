"""The command palette: every action of tui/actions.py that can run where the palette
was opened (with its keys), and "open article by title"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.dom import DOMNode

from index.model import date_label, outlet_label

from .actions import ACTIONS, Action
from .matching import TitleIndex
from .render import cap, safe

TITLES_SHOWN = 20


def owner(app, screen, action: Action) -> DOMNode | None:
    """Where `action` runs from this screen: the app, the screen, or the focused widget
    or one of its parents, whichever binds it; None when it does not apply here."""
    if action.scope == "global":
        return app
    nodes: list[DOMNode] = []
    node = screen.focused
    while node is not None and node is not screen:
        nodes.append(node)
        node = node.parent
    nodes.append(screen)
    for node in nodes:
        if any(b.id == action.id for _, b in node._bindings):
            return node
    return None


class DossierCommands(Provider):
    async def startup(self) -> None:
        self.titles = TitleIndex(self.app.library.infos.values())

    def _actions(self):
        app = self.app
        for action in ACTIONS:
            if not action.palette:
                continue
            node = owner(app, self.screen, action)
            if node is not None:
                keys = app.key_display(action.id)
                help_text = f"{keys} · {action.detail}" if action.detail else keys
                yield action.title, help_text, partial(app.run_action, action.action, node)

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        if len(query.strip()) < 2:
            return
        for info in self.titles.match(query)[:TITLES_SHOWN]:
            yield Hit(
                max(matcher.match(info.title), 0.5) * 0.9,
                matcher.highlight(safe(cap(info.title, 200))),
                partial(self.app.open_article, info.id, 1),
                help=f"open · {outlet_label(info.source)} · {date_label(info.date)}",
            )
