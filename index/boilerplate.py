"""Corpus-level boilerplate: lines that stand in several articles of one outlet or folder.

Each article gives the fingerprints of its candidate lines (short, not a sentence, no
figures near them: `cleaning.line_fingerprints`) and the groups it belongs to (its
folder, and its outlet when front matter or the sidecar names one). A fingerprint found
in REPEAT_MIN or more articles of a group marks that line as furniture in every article
of the group. Articles saved twice (the same text) count once, so a copy never makes
its own lines furniture.

The build keeps each article's fingerprints beside the index, so an update recounts
without reading unchanged files, and re-cleans exactly the articles whose set of
repeated lines changed.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .cleaning import REPEAT_MIN
from .manifest import write_json
from .text import fold

LINES_FILE = "lines.json"
Repeated = dict[str, dict[str, int]]  # group -> fingerprint -> articles


def groups_of(article_id: str, outlet: str | None) -> list[str]:
    """The groups an article's lines are counted in: its folder, and its outlet."""
    folder = article_id.rsplit("/", 1)[0] if "/" in article_id else ""
    out = [f"folder:{folder}"]
    if outlet and outlet.strip():
        out.append(f"outlet:{fold(outlet.strip())}")
    return out


@dataclass(slots=True)
class LineEntry:
    groups: list[str]
    body: str  # hash of the file's text, so that copies count once
    lines: list[str]  # fingerprints


def count(entries: Iterable[LineEntry]) -> Repeated:
    """Per group, the fingerprints in REPEAT_MIN or more distinct articles."""
    # The bodies a line was seen in: one as a str (most lines), more as a set.
    seen: dict[str, dict[str, str | set[str]]] = defaultdict(dict)
    for e in entries:
        body = e.body
        for g in e.groups:
            per = seen[g]
            for fp in e.lines:
                have = per.get(fp)
                if have is None:
                    per[fp] = body
                elif type(have) is str:
                    if have != body:
                        per[fp] = {have, body}
                else:
                    have.add(body)
    out: Repeated = {}
    for g, per in seen.items():
        hits = {
            fp: len(bodies)
            for fp, bodies in per.items()
            if type(bodies) is not str and len(bodies) >= REPEAT_MIN
        }
        if hits:
            out[g] = hits
    return out


def repeated_for(repeated: Repeated, groups: list[str], lines: Iterable[str]) -> dict[str, int]:
    """The repeated lines of one article: fingerprint -> articles (the largest group)."""
    out: dict[str, int] = {}
    tables = [repeated[g] for g in groups if g in repeated]
    if not tables:
        return out
    for fp in lines:
        n = max((t.get(fp, 0) for t in tables), default=0)
        if n:
            out[fp] = n
    return out


class LineStore:
    """Every article's groups and fingerprints, kept beside the index (read only when
    something changed)."""

    def __init__(self, entries: dict[str, LineEntry] | None = None):
        self.entries: dict[str, LineEntry] = entries or {}

    @classmethod
    def load(cls, index_dir: Path) -> LineStore | None:
        try:
            data = json.loads((index_dir / LINES_FILE).read_text(encoding="utf-8"))
            return cls({k: LineEntry(*v) for k, v in data["articles"].items()})
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def save(self, index_dir: Path) -> None:
        items = ((k, _dumps([e.groups, e.body, e.lines])) for k, e in self.entries.items())
        save_lines(index_dir, items)

    def counts(self) -> Repeated:
        return count(self.entries.values())

    def affected(self, old: Repeated, new: Repeated, skip: set[str]) -> list[str]:
        return affected(self.entries.items(), old, new, skip)


_dumps = json.JSONEncoder(separators=(",", ":")).encode


def save_lines(index_dir: Path, items: Iterable[tuple[str, str]]) -> None:
    """The line store from (id, [groups, body, lines] as JSON text)."""
    write_json(index_dir / LINES_FILE, {}, "articles", items)


def affected(
    entries: Iterable[tuple[str, LineEntry]], old: Repeated, new: Repeated, skip: set[str]
) -> list[str]:
    """Articles (other than `skip`) whose repeated lines differ between two counts:
    they must be cleaned again. The count in a reason may change without this (it
    is read fresh when an article is shown)."""
    changed_groups = {g for g in set(old) | set(new) if old.get(g) != new.get(g)}
    if not changed_groups:
        return []
    out = []
    for aid, e in entries:
        if aid in skip or not changed_groups.intersection(e.groups):
            continue
        before = set(repeated_for(old, e.groups, e.lines))
        after = set(repeated_for(new, e.groups, e.lines))
        if before != after:
            out.append(aid)
    return out
