"""From canonical text to title, passages and what was removed.

Generic rules driven by the patterns in config.yaml (`cleaning:`); nothing here knows a
particular site or article. One rule needs the whole corpus: a short line that is not a
sentence and stands in several articles of the same outlet or folder is site furniture
("Advertisement", a list of video titles). `line_fingerprints` gives an article's
candidate lines; the build counts them per group and passes the counts back to `clean`.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .config import Cleaning
from .model import Passage, Removed
from .regexscreen import matches

_SENTENCE_END = re.compile(r"[.!?…:;。！？；：]['\"’”»)]*$")
# A headline may end in ? or ! but never like a sentence or a clause does.
_STATEMENT_END = re.compile(r"[.…;,。；，:：]['\"’”»)]*$")
_TRAILING_ELLIPSIS = re.compile(r"(\w)(\.\.\.|…)(['\"’”»)]*)$")
_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "«": '"', "»": '"'})
_HEADING_MARK = re.compile(r"^#{1,6}\s+")
_DIGIT = re.compile(r"\d")
# A bulleted or numbered list item: each is a passage of its own, as in a web page.
_LIST_ITEM = re.compile(r"^(?:[-*+•▪◦]|\d{1,3}[.)])\s+\S")
_NUMBERS = re.compile(r"\d[\d.,]*").findall
_SENTENCE_INSIDE = re.compile(r"\w[.!?。！？]['\"’”»)]*\s+\S")
_FIRST_SENTENCE = re.compile(r"^.*?[.!?。！？](?=['\"’”»)]*(\s|$))", re.DOTALL)
HEADLINE_MAX_UNITS = 25
TITLE_MAX_CHARS = 150
# Corpus-level furniture: a line of at most this many words (see `units`), repeated in
# at least REPEAT_MIN articles of one outlet or folder.
REPEAT_MAX_UNITS = 12
REPEAT_MIN = 3
_REPEAT_MAX_CHARS = 30 * REPEAT_MAX_UNITS
# Captions and credit lines are short; longer lines are not tried against the patterns.
CAPTION_MAX_CHARS = 400


def _is_spaceless(ch: str) -> bool:
    """A letter of a script written without spaces between words (CJK, Thai, Lao,
    Khmer, Myanmar), where a word count means nothing."""
    o = ord(ch)
    return (
        0x0E00 <= o <= 0x0EFF  # Thai, Lao
        or 0x1000 <= o <= 0x109F  # Myanmar
        or 0x1780 <= o <= 0x17FF  # Khmer
        or 0x3040 <= o <= 0x30FF  # Hiragana, Katakana
        or 0x3400 <= o <= 0x9FFF  # CJK ideographs
        or 0xAC00 <= o <= 0xD7AF  # Hangul (spaced, but words are long in characters)
        or 0xF900 <= o <= 0xFAFF
        or 0x20000 <= o <= 0x2FFFF
    )


def units(text: str) -> int:
    """Length in words; in scripts without spaces, two characters count as one word
    (a Chinese word is one to three characters), so a paragraph of Chinese is long and
    a two-character section label short."""
    if text.isascii():
        return len(text.split())
    count = 0
    for w in text.split():
        if w.isascii():
            count += 1
            continue
        spaceless = sum(1 for ch in w if _is_spaceless(ch))
        count += max(1, (spaceless + 1) // 2 + (1 if spaceless < len(w) else 0))
    return count


@dataclass(slots=True)
class Cleaned:
    title: str | None
    passages: list[Passage]
    removed: list[Removed]
    dateline: dict[str, str] = field(default_factory=dict)
    title_from_text: bool = False  # the title is a line of the text (a headline)


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


_LEADING_MARKS = re.compile(r"^[•·*|\-–—\s]+")
_SPACES = re.compile(r"\s+")


def _norm(line: str) -> str:
    line = _HEADING_MARK.sub("", line).translate(_QUOTES)
    line = _LEADING_MARKS.sub("", line)
    return _SPACES.sub(" ", line).strip().casefold()


def _may_be(line: str, key: str) -> bool:
    """False when the stripped `line` cannot normalise to `key`: an ASCII line's
    normal form ends with its own last character, lower-cased (only its start and its
    spaces change). Most lines are paragraphs that end otherwise than the title."""
    return not (key and line.isascii()) or line[-1].lower() == key[-1]


def _is_headline_like(text: str, max_words: int = HEADLINE_MAX_UNITS) -> bool:
    return bool(text) and units(text) <= max_words and not _SENTENCE_END.search(text)


def fingerprint(line: str) -> str:
    return hashlib.blake2b(_norm(line).encode("utf-8"), digest_size=6).hexdigest()


def _is_table_row(text: str) -> bool:
    """A line of a table: a short line with a figure that is not a sentence, or a line
    of three figures or more. (Prose that mentions a year is neither.)"""
    if not _DIGIT.search(text):
        return False
    if len(_NUMBERS(text)) >= 3:
        return True
    return (
        len(text) <= _REPEAT_MAX_CHARS
        and not _SENTENCE_END.search(text)
        and units(text) <= REPEAT_MAX_UNITS
    )


def _repeat_candidates(lines: list[_Line]) -> list[_Line]:
    """Short lines that are not sentences and have no figures in or near them: the
    lines the corpus-level rule may drop. Short lines beside short lines with figures
    are tables ("Qtly div six cts vs six cts prior" recurs across earnings reports, as
    data)."""
    content = [ln for ln in lines if ln.kind != "blank"]
    # Whether a line is a table row is asked only beside a short line (most are long).
    table: list[bool | None] = [None] * len(content)

    def near_table(i: int) -> bool:
        for j in range(max(0, i - 2), min(len(content), i + 3)):
            if table[j] is None:
                table[j] = _is_table_row(content[j].text)
            if table[j]:
                return True
        return False

    out = []
    for i, ln in enumerate(content):
        if (
            len(ln.text) <= _REPEAT_MAX_CHARS
            and not _SENTENCE_END.search(ln.text)
            and not _SENTENCE_INSIDE.search(ln.text)
            and units(ln.text) <= REPEAT_MAX_UNITS
            and any(ch.isalpha() for ch in ln.text)
            and not near_table(i)
        ):
            out.append(ln)
    return out


def line_fingerprints(text: str, body_start: int = 0) -> list[str]:
    """Fingerprints of the lines of an article that the corpus-level rule counts."""
    return sorted({fingerprint(ln.text) for ln in _repeat_candidates(_lines(text, body_start))})


def clean(
    text: str,
    rules: Cleaning,
    article_id: str,
    body_start: int = 0,
    known_title: str | None = None,
    repeated: Mapping[str, int] | None = None,
) -> Cleaned:
    """Split the canonical `text` (from `body_start`, past any front matter) into
    passages; find the title unless `known_title` is given. `repeated` maps the
    fingerprints of lines that stand in several articles of this article's group to
    their article count."""
    lines = _lines(text, body_start)
    content = [ln for ln in lines if ln.kind == "text"]

    # Navigation lines anywhere (category lines), breadcrumbs above everything else.
    for ln in content:
        if matches(rules.navigation, ln.text):
            ln.kind = "navigation"
    for ln in content:
        if ln.kind == "text" and not matches(rules.breadcrumbs, ln.text):
            break
        ln.kind = "navigation"
    if repeated:
        for ln in _repeat_candidates(lines):
            n = repeated.get(fingerprint(ln.text))
            if n and ln.kind == "text":
                ln.kind = f"repeated in {n} articles"

    title, from_text = known_title, False
    if title is None:
        title = _detect_title(content, rules, _lone_lines(lines))
        from_text = title is not None
    if title:
        key = _norm(title)
        for ln in content:
            if ln.kind == "text" and _may_be(ln.text, key) and _norm(ln.text) == key:
                first = from_text and not _has_kind(content, "title")
                ln.kind = "title" if first else "duplicate title"

    _mark_boilerplate(content, rules)
    dateline = _take_dateline(content, rules)
    passages = _passages(text, lines, article_id)
    if title is None and passages:
        title = first_sentence(passages[0].text)
    return Cleaned(
        title=title,
        passages=passages,
        removed=[
            Removed(ln.start, ln.end, ln.kind) for ln in lines if ln.kind not in ("text", "blank")
        ],
        dateline=dateline,
        title_from_text=from_text,
    )


def first_sentence(text: str, max_chars: int = TITLE_MAX_CHARS) -> str:
    """The first sentence of a paragraph, cut at a word near `max_chars`: a title for a
    text that has no headline."""
    flat = re.sub(r"\s+", " ", text).strip()
    m = _FIRST_SENTENCE.match(flat)
    sentence = m.group() if m else flat
    if len(sentence) <= max_chars:
        return sentence
    cut = sentence.rfind(" ", 0, max_chars)
    return sentence[: cut if cut > max_chars // 2 else max_chars].rstrip(" ,;:") + "…"


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


def is_headline(text: str, continues: bool = False) -> bool:
    """A line that reads as a headline: short, not ending as a statement does, and not
    the first line of a paragraph that goes on in lower case."""
    text = _HEADING_MARK.sub("", text)
    if not text or units(text) > HEADLINE_MAX_UNITS or len(text) > 2 * TITLE_MAX_CHARS:
        return False
    # A teaser headline may trail off ("My memories of Marley...").
    if _STATEMENT_END.search(_TRAILING_ELLIPSIS.sub(r"\1", text)):
        return False
    return not continues


def _detect_title(content: list[_Line], rules: Cleaning, lone: set[int]) -> str | None:
    """The first line that is not navigation and not a lone section label, when it
    looks like a headline; None when the text opens with reading matter instead."""
    candidates = [ln for ln in content if ln.kind == "text"]
    for i, ln in enumerate(candidates):
        nxt = candidates[i + 1] if i + 1 < len(candidates) else None
        is_label = (
            units(ln.text) <= rules.section_label_max_words
            and ln.start in lone
            and _is_headline_like(ln.text)
            and nxt is not None
            and nxt.start in lone
            and _is_headline_like(nxt.text)
        )
        if is_label:
            ln.kind = "section label"
            continue
        if matches(rules.boilerplate, ln.text) or _is_caption(ln.text, rules):
            continue
        continues = ln.start not in lone and nxt is not None and nxt.text[:1].islower()
        return _HEADING_MARK.sub("", ln.text) if is_headline(ln.text, continues) else None
    return None


def _is_caption(text: str, rules: Cleaning) -> bool:
    return len(text) <= CAPTION_MAX_CHARS and matches(rules.captions, text)


def _mark_boilerplate(content: list[_Line], rules: Cleaning) -> None:
    in_links = False
    for ln in content:
        if ln.kind != "text":
            continue
        if matches(rules.link_blocks, ln.text):
            ln.kind, in_links = "links", True
        elif matches(rules.boilerplate, ln.text):
            ln.kind = "boilerplate"
        elif _is_caption(ln.text, rules):
            ln.kind = "caption or credit"
        elif in_links and _is_headline_like(ln.text):
            ln.kind = "links"
        else:
            in_links = False


def _take_dateline(content: list[_Line], rules: Cleaning) -> dict[str, str]:
    """Outlet and date from a dateline in the first lines ('May 5. (EUROPE PRESS) –',
    'MOSCOW (Reuters) -')."""
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
    """Runs of kept lines between blank or removed lines, numbered from 1, a list item
    opening a passage of its own; `text[start:end]` is exactly the passage."""
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
            if _LIST_ITEM.match(ln.text):
                flush()
            run.append(ln)
        else:
            flush()
    flush()
    return passages
