"""Opening the reader from the command line (which has checked `keys:` already)."""

from __future__ import annotations

import sys

from index.config import Settings


def run_reader(settings: Settings) -> int:
    from .app import DossierApp

    app = DossierApp(settings)
    app.run()
    unsaved = app.tag_writer.finish()  # (quit twice before the changes were written)
    for error in unsaved:
        print(f"dossier: a tag change was not saved: {error}", file=sys.stderr)
    return app.return_code or (1 if unsaved else 0)
