"""From canonical text to title, passages and what was removed.

Generic rules driven by the patterns in config.yaml (`cleaning:`); nothing here knows a
particular site or article.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .config import Cleaning
from .model import Passage, Removed

_SENTENCE_END = re.compile(r"[.!?…:;]['\"’”»)]*$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_HEADING_MARK = re.compile(r"^#{1,6}\s+")


@dataclass(slots=True)
class Cleaned:
    title: str | None
    passages: list[Passage]
    removed: list[Removed]
    dateline: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class _Line:
    start: int
    end: int
    text: str  # stripped
    kind: str = "text"  # text | blank | a Removed reason


def _lines(text: str, start: int) -> list[_Line]:
    out, pos = [], start
    for raw in text[start:].split("\n"):
        end = pos + len(raw)
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        s, e = pos + lead, pos + lead + len(stripped)
        out.append(_Line(s, e, stripped, "text" if stripped else "blank"))
        pos = end + 1
    return out


def _norm(line: str) -> str:
    line = _HEADING_MARK.sub("", line).translate(_QUOTES)
    line = re.sub(r"^[•·*|\-–—\s]+", "", line)
    return re.sub(r"\s+", " ", line).strip().casefold()


def _is_headline_like(text: str, max_words: int = 25) -> bool:
    return bool(text) and len(text.split()) <= max_words and not _SENTENCE_END.search(text)


def _matches(patterns: tuple[re.Pattern, ...], text: str) -> bool:
    return any(p.search(text) for p in patterns)


def clean(
    text: str, rules: Cleaning, article_id: str, body_start: int = 0, known_title: str | None = None
) -> Cleaned:
    """Split the canonical `text` (from `body_start`, past any front matter) into
    passages; find the title unless `known_title` is given."""
    lines = _lines(text, body_start)
    content = [ln for ln in lines if ln.kind == "text"]

    # Navigation lines anywhere (breadcrumbs, category lines) are never reading matter.
    for ln in content:
        if _matches(rules.navigation, ln.text):
            ln.kind = "navigation"

    title = known_title
    if title is None:
        title = _detect_title(content, rules, _lone_lines(lines))
    if title:
        key = _norm(title)
        for ln in content:
            if ln.kind == "text" and _norm(ln.text) == key:
                ln.kind = (
                    "title"
                    if known_title is None and not _has_kind(content, "title")
                    else "duplicate title"
                )

    _mark_boilerplate(content, rules)
    dateline = _take_dateline(content, rules)
    return Cleaned(
        title=title,
        passages=_passages(text, lines, article_id),
        removed=[
            Removed(ln.start, ln.end, ln.kind) for ln in lines if ln.kind not in ("text", "blank")
        ],
        dateline=dateline,
    )


def _has_kind(lines: list[_Line], kind: str) -> bool:
    return any(ln.kind == kind for ln in lines)


def _lone_lines(lines: list[_Line]) -> set[int]:
    """Starts of the text lines that make a paragraph on their own, as headings do."""
    return {
        ln.start
        for i, ln in enumerate(lines)
        if ln.kind == "text"
        and (i == 0 or lines[i - 1].kind != "text")
        and (i + 1 == len(lines) or lines[i + 1].kind != "text")
    }


def _detect_title(content: list[_Line], rules: Cleaning, lone: set[int]) -> str | None:
    """The first line that is not navigation and not a lone section label."""
    candidates = [ln for ln in content if ln.kind == "text"]
    for i, ln in enumerate(candidates):
        nxt = candidates[i + 1] if i + 1 < len(candidates) else None
        is_label = (
            len(ln.text.split()) <= rules.section_label_max_words
            and ln.start in lone
            and _is_headline_like(ln.text)
            and nxt is not None
            and nxt.start in lone
            and _is_headline_like(nxt.text)
        )
        if is_label:
            ln.kind = "section label"
            continue
        return _HEADING_MARK.sub("", ln.text)
    return None


def _mark_boilerplate(content: list[_Line], rules: Cleaning) -> None:
    in_links = False
    for ln in content:
        if ln.kind != "text":
            continue
        if _matches(rules.link_blocks, ln.text):
            ln.kind, in_links = "links", True
        elif _matches(rules.boilerplate, ln.text):
            ln.kind = "boilerplate"
        elif in_links and _is_headline_like(ln.text):
            ln.kind = "links"
        else:
            in_links = False


def _take_dateline(content: list[_Line], rules: Cleaning) -> dict[str, str]:
    """Outlet and date from a dateline in the first lines ('May 5. (EUROPE PRESS) –')."""
    for ln in [ln for ln in content if ln.kind == "text"][:3]:
        for pattern in rules.datelines:
            m = pattern.search(ln.text)
            if not m:
                continue
            found = {k: v.strip() for k, v in m.groupdict().items() if v and v.strip()}
            if m.start() == 0 and not ln.text[m.end() :].strip(" –—-:"):
                ln.kind = "dateline"
            return found
    return {}


def _passages(text: str, lines: list[_Line], article_id: str) -> list[Passage]:
    """Runs of kept lines between blank or removed lines, numbered from 1;
    `text[start:end]` is exactly the passage."""
    passages: list[Passage] = []
    run: list[_Line] = []

    def flush() -> None:
        if run:
            start, end = run[0].start, run[-1].end
            n = len(passages) + 1
            passages.append(Passage(article_id, n, start, end, text[start:end]))
            run.clear()

    for ln in lines:
        if ln.kind == "text":
            run.append(ln)
        else:
            flush()
    flush()
    return passages
