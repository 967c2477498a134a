"""Printing library data to a terminal or a pipe, safely."""

from __future__ import annotations

import json
import sys
from typing import Any

from index.text import escape_for_json, safe_for_terminal


def emit_json(data: Any) -> None:
    sys.stdout.write(escape_for_json(json.dumps(data, ensure_ascii=False, indent=2)) + "\n")


def emit_jsonl(data: Any) -> None:
    sys.stdout.write(escape_for_json(json.dumps(data, ensure_ascii=False)) + "\n")


def styled(
    text: str, spans: list[tuple[int, int]] = (), tty: bool | None = None, style: str = "1;33"
) -> str:
    """Article text made safe for the terminal, hits in bold colour on a tty."""
    tty = sys.stdout.isatty() if tty is None else tty
    text = safe_for_terminal(text)
    if not tty or not spans:
        return text
    out, pos = [], 0
    for s, e in spans:
        out += [text[pos:s], f"\x1b[{style}m", text[s:e], "\x1b[0m"]
        pos = e
    out.append(text[pos:])
    return "".join(out)


def line(text: str = "") -> None:
    print(safe_for_terminal(text))


class ProgressBar:
    """A one-line progress bar on stderr when it is a terminal; silent otherwise."""

    def __init__(self) -> None:
        self.enabled = sys.stderr.isatty()

    def __call__(self, done: int, total: int, label: str) -> None:
        if not self.enabled or not total:
            return
        width = 30
        filled = int(width * done / total)
        sys.stderr.write(f"\r{label:<10} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()
