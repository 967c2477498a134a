"""`python -m tui.indexer --config PATH`: brings the index up to date in its own
process (a Whoosh build holds the GIL) and reports progress as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
import time

from index.build import update_index
from index.config import load_settings
from index.errors import DossierError, IndexBusy

HEARTBEAT = 1.0  # seconds: a phase that reports no change is still said this often


def _say(**data) -> None:
    sys.stdout.write(json.dumps(data) + "\n")
    sys.stdout.flush()


class Throttle:
    """Passes progress on at most every 1% of a phase, but always the first report of
    each phase (saving, merging…: they start at 0 after indexing reached 100%), the
    last, and one a second while a phase reports no change (waiting for a writer
    process): the reader sees the build alive."""

    def __init__(self, say, heartbeat: float = HEARTBEAT, clock=time.monotonic) -> None:
        self.say = say
        self.heartbeat = heartbeat
        self.clock = clock
        self.label: str | None = None
        self.last = 0.0
        self.said = 0.0  # when the last line was passed on (by `clock`)

    def __call__(self, done: int, total: int, label: str) -> None:
        frac = done / total if total else 1.0
        now = self.clock()
        if (
            label != self.label
            or abs(frac - self.last) >= 0.01
            or done == total
            or now - self.said >= self.heartbeat
        ):
            self.label, self.last, self.said = label, frac, now
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
