"""What a rebuild learns of each article and needs only once every file is read: its
manifest entry, its line entry and its duplicate sketch. They are written to a file in
the folder being built, one line an article, and read back in passes at the end (count
repeated lines, find duplicates, save the stores and the manifest), so the build's own
process stays about the same size whatever the size of the corpus (as objects they
took ~2 kB an article: ~200 MB at 100k articles).

A line is four JSON texts separated by tabs (JSON escapes a tab inside a string): the
id, the manifest entry, the line entry and the sketch, each as the stores write it, so
saving copies the text without decoding it."""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator
from pathlib import Path

from .boilerplate import LineEntry
from .duplicates import Fingerprint

# Hidden: not an index file (indexfiles skips names starting with a dot).
LOG = ".articles-read.jsonl"
_dumps = json.JSONEncoder(separators=(",", ":")).encode
_NO_LINES = ",[]]"  # how a line entry without lines ends
_HELD = "{}"  # the manifest entry of an article held: the caller's, once known


class ArticleLog:
    """Appended while a rebuild reads; read back once closed. The report's totals are
    counted as articles are put."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / LOG
        self._out = open(self.path, "w", encoding="utf-8")  # noqa: SIM115 (closed by close())
        self.articles = 0
        self.passages = 0
        self.title_only = 0
        self.dropped: set[str] = set()  # put, then found unreadable: left out of rows

    def put(self, aid: str, info: dict, entry: LineEntry, fp: Fingerprint | None) -> None:
        line = [entry.groups, entry.body, entry.lines]
        self._out.write(f"{_dumps(aid)}\t{_dumps(info)}\t{_dumps(line)}\t{sketch_text(fp)}\n")
        self.articles += 1
        self.passages += info["passages"]
        self.title_only += bool(info.get("title_only"))

    def hold(self, aid: str, entry: LineEntry) -> None:
        """An article whose manifest entry and sketch are known only later (the
        caller keeps them): its line entry, in its place among the others."""
        line = [entry.groups, entry.body, entry.lines]
        self._out.write(f"{_dumps(aid)}\t{_HELD}\t{_dumps(line)}\tnull\n")
        self.articles += 1

    def close(self) -> None:
        self._out.close()

    def drop(self, aid: str) -> None:
        self.dropped.add(aid)

    def discard(self) -> None:
        self._out.close()
        self.path.unlink(missing_ok=True)

    def rows(self) -> Iterator[tuple[str, str, str, str]]:
        """(id, and as JSON text: manifest entry, line entry, sketch or null) of every
        article put, in order."""
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                aid, info, entry, sketch = line.rstrip("\n").split("\t")
                aid = json.loads(aid)
                if aid not in self.dropped:
                    yield aid, info, entry, sketch

    def line_entries(self) -> Iterator[tuple[str, LineEntry]]:
        """The line entries that have lines to count: one without counts nowhere and
        is never cleaned again (most articles; decoding theirs was most of a pass)."""
        for aid, _, entry, _ in self.rows():
            if not entry.endswith(_NO_LINES):
                yield aid, LineEntry(*json.loads(entry))


def sketch_text(fp: Fingerprint | None) -> str:
    """A sketch as the log and the duplicate store write it (`null` for none)."""
    return _dumps([fp.exact, list(fp.sketch), fp.figures] if fp else None)


def sketch_of(text: str) -> Fingerprint | None:
    """A sketch from the log, its hashes packed as 32-bit integers (a third of the
    memory of a list of them): every article's is held to compare them."""
    found = json.loads(text)
    if not found:
        return None
    exact, sketch, figures = found
    return Fingerprint(exact, array("I", sketch), figures)
