"""Keys read before the screen they land on is ready wait for it.

A key that opens a screen (a priority binding: it runs as the key is read) pushes the
screen at once, but the screen composes and mounts in its own task, later. The keys
typed after it in the same burst (a fast typist, a paste, tmux send-keys) would reach a
screen with nothing focused and nothing drawn: lost, or run as the new screen's commands
before it has the widgets they act on. They are held instead, and handled in order once
the screen is mounted and has focused its first box."""

from __future__ import annotations

from textual import events
from textual.app import App


class HoldsKeysForNewScreens(App):
    """Mixed into the app: Key and Paste events wait while the current screen mounts."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._held: list[events.Key | events.Paste] = []

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, (events.Key, events.Paste)) and not event.is_forwarded:
            held = self._held
            if held or not self.screen.is_mounted:
                held.append(event)  # after those held: the order typed
                if len(held) == 1:
                    self._replay_when_ready()
                return
        await super().on_event(event)

    def _replay_when_ready(self) -> None:
        # The screen handles its Compose and Mount before its queued callbacks; the focus
        # its on_mount gives (Widget.focus) is a callback of the app, queued before ours.
        # (A screen popped before it is mounted still runs it: the keys go on below.)
        self.screen.call_later(self.call_later, self._replay)

    async def _replay(self) -> None:
        held = self._held
        while held:
            if not self.screen.is_mounted:  # a held key opened another screen
                self._replay_when_ready()
                return
            await super().on_event(held.pop(0))
