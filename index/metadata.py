"""Facts about an article that are not reading matter: front matter, the corpus
sidecar file, outlet names and dates."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .yamlpos import safe_load

SIDECAR = "metadata.yaml"
# A front matter value longer than this is cut (a title or an outlet is never this long;
# a hostile file must not make every view carry megabytes).
MAX_VALUE_CHARS = 2000
MAX_KEYS = 200
_YAML_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)
_TOML_FRONT = re.compile(r"\A\+\+\+[ \t]*\n(.*?\n)?\+\+\+[ \t]*(\n|\Z)", re.DOTALL)
_LENIENT_LINE = re.compile(r"^([A-Za-z_][\w.-]*)[ \t]*[:=][ \t]*(.*?)[ \t]*$")
# `Key: value` header lines at the top of a plain text file: only these keys, so a
# headline such as "Blinken: talks progress" is never read as a header.
HEADER_KEYS = {
    "title",
    "post_title",
    "headline",
    "date",
    "post_date",
    "published",
    "source",
    "outlet",
    "site",
    "publisher",
    "url",
    "link",
    "author",
    "byline",
    "by",
    "section",
    "category",
    "tags",
    "language",
    "lang",
}
_HEADER_LINE = re.compile(r"^([A-Za-z][A-Za-z_ ]{0,20}?)[ \t]*:[ \t]+(\S.*?)[ \t]*$")
# Which keys give which standard fields, first present wins.
FIELD_KEYS = {
    "title": ("title", "post_title", "headline"),
    "date": ("date", "post_date", "published"),
    "source": ("source", "outlet", "site", "publisher"),
    "url": ("url", "link"),
}
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


@dataclass(slots=True)
class FrontMatter:
    """What the head of a file says about it; `body_start` is where reading matter
    begins (0 when there is no front matter)."""

    meta: dict[str, str] = field(default_factory=dict)
    body_start: int = 0
    warnings: list[str] = field(default_factory=list)


def load_yaml_mapping(text: str) -> Any:
    """YAML loaded safely, with no alias expansion. Raises yaml.YAMLError."""
    try:
        return safe_load(text, aliases=False)
    except (ValueError, OverflowError, TypeError, RecursionError) as exc:
        # a value the constructor cannot build, e.g. `date: 2023-02-30`
        raise yaml.constructor.ConstructorError(
            None, None, f"a value that cannot be read ({exc})", None
        ) from None


def display_value(value: Any) -> str:
    """A metadata value as text a person reads: lists joined ("a, b"), never a Python
    repr; capped at MAX_VALUE_CHARS."""
    if isinstance(value, (list, tuple, set)):
        text = ", ".join(display_value(v) for v in value if v is not None and v != "")
    elif isinstance(value, dict):
        text = ", ".join(f"{k}: {display_value(v)}" for k, v in value.items())
    elif isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif value is None:
        text = ""
    else:
        text = str(value)
    if len(text) > MAX_VALUE_CHARS:
        text = text[: MAX_VALUE_CHARS - 1] + "…"
    return text


def _mapping(data: dict) -> dict[str, str]:
    out: dict[str, str] = {}
    for k, v in list(data.items())[:MAX_KEYS]:
        if isinstance(k, bool) or not isinstance(k, (str, int, float, dt.date)):
            continue
        key = display_value(k)[:100]
        out[key] = display_value(v)
    return out


def _lenient(block: str) -> dict[str, str]:
    """`key: value` (or `key = value`) per line, for front matter that does not parse;
    indented and list lines are skipped."""
    out: dict[str, str] = {}
    for line in block.split("\n"):
        m = _LENIENT_LINE.match(line)
        if m and len(out) < MAX_KEYS:
            value = m.group(2)
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
                value = value[1:-1]
            out.setdefault(m.group(1), display_value(value))
    return out


def _yaml_front(m: re.Match) -> FrontMatter:
    block = m.group(1) or ""
    try:
        data = load_yaml_mapping(block)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "not valid YAML"
        context = getattr(exc, "context", None) or ""
        if context.startswith(("while parsing a flow", "while scanning a quoted")):
            mark = getattr(exc, "context_mark", None) or mark  # where it was opened
            problem = f"{context.split(' ', 2)[2]} is never closed"
        where = f"line {mark.line + 2}" if mark else "front matter"
        note = f"front matter {where}: {problem}; read leniently as `key: value` lines"
        return FrontMatter(_lenient(block), m.end(), [note])
    if data is None:
        return FrontMatter({}, m.end())
    if not isinstance(data, dict):
        return FrontMatter({}, m.end(), ["front matter is not a mapping; metadata ignored"])
    return FrontMatter(_mapping(data), m.end())


def _toml_front(m: re.Match) -> FrontMatter:
    block = m.group(1) or ""
    try:
        data = tomllib.loads(block)
    except tomllib.TOMLDecodeError as exc:
        note = f"TOML front matter: {exc}; read leniently as `key = value` lines"
        return FrontMatter(_lenient(block), m.end(), [note])
    return FrontMatter(_mapping(data), m.end())


def _header_lines(text: str) -> FrontMatter:
    """`Title: …` / `Source: …` lines at the very top, ended by a blank line; every
    line must name a known key."""
    end = text.find("\n\n")
    head = text if end < 0 else text[:end]
    if not head or len(head) > 20 * MAX_VALUE_CHARS:
        return FrontMatter()
    out: dict[str, str] = {}
    for line in head.split("\n"):
        m = _HEADER_LINE.match(line)
        key = m.group(1).strip().lower().replace(" ", "_") if m else ""
        if key not in HEADER_KEYS:
            return FrontMatter()
        out[key] = display_value(m.group(2))
    if end < 0:
        return FrontMatter(out, len(text))
    return FrontMatter(out, end + 1)


def read_front_matter(text: str) -> FrontMatter:
    """YAML (`---`), TOML (`+++`) or `Key: value` header lines at the head of a file.
    Front matter that does not parse is read leniently with a warning naming the line;
    the text itself is never lost."""
    m = _YAML_FRONT.match(text)
    if m:
        return _yaml_front(m)
    m = _TOML_FRONT.match(text)
    if m:
        return _toml_front(m)
    return _header_lines(text)


def standard_fields(meta: dict[str, Any]) -> tuple[dict[str, str], dict[str, Any]]:
    """({title, date, source, url} found under any of their keys, the other keys)."""
    found: dict[str, str] = {}
    used: set[str] = set()
    lowered = {str(k).lower(): k for k in meta}
    for name, keys in FIELD_KEYS.items():
        for key in keys:
            real = lowered.get(key)
            if real is None:
                continue
            used.add(real)
            value = display_value(meta[real]).strip()
            if value and name not in found:
                found[name] = value
    return found, {k: v for k, v in meta.items() if k not in used}


def iso_date(value: Any) -> str | None:
    """A date from front matter or a sidecar as YYYY-MM-DD, when it is one."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        m = re.match(r"\s*(\d{4})-(\d{2})-(\d{2})", value)
        if m:
            return "-".join(m.groups())
        return date_from_words(value)
    return None


