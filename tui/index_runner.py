"""The app's side of the index: the indexer runs as a process of its own
(`python -m tui.indexer`, stopped with its helpers when the app quits); its progress,
the parts of a first build that become searchable, and its end reach the search screen.
Mixed into DossierApp, as the codebook's and the shared text's sides are."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import time

from textual import work

from index.config import Settings
from index.manifest import MANIFEST

from .messages import (
    ArticlesChanged,
    IndexFinished,
    IndexPartial,
    IndexProgress,
    IndexStatus,
)
from .render import plural


def index_signature(settings: Settings) -> tuple[int, int, int] | None:
    """What tells one saved index from the next: its manifest's inode, size and mtime
    (every commit rewrites the manifest by a rename)."""
    try:
        st = (settings.index_dir / MANIFEST).stat()
    except OSError:
        return None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


class IndexRunner:
    """Mixed into DossierApp (which has settings, library, query_text, index_ready,
    request_search, tell_search_screen, refresh_analysis, tags and _warm). Handlers by
    name, not @on: Textual collects @on handlers from the app class itself only."""

    def init_index_runner(self) -> None:
        self._index_seen = index_signature(self.settings)  # the index the library has read
        self._last_index_error: str | None = None
        self._indexing = False
        self._indexer: subprocess.Popen | None = None
        self._partial: tuple[int, int] | None = None  # a first build's part, searchable

    def update_index(self, rebuild: bool = False) -> None:
        """Start the indexer unless one is running (a second would only meet its lock)."""
        if self._indexing:
            if rebuild:
                self.notify("The index is being updated; rebuild when it is done.", title="Index")
            return
        self._indexing = True
        self._run_indexer(rebuild)

    @work(thread=True, group="index", exit_on_error=False)
    def _run_indexer(self, rebuild: bool = False) -> None:
        cmd = [sys.executable, "-m", "tui.indexer", "--config", str(self.settings.path)]
        if rebuild:
            cmd.append("--rebuild")
        # stderr to a file: a pipe left unread could fill and block the indexer
        with tempfile.TemporaryFile(mode="w+") as errors:
            try:
                proc = subprocess.Popen(
                    cmd,
                    stdout=subprocess.PIPE,
                    stderr=errors,
                    text=True,
                    cwd=str(self.settings.path.parent),
                    start_new_session=True,  # its own process group, to stop it with helpers
                )
            except OSError as exc:
                self.post_message(IndexFinished(None, False, error=f"cannot start: {exc}"))
                return
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
                elif "partial" in data:
                    self.post_message(IndexPartial(*data["partial"]))
                else:
                    final = data
            proc.wait()
            if "done" in final:
                changed = bool(final["reindexed"] or final["removed"] or final["rebuilt"])
                # another process (dossier index, dossier add) may have changed it first
                seen, self._index_seen = self._index_seen, index_signature(self.settings)
                changed = changed or seen != self._index_seen
                self.post_message(
                    IndexFinished(final["done"], changed, warnings=final.get("warning_count", 0))
                )
            else:
                errors.seek(0)
                err = final.get("error") or (errors.read().strip().splitlines() or ["failed"])[-1]
                self.post_message(IndexFinished(None, False, error=err))

    def _stop_indexer(self) -> None:
        """Leaving mid-build stops the indexer and its helper processes; the index stays
        as it was and the next start picks the work up again."""
        proc = self._indexer
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)

    def on_index_progress(self, msg: IndexProgress) -> None:
        stale = "searching the previous index meanwhile" if self.index_ready else "please wait"
        if self._partial:
            indexed, expected = self._partial
            stale = f"searching the {indexed:,} of ~{expected:,} articles indexed so far"
        if msg.total == 1:  # a step that cannot count (its label may carry a count)
            amount = ""
        elif msg.total == 100:  # phases measured in hundredths of a whole, not in articles
            amount = f" {msg.done}%"
        else:
            amount = f" {msg.done:,}/{msg.total:,}"
        self.tell_search_screen(
            IndexStatus(
                f"index: {msg.label}{amount} — {stale}",
                (msg.done, msg.total, msg.label),
            )
        )

    def on_index_partial(self, msg: IndexPartial) -> None:
        """A first build's next part is searchable: search it (the query again)."""
        self._partial = (msg.indexed, msg.expected)
        self.library.refresh()
        self.index_ready = True
        self.tell_search_screen(ArticlesChanged())
        if self.query_text:
            self.request_search(self.query_text, now=True)

    def on_index_finished(self, msg: IndexFinished) -> None:
        self._indexing = False
        if self._partial:  # the first build is over: the whole index, or (failed) none
            self._partial = None
            self.library.refresh()
            self.index_ready = not msg.error
            msg.changed = True
        if msg.error:
            self.tell_search_screen(IndexStatus(f"index not updated: {msg.error}"))
            if msg.error != self._last_index_error:
                self.notify(msg.error, title="Index", severity="warning")
            self._last_index_error = msg.error
            return
        self._last_index_error = None
        if msg.changed or not self.index_ready:
            self.library.refresh()
            self.index_ready = True
            self._warm()
            self.refresh_analysis()
            self.tags.refresh_articles()
            self.tell_search_screen(ArticlesChanged())
            if self.query_text:
                self.request_search(self.query_text, now=True)
        what = "index updated" if msg.changed else "index checked"
        warn = (
            f" · {plural(msg.warnings, 'file warning')} (run dossier index)" if msg.warnings else ""
        )
        self.tell_search_screen(
            IndexStatus(
                f"{plural(len(self.library.infos), 'article')} · {what} "
                f"{time.strftime('%H:%M:%S')}{warn}"
            )
        )
