"""The dossier reader: a Textual app over the index/ library."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

from textual import on, work
from textual.app import App
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.timer import Timer
from textual.widgets import ProgressBar, Static

from index.config import Settings
from index.errors import DossierError, IndexUnavailable
from index.library import Library
from index.tags import TagStore

from .commands import DossierCommands
from .messages import IndexFinished, IndexProgress, SearchDone
from .screens.search import SearchScreen
from .tagging import watch_tag_file

CHECK_EVERY_S = 30.0
RESULT_PASSAGES = 40  # ranked passages shown under their articles
RESULT_ARTICLES = 100  # articles listed (the count of all is shown)
DEBOUNCE_S = 0.025  # coalesces fast typing; newest-wins is enforced by sequence numbers


class DossierApp(App):
    CSS_PATH = "dossier.tcss"
    TITLE = "dossier"
    COMMANDS = App.COMMANDS | {DossierCommands}
    BINDINGS = [
        Binding("slash", "focus_search", "Search", id="search"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("T", "tags", "Tags", id="tags"),
        Binding("q", "quit", "Quit", id="quit"),
    ]

    def __init__(self, settings: Settings, *, background_index: bool = True) -> None:
        super().__init__()
        self.settings = settings
        self.library = Library(settings)
        self.tags = TagStore.open_or_disabled(settings, self.library)
        self.background_index = background_index
        self.query_text = ""
        self.index_ready = False
        self._search_seq = 0
        self._search_lock = threading.Lock()
        self._debounce: Timer | None = None
        self.last_result = None
        self._last_index_error: str | None = None
        self._indexing = False
        self._indexer: subprocess.Popen | None = None

    # -- start ----------------------------------------------------------------

    def on_mount(self) -> None:
        self._apply_settings()
        self.push_screen(SearchScreen())
        self.tag_watch = watch_tag_file(self)  # other writers' tag changes, within a second
        self.index_ready = bool(self.library.infos)
        if self.index_ready:
            self._warm()
        if self.background_index:
            self.update_index()
            # pick up articles added or edited while the reader is open
            self.set_interval(CHECK_EVERY_S, self.update_index)
        else:
            self.index_ready = True

    def _warn_tag_file(self) -> None:
        if self.tags.read_only:
            self.notify(
                f"{self.tags.error.message}\nTagging is off until the file is fixed; "
                "reading works. The file was not changed.",
                title="Tag file",
                severity="error",
                timeout=15,
            )

    def _apply_settings(self) -> None:
        self._warn_tag_file()
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            self.notify(
                f"theme '{self.settings.theme}' is not a Textual theme; using the default",
                severity="warning",
            )
        if self.settings.keys:
            self.set_keymap(self.settings.keys)

    @property
    def search_screen(self) -> SearchScreen:
        return next(s for s in self.screen_stack if isinstance(s, SearchScreen))

    # -- indexing (another process: a Whoosh build holds the GIL) --------------

    def update_index(self, rebuild: bool = False) -> None:
        """Start the indexer unless one is running (a second would only meet its lock)."""
        if self._indexing:
            if rebuild:
                self.notify("The index is being updated; rebuild when it is done.", title="Index")
            return
        self._indexing = True
        self._run_indexer(rebuild)

    @work(thread=True, group="index")
    def _run_indexer(self, rebuild: bool = False) -> None:
        cmd = [sys.executable, "-m", "tui.indexer", "--config", str(self.settings.path)]
        if rebuild:
            cmd.append("--rebuild")
        # stderr to a file: a pipe left unread could fill and block the indexer
        errors = tempfile.TemporaryFile(mode="w+")  # noqa: SIM115 (closed below)
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
            cwd=str(self.settings.path.parent),
            start_new_session=True,  # its own process group, to stop it with its helpers
        )
        self._indexer = proc
        final: dict = {}
        assert proc.stdout is not None
        for raw in proc.stdout:
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if "progress" in data:
                self.post_message(IndexProgress(*data["progress"]))
            else:
                final = data
        proc.wait()
        if "done" in final:
            changed = bool(final["reindexed"] or final["removed"] or final["rebuilt"])
            self.post_message(
                IndexFinished(final["done"], changed, warnings=final.get("warning_count", 0))
            )
        else:
            errors.seek(0)
            err = final.get("error") or (errors.read().strip().splitlines() or ["failed"])[-1]
            self.post_message(IndexFinished(None, False, error=err))
        errors.close()

    async def action_quit(self) -> None:
        self._stop_indexer()
        self.exit()

    def _stop_indexer(self) -> None:
        """Leaving mid-build stops the indexer and its helper processes; the index stays
        as it was and the next start picks the work up again."""
        proc = self._indexer
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)

    def _status(self, text: str) -> None:
        with contextlib.suppress(StopIteration, NoMatches):
            self.search_screen.query_one("#index-status", Static).update(text)

    @on(IndexProgress)
    def _index_progress(self, msg: IndexProgress) -> None:
        screen = self.search_screen
        bar = screen.query_one("#index-progress", ProgressBar)
        bar.display = True
        bar.update(total=msg.total or 1, progress=msg.done)
        stale = "searching the previous index meanwhile" if self.index_ready else "please wait"
        self._status(f"indexing: {msg.label} {msg.done}/{msg.total} — {stale}")

    @on(IndexFinished)
    def _index_finished(self, msg: IndexFinished) -> None:
        self._indexing = False
        self.search_screen.query_one("#index-progress", ProgressBar).display = False
        if msg.error:
            self._status(f"index not updated: {msg.error}")
            if msg.error != self._last_index_error:
                self.notify(msg.error, title="Index", severity="warning")
            self._last_index_error = msg.error
            return
        self._last_index_error = None
        if msg.changed or not self.index_ready:
            self.library.refresh()
            self.index_ready = True
            self._warm()
            self.tags.refresh_articles()
            self.search_screen.show_articles_list(initial=True)
            if self.query_text:
                self.request_search(self.query_text, now=True)
        what = "index updated" if msg.changed else "index checked"
        warn = f" · {msg.warnings} file warnings (run dossier index)" if msg.warnings else ""
        self._status(
            f"{len(self.library.infos)} articles · {what} {time.strftime('%H:%M:%S')}{warn}"
        )

    @work(thread=True, exclusive=True, group="warm")
    def _warm(self) -> None:
        """Open the index and load what first queries need, off the UI thread (in steps
        the engine takes in turn with searches, so typing never waits for all of it)."""
        with contextlib.suppress(DossierError):
            self.library.engine.warm()

    # -- search ---------------------------------------------------------------

    def request_search(self, text: str, now: bool = False) -> None:
        """Search after a pause in typing; an older query never replaces a newer one."""
        self.query_text = text
        self._search_seq += 1
        seq = self._search_seq
        if self._debounce is not None:
            self._debounce.stop()
        if not text.strip():
            self.search_screen.clear_results()
            return
        if not self.index_ready:
            self.search_screen.set_message("Indexing the corpus; results follow when it is done.")
            return
        if now:
            self._search(seq, text)
        else:
            self._debounce = self.set_timer(DEBOUNCE_S, lambda: self._search(seq, text))

    @work(thread=True, group="search")
    def _search(self, seq: int, text: str) -> None:
        if seq != self._search_seq:
            return
        with self._search_lock:
            if seq != self._search_seq:
                return
            try:
                result = self.library.engine.search(
                    text,
                    limit=RESULT_PASSAGES,
                    tags=self.tag_lookup,
                    max_articles=RESULT_ARTICLES,
                )
            except IndexUnavailable:
                self.post_message(
                    SearchDone(seq, None, "the index is being built; results will follow")
                )
                return
            except DossierError as exc:
                self.post_message(SearchDone(seq, None, exc.message))
                return
        self.post_message(SearchDone(seq, result))

    @property
    def tag_lookup(self):
        """What `tag:` queries ask; None while the tag file is unreadable."""
        return None if self.tags.read_only else self.tags.lookup

    @on(SearchDone)
    def _search_done(self, msg: SearchDone) -> None:
        if msg.seq != self._search_seq:
            return  # a newer query is on its way
        screen = self.search_screen
        if msg.result is None:
            screen.set_message(msg.error or "")
            return
        self.last_result = msg.result
        screen.show_result(msg.result)

    # -- navigation -----------------------------------------------------------

    def action_focus_search(self) -> None:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, SearchScreen):
            self.pop_screen()
        self.search_screen.focus_search()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def open_article(self, article_id: str, n: int | None) -> None:
        from .screens.reader import ReaderScreen

        try:
            article = self.library.article(article_id)
        except DossierError as exc:
            self.notify(exc.message, severity="error")
            return
        self.push_screen(ReaderScreen(article, n, self.query_text))

    def action_tags(self) -> None:
        from .screens.tags import TagsScreen

        if not isinstance(self.screen, TagsScreen):
            self.push_screen(TagsScreen())

    def action_articles(self) -> None:
        self.action_focus_search()
        self.search_screen.show_articles_list()

    def action_rebuild_index(self) -> None:
        self.update_index(rebuild=True)

    def pick_article(self, title: str, callback, exclude: tuple[str, ...] = ()) -> None:
        from .screens.picker import ArticlePicker

        self.push_screen(ArticlePicker(title, exclude), callback)

    def action_open_by_title(self) -> None:
        def chosen(aid: str | None) -> None:
            if aid:
                self.open_article(aid, 1)

        self.pick_article("Open article", chosen)
