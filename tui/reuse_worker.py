"""The app's side of shared text and quotations: the analysis (index/reuse_store.py)
runs in a worker after each index update that changed something, with its phases on
the first screen's status line; screens ask for it and are told when it is ready."""

from __future__ import annotations

import threading
from collections.abc import Callable

from textual import work
from textual.message import Message
from textual.worker import get_current_worker

from index.errors import DossierError, StopAsked
from index.reuse_store import Analysis, analyse

from .messages import ArticlesChanged, IndexStatus

# A corpus, or a number of articles to read, this small is analysed in about a second:
# not announced on the status line (the index's word stays there).
QUIET_ARTICLES = 500


class AnalysisReady(Message):
    def __init__(self, analysis: Analysis | None, error: str = "") -> None:
        super().__init__()
        self.analysis, self.error = analysis, error


class AnalysisMixin:
    """Mixed into the app: `analysis` (None until computed), `refresh_analysis()`,
    `when_analysed(callback)`."""

    analysis: Analysis | None = None
    analysis_error: str = ""
    _analysis_waiting: list[Callable[[Analysis | None], None]]
    quitting: threading.Event  # the app's: set at quit

    def refresh_analysis(self) -> None:
        """Compute (or load) the analysis of the corpus as now indexed, in a worker."""
        self._analyse()

    def when_analysed(self, then: Callable[[Analysis | None], None]) -> None:
        """Call `then` with the analysis now if there is one, else once it is ready."""
        if self.analysis is not None:
            then(self.analysis)
            return
        waiting = self.__dict__.setdefault("_analysis_waiting", [])
        waiting.append(then)
        if len(waiting) == 1:
            self._analyse()

    @work(thread=True, exclusive=True, group="shared text", exit_on_error=False)
    def _analyse(self) -> None:
        shown = len(self.library.infos) >= QUIET_ARTICLES

        worker = get_current_worker()

        def progress(done: int, total: int, label: str) -> None:
            if worker.is_cancelled or self.quitting.is_set():  # its worker processes end now
                raise StopAsked
            # on the status line only when it takes a while (the index's word stays else)
            nonlocal shown
            if shown or total >= QUIET_ARTICLES:
                shown = True
                amount = f"{done:,}/{total:,}" if total > 1 else ""
                self.tell_search_screen(IndexStatus(f"{label} {amount}", (done, total, label)))

        try:
            result = analyse(self.library, progress)
        except StopAsked:
            return
        except DossierError as exc:
            self.post_message(AnalysisReady(None, exc.message))
            return
        if shown:
            self.tell_search_screen(
                IndexStatus(
                    f"shared text ready: {len(result.reuse.clusters):,} shared passages · "
                    f"{len(result.quotes):,} quotations in 2+ articles · "
                    f"{len(result.stories):,} stories (S, Q)"
                )
            )
        self.post_message(AnalysisReady(result))

    # by name, not @on: Textual collects @on handlers from the app class itself only
    def on_analysis_ready(self, msg: AnalysisReady) -> None:
        if msg.analysis is not None:
            self.analysis = msg.analysis
            self.tell_search_screen(ArticlesChanged())  # the list by story follows
        self.analysis_error = msg.error
        if msg.error:
            self.notify(msg.error, title="Shared text", severity="error")
        waiting = self.__dict__.pop("_analysis_waiting", [])
        for then in waiting:
            then(self.analysis)
        for screen in self.screen_stack:
            analysed = getattr(screen, "analysed", None)
            if analysed is not None:
                analysed(self.analysis)
