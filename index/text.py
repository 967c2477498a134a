"""Canonical text and safe display text.

Every offset in dossier (passages, highlights, alignment, tag anchors) points into the
canonical text made here, so every view agrees.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import html
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

_BOM = "\ufeff"

# C0 controls (but tab and newline), DEL and C1 controls map one-to-one onto visible
# characters, so sanitising never shifts an offset.
_CONTROL_MAP = {c: 0x2400 + c for c in range(0x20) if c not in (0x09, 0x0A)}
_CONTROL_MAP[0x7F] = 0x2421  # ␡
_CONTROL_MAP.update({c: 0xFFFD for c in range(0x80, 0xA0)})
_CONTROL_MAP.update({c: 0xFFFD for c in (0x2028, 0x2029)})
# Bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) and the
# left-to-right / right-to-left marks (U+200E, U+200F) could reorder quoted text on
# screen: shown as ⇄, never sent raw (by the reader and the command line alike).
BIDI_SYMBOL = "⇄"
_CONTROL_MAP.update(
    {c: ord(BIDI_SYMBOL) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F)}
)


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes) -> tuple[str, str | None]:
    """Bytes to str. Returns the text and, when the bytes were not valid UTF-8, a note
    saying which fallback decoded them. UTF-16 is read when a byte-order mark says so
    (Windows Notepad's "Unicode")."""
    if data.startswith(UTF16_BOMS):
        try:
            return data.decode("utf-16"), None
        except UnicodeDecodeError:
            pass
    try:
        return data.decode("utf-8"), None
    except UnicodeDecodeError as exc:
        bad = exc.start
    try:
        return data.decode("cp1252"), f"not valid UTF-8 (byte {bad}); read as Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), f"not valid UTF-8 (byte {bad}); read as Latin-1"


# Character references left in plain text by the tools that saved it (BBC's files
# have "Jos&#233;", "&#163;5m", "&lt;"): numeric ones and the five of XML, each with
# its semicolon. Other names stay as written: "AT&T", "R&D" or "&copy" are text.
_CHAR_REF = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|lt|gt|amp|quot|apos);")


def decode_char_refs(text: str) -> str:
    """Plain text with its HTML character references decoded. A reference to a
    control character decodes to nothing (html.unescape's rule), so none reaches
    the terminal."""
    if "&" not in text:
        return text
    return _CHAR_REF.sub(lambda m: html.unescape(m.group(0)), text)


def canonical(text: str) -> str:
    """BOM stripped, LF line endings, Unicode NFC."""
    if text.startswith(_BOM):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return unicodedata.normalize("NFC", text)


def content_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


_JSON_ESCAPES = {c: f"\\u{c:04x}" for c in _CONTROL_MAP}


def escape_for_json(text: str) -> str:
    """JSON text with every character safe_for_terminal would replace written as a
    \\uXXXX escape: the same data for a pipeline, nothing that steers a terminal."""
    return text.translate(_JSON_ESCAPES)


_UNSAFE = re.compile("[" + "".join(re.escape(chr(c)) for c in sorted(_CONTROL_MAP)) + "]")


def safe_for_terminal(text: str) -> str:
    """Control, escape and bidi characters made visible, one character for one, so text
    from an article can never steer the terminal and offsets stay valid. (Text with
    none is returned as it is: the search runs in C, translate() a lookup a character.)"""
    return text.translate(_CONTROL_MAP) if _UNSAFE.search(text) else text


_FOLD_CACHE: dict[str, str] = {}


# Latin letters that have no decomposition (ə ı ł ø đ þ æ œ ß …) are spelled in ASCII by
# anyascii; other scripts keep their letters (transliterating Chinese or Cyrillic would
# merge words that differ).
_LATIN = re.compile(
    r"[\u00c0-\u02af\u1d00-\u1dbf\u1e00-\u1eff\u2c60-\u2c7f\ua720-\ua7ff\uab30-\uab6f]"
)


def _ascii_latin(m: re.Match) -> str:
    return anyascii(m.group())


def fold(word: str) -> str:
    """Lower case, without accents, Latin letters in ASCII: 'Mirzoián' -> 'mirzoian',
    'Azərbaycan' -> 'azerbaycan', 'İlham' -> 'ilham', 'Łódź' -> 'lodz'. Folds a word
    (or a string) to a new string; callers map offsets on the original text, never on
    the folded one."""
    hit = _FOLD_CACHE.get(word)
    if hit is None:
        decomposed = unicodedata.normalize("NFKD", word.casefold())
        hit = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
        if not hit.isascii():
            hit = _LATIN.sub(_ascii_latin, hit).lower()
        if len(_FOLD_CACHE) < 500_000:
            _FOLD_CACHE[word] = hit
    return hit


_WORD = re.compile(r"\w+(?:['’.]\w+)*")


def variant_map(variants: tuple[tuple[str, ...], ...]) -> dict[str, str]:
    """Each folded spelling -> the folded first spelling of its group."""
    out: dict[str, str] = {}
    for group in variants:
        head = fold(group[0])
        for spelling in group:
            out[fold(spelling)] = head
    return out


def words(text: str) -> list[tuple[int, int, str]]:
    """(start, end, word) for each word of text."""
    return [(m.start(), m.end(), m.group()) for m in _WORD.finditer(text)]


LABEL_MAX = 30  # a topic label column grows to the longest label, up to this


def label_width(labels: Iterable[str], least: int = 5) -> int:
    """The width of a column of topic labels: the longest shown whole, up to LABEL_MAX."""
    return min(LABEL_MAX, max([least, *(len(label) for label in labels)]))


def plural(n: int, word: str) -> str:
    """Counts in messages read as English: "1 passage", "2 passages"."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def nearest(word: str, choices: Iterable[str], cutoff: float = 0.6) -> str | None:
    """The known name a mistyped `word` most likely meant, for "did you mean" hints."""
    near = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return near[0] if near else None


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> str:
    """Untrusted text as a CSV cell a spreadsheet shows as text, never runs as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def percent(share: float) -> str:
    """A share (0–1) as a percentage to one decimal that never rounds to 100.0% or 0.0%
    unless it is exactly that: 2 disagreements in 10,855 passages are not 100.0%."""
    shown = f"{100 * share:.1f}%"
    if shown == "100.0%" and share < 1:
        return ">99.9%"
    if shown == "0.0%" and share > 0:
        return "<0.1%"
    return shown
