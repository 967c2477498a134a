"""Opening the reader from the command line."""

from __future__ import annotations

from index.config import Settings


def run_reader(settings: Settings) -> int:
    from .app import DossierApp
    from .keys import check_keys

    check_keys(settings)
    app = DossierApp(settings)
    app.run()
    return app.return_code or 0
