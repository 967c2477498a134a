"""The app's side of the codebook editor: topic edits are written to config.yaml in a
worker (index/codebook.edit_topics), then the app takes the new topics: the tag store
checks against them, every tagging screen rebinds its topic keys, and screens that show
topics redraw (codebook_changed). A refused edit is said on the editor and notified.
Topics changed in config.yaml by someone else (a second reader, an editor,
`dossier codebook import`) are taken the same way (ConfigWatch)."""

from __future__ import annotations

import os
import threading
from dataclasses import replace

from textual import work

from index.config import load_settings
from index.errors import DossierError

from .actions import rebind_topic_keys

WATCH_EVERY_S = 1.0  # how often config.yaml is checked for topics changed elsewhere


class CodebookEdits:
    """Mixed into DossierApp."""

    def action_codebook(self) -> None:
        from .screens.codebook import CodebookScreen

        if not isinstance(self.screen, CodebookScreen):
            self.push_screen(CodebookScreen())

    def edit_codebook(self, changes: list) -> None:
        """Write topic changes to config.yaml (in a worker), then use the new codebook."""
        self._edit_codebook(changes)

    @work(thread=True, group="codebook", exclusive=False, exit_on_error=False)
    def _edit_codebook(self, changes: list) -> None:
        from index.codebook import edit_topics

        from .keys import check_keys

        try:
            result = edit_topics(self.settings.path, changes, check_keys)
        except DossierError as exc:
            self.call_from_thread(self._codebook_refused, exc.message)
            return
        self.call_from_thread(self._codebook_written, result)

    def _codebook_refused(self, message: str) -> None:
        self.notify(message, title="Codebook", severity="error")
        say = getattr(self.screen, "say", None)
        if say:
            say(message)

    def _codebook_written(self, result) -> None:
        text = "; ".join(result.changes) or "nothing to change"
        self.use_topics(result.settings.topics)
        say = getattr(self.screen, "say", None)
        if say:
            say(f"saved: {text}")
        self.notify(text, title="Codebook: config.yaml saved")

    def use_topics(self, topics) -> None:
        """Only the topics come from the file: the rest of the settings stay as opened."""
        self.settings = replace(self.settings, topics=topics)
        self.tags.settings = self.settings
        for screen in self.screen_stack:
            if hasattr(screen, "action_tag_topic"):
                rebind_topic_keys(screen, self.settings.topics)
            if hasattr(screen, "refresh_tags"):  # a reader or compare: marks in new colours
                screen.refresh_tags()
                screen.tags_changed()
            changed = getattr(screen, "codebook_changed", None)
            if changed:
                changed()
        self.refresh_bindings()


def _stamp(path) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


class ConfigWatch:
    """Checks config.yaml every WATCH_EVERY_S in a worker (a stat when nothing changed):
    topics changed there are used at once; a file left broken is said once, and the
    reader keeps the topics it has."""

    def __init__(self, app) -> None:
        self.app = app
        self.path = app.settings.path
        self._stamp: tuple[int, int] | str | None = "first"  # stat'ed in the first check
        self._busy = threading.Lock()
        self._last_error = ""

    def tick(self) -> None:
        if not self._busy.locked():
            self.app.run_worker(self._check, thread=True, group="config-watch", exit_on_error=False)

    def _check(self) -> None:
        if not self._busy.acquire(blocking=False):
            return
        try:
            stamp = _stamp(self.path)
            if stamp is None or stamp == self._stamp:
                return
            first, self._stamp = self._stamp == "first", stamp
            if first:
                return
            try:
                topics, error = load_settings(self.path).topics, ""
            except DossierError as exc:
                topics, error = None, exc.message
        finally:
            self._busy.release()
        if topics is not None and topics != self.app.settings.topics:
            self.app.call_from_thread(self._taken, topics)
        if error != self._last_error:
            self._last_error = error
            if error:
                self.app.call_from_thread(self._refused, error)

    def _taken(self, topics) -> None:
        self.app.use_topics(topics)
        self.app.notify("topics changed in config.yaml: now in use", title="Codebook")

    def _refused(self, error: str) -> None:
        self.app.notify(
            f"{error}\n(the reader keeps the topics it has)",
            title="config.yaml changed",
            severity="warning",
            timeout=10,
        )


def watch_config(app) -> ConfigWatch:
    """Start watching config.yaml's topics (call once, from on_mount)."""
    watch = ConfigWatch(app)
    app.set_interval(WATCH_EVERY_S, watch.tick)
    return watch
