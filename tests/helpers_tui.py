"""Driving the reader in tests: wait for conditions (never for a fixed time)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from textual.widgets import Input
from textual.worker import WorkerCancelled, WorkerFailed

W, H = 120, 40


def text_of(widget) -> str:
    return str(widget.render())


def view_lines(view) -> str:
    return "\n".join(view.render_line(y).text for y in range(view.size.height))


async def workers_done(app, errors_ok: bool = False) -> None:
    """Until the app's workers are finished. A worker cancelled on purpose (an exclusive
    worker replaced by a newer one) is not an error: wait for the rest. A worker that
    failed fails the test, unless errors_ok (a test that breaks a worker on purpose and
    checks that the reader reports it)."""
    while True:
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            continue
        except WorkerFailed:
            if not errors_ok:
                raise
            # the failed worker leaves the manager when its task is done: wait for the rest
            await asyncio.gather(
                *(w.wait() for w in list(app.workers) if not w.is_finished),
                return_exceptions=True,
            )
            return


async def settle(pilot) -> None:
    """Until workers are done and the messages they posted are handled."""
    for _ in range(2):
        await workers_done(pilot.app)
        await pilot.pause()


async def until(
    pilot,
    condition: Callable[[], bool],
    what: str,
    timeout: float = 20.0,
    all_workers: bool = True,
    worker_errors_ok: bool = False,
) -> None:
    """Until condition() holds. all_workers=False: without waiting for every worker to
    finish (when one is held on purpose)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        if all_workers:
            await workers_done(pilot.app, errors_ok=worker_errors_ok)
        await pilot.pause()  # lets the app handle what was posted; no fixed wait


async def search(pilot, text: str) -> None:
    """Put `text` in the search box (as a paste would) and wait for its results."""
    app = pilot.app
    app.screen.query_one("#query", Input).value = text
    await until(
        pilot,
        lambda: app.last_result is not None and app.last_result.query == text,
        f"results for {text!r}",
    )
    await settle(pilot)


async def open_reader(pilot, article_id: str, n: int | None = 1):
    """Open an article and wait until the reader shows it with its hits."""
    from tui.screens.reader import ReaderScreen

    app = pilot.app
    app.open_article(article_id, n)
    await until(
        pilot,
        lambda: (
            isinstance(app.screen, ReaderScreen)
            and app.screen.article.id == article_id
            and app.screen.hits is not None
        ),
        f"the reader on {article_id}",
    )
    await pilot.pause()
    return app.screen


def record_notes(app) -> list[str]:
    """Every notification the app shows from now on ("title: message")."""
    shown: list[str] = []
    notify = app.notify

    def recording(message, *args, title="", **kwargs):
        shown.append(f"{title}: {message}")
        return notify(message, *args, title=title, **kwargs)

    app.notify = recording
    return shown
