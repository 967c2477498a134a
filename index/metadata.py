"""Facts about an article that are not reading matter: front matter, the corpus
sidecar file, outlet names and dates."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import yaml

from .yamlpos import safe_load

SIDECAR = "metadata.yaml"
_FRONT = re.compile(r"\A---[ \t]*\n(.*?\n)?---[ \t]*(\n|\Z)", re.DOTALL)
_MONTHS = {
    m: i
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], 1
    )
}


def split_front_matter(text: str) -> tuple[dict[str, Any], int, str | None]:
    """(metadata, offset where the body starts, warning). Bad front matter is reported
    and read as no metadata; the text itself is never lost."""
    m = _FRONT.match(text)
    if not m:
        return {}, 0, None
    try:
        data = safe_load(m.group(1) or "") or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 2})" if mark else ""
        return {}, m.end(), f"front matter is not valid YAML{where}; metadata ignored"
    if not isinstance(data, dict):
        return {}, m.end(), "front matter is not a mapping; metadata ignored"
    return {str(k): v for k, v in data.items()}, m.end(), None


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


def date_from_words(text: str) -> str | None:
    """'May 5, 2023' or '5 May 2023' to 2023-05-05; None without a year."""
    m = re.search(r"([A-Za-z]{3,})\.?\s+(\d{1,2}),?\s+(\d{4})", text) or None
    if m:
        month, day, year = m.group(1), m.group(2), m.group(3)
    else:
        m = re.search(r"(\d{1,2})\s+([A-Za-z]{3,})\.?,?\s+(\d{4})", text)
        if not m:
            return None
        day, month, year = m.group(1), m.group(2), m.group(3)
    mon = _MONTHS.get(month[:3].lower())
    if not mon:
        return None
    try:
        return dt.date(int(year), mon, int(day)).isoformat()
    except ValueError:
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
        data = safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        return {}, f"{path}: cannot be read ({exc}); its metadata is ignored"
    if not isinstance(data, dict):
        return {}, f"{path}: must map article ids to metadata; ignored"
    return {str(k): v for k, v in data.items() if isinstance(v, dict)}, None
