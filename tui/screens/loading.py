"""Shown while a large article is read and laid out in a worker. It takes the keys
typed meanwhile, so none of them lands on the reader when it opens."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ..actions import bindings
from ..render import cap, plain


class LoadingScreen(ModalScreen[None]):
    BINDINGS = bindings("loading")

    def __init__(self, seq: int, title: str) -> None:
        super().__init__()
        self.seq, self.heading = seq, title

    def compose(self) -> ComposeResult:
        with Vertical(id="loading", classes="dialog"):
            yield Static(plain(f"Opening “{cap(self.heading, 120)}”…"), classes="title")
            yield Static(plain("Reading and laying out the article (escape cancels)."))

    def action_cancel(self) -> None:
        self.dismiss(None)