def date_from_words(text: str, default_year: int | None = None) -> str | None:
    """'May 5, 2023' or '5 May 2023' to 2023-05-05. Without a year, `default_year` is
    used when given, else None."""
    year_part = r"(?:,?\s+(\d{4}))?" if default_year else r",?\s+(\d{4})"
    m = re.search(r"([A-Za-z]{3,})\.?\s+(\d{1,2})(?!\d)" + year_part, text)
    if m:
        month, day, year = m.group(1), m.group(2), m.group(3)
    else:
        m = re.search(r"(\d{1,2})\s+([A-Za-z]{3,})\.?" + year_part, text)
        if not m:
            return None
        day, month, year = m.group(1), m.group(2), m.group(3)
    mon = _MONTHS.get(month[:3].lower())
    if not mon:
        return None
    try:
        return dt.date(int(year or default_year), mon, int(day)).isoformat()
    except (TypeError, ValueError):
        return None


def outlet_name(raw: str | None, aliases: dict[str, str]) -> str | None:
    if not raw:
        return None
    raw = str(raw).strip()
    for k, v in aliases.items():
        if k.casefold() == raw.casefold():
            return v
    return raw


def load_sidecar(corpus: Path) -> tuple[dict[str, dict[str, Any]], str | None]:
    """The corpus's metadata.yaml: article id -> {source, date, url, ...}."""
    path = corpus / SIDECAR
    if not path.is_file():
        return {}, None
    try:
        data = load_yaml_mapping(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return {}, f"{path}: cannot be read ({exc}); its metadata is ignored"
    if not isinstance(data, dict):
        return {}, f"{path}: must map article ids to metadata; ignored"
    return {str(k): _mapping(v) for k, v in data.items() if isinstance(v, dict)}, None
