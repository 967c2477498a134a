"""Every worker's failure reaches the user: a screen or the app that runs workers mixes
this in (workers are declared with exit_on_error=False, so a failure never kills the
reader, and nothing fails silently)."""

from __future__ import annotations

from textual.worker import Worker, WorkerState

from index.errors import DossierError


def describe(error: BaseException | None) -> str:
    if isinstance(error, DossierError):
        return error.message
    return f"{type(error).__name__}: {error}" if error else "failed"


class ReportsWorkerErrors:
    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            what = (event.worker.group or event.worker.name or "work").replace("_", " ")
            self.app.notify(
                describe(event.worker.error), title=f"{what} failed", severity="error", timeout=10
            )
