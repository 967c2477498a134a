"""Opening the reader from the command line (which has checked `keys:` already)."""

from __future__ import annotations

from index.config import Settings


def run_reader(settings: Settings) -> int:
    from .app import DossierApp

    app = DossierApp(settings)
    app.run()
    return app.return_code or 0
