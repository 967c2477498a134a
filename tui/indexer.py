"""`python -m tui.indexer --config PATH`: brings the index up to date in its own
process (a Whoosh build holds the GIL) and reports progress as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys

from index.build import update_index
from index.config import load_settings
from index.errors import DossierError, IndexBusy


def _say(**data) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


class Throttle:
    """Passes progress on at most every 1% of a phase, but always the first report of
    each phase (saving, merging…: they start at 0 after indexing reached 100%) and
    the last."""

    def __init__(self, say) -> None:
        self.say = say
        self.label: str | None = None
        self.last = 0.0

    def __call__(self, done: int, total: int, label: str) -> None:
        frac = done / total if total else 1.0
        if label != self.label or abs(frac - self.last) >= 0.01 or done == total:
            self.label, self.last = label, frac
            self.say(progress=[done, total, label])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tui.indexer")
    parser.add_argument("--config", required=True)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    progress = Throttle(_say)
    try:
        report = update_index(
            load_settings(args.config),
            rebuild=args.rebuild,
            progress=progress,
            on_partial=lambda indexed, expected: _say(partial=[indexed, expected]),
        )
    except IndexBusy as exc:
        _say(error=f"{exc.message}; using the index as it is")
        return 1
    except DossierError as exc:
        _say(error=exc.message)
        return 1
    except Exception as exc:
        _say(error=f"indexing failed: {type(exc).__name__}: {exc}")
        return 1
    _say(
        done=report.summary(),
        reindexed=report.reindexed,
        removed=report.removed,
        rebuilt=report.rebuilt,
        reason=report.reason,
        warnings=report.warnings[:200],
        warning_count=len(report.warnings),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
