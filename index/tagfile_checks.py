"""What is wrong with one raw entry, dismissal or memo of the tag file, as a reason and
the key path inside it (index/tagfile.py turns that into a message with the line)."""

from __future__ import annotations

from typing import Any


def check_entry(raw: Any) -> tuple[str, tuple] | None:
    """What is wrong with one raw entry (reason, key path inside it), or None."""
    if not isinstance(raw, dict):
        return "each entry must be a mapping", ()
    for key in ("id", "article"):
        v = raw.get(key)
        if not isinstance(v, str | int) or isinstance(v, bool) or str(v) == "":
            return f"entry needs '{key}' (text)", (key,) if key in raw else ()
    topics = raw.get("topics")
    if topics is not None and not isinstance(topics, str | list):
        return "'topics' must be a list of topic ids", ("topics",)
    if isinstance(topics, list) and not all(isinstance(t, str | int) for t in topics):
        return "'topics' must be a list of topic ids", ("topics",)
    note = raw.get("note")
    if note is not None and not isinstance(note, str | int | float):
        return "'note' must be text", ("note",)
    anchor = raw.get("anchor")
    if not isinstance(anchor, dict):
        return "entry needs an 'anchor' mapping (start, end, exact)", (
            "anchor",
        ) if "anchor" in raw else ()
    for key in ("start", "end"):
        v = anchor.get(key)
        if not isinstance(v, int) or isinstance(v, bool) or v < 0:
            return f"anchor '{key}' must be a whole number >= 0", ("anchor", key)
    if anchor["end"] < anchor["start"]:
        return "anchor 'end' is before 'start'", ("anchor", "end")
    for key in ("exact", "prefix", "suffix"):
        v = anchor.get(key)
        if (key == "exact" and not isinstance(v, str)) or (
            v is not None and not isinstance(v, str)
        ):
            return f"anchor '{key}' must be text", ("anchor", key)
    return None


def check_dismissal(raw: Any) -> tuple[str, tuple] | None:
    if not isinstance(raw, dict):
        return "each dismissal must be a mapping (article, passage, topic)", ()
    if not isinstance(raw.get("article"), str | int) or not raw.get("topic"):
        return "a dismissal needs 'article' and 'topic'", ()
    p = raw.get("passage")
    if not isinstance(p, int) or isinstance(p, bool):
        return "a dismissal needs 'passage' (a number)", ("passage",)
    return None


def _optional_text(raw: dict, keys: tuple[str, ...]) -> str | None:
    for key in keys:
        v = raw.get(key)
        if v is not None and (not isinstance(v, str | int | float) or isinstance(v, bool)):
            return key
    return None


def check_memo(raw: Any) -> tuple[str, tuple] | None:
    """What is wrong with one raw memo (reason, key path inside it), or None."""
    if not isinstance(raw, dict):
        return "each memo must be a mapping (id, article or topic, text)", ()
    v = raw.get("id")
    if not isinstance(v, str | int) or isinstance(v, bool) or str(v) == "":
        return "memo needs 'id' (text)", ("id",) if "id" in raw else ()
    bad = _optional_text(raw, ("article", "topic", "coder"))
    if bad:
        return f"memo '{bad}' must be text", (bad,)
    if raw.get("article") in (None, "") and raw.get("topic") in (None, ""):
        return "a memo needs 'article' or 'topic' (what it is about)", ()
    if not isinstance(raw.get("text"), str | int | float) or isinstance(raw.get("text"), bool):
        return "memo needs 'text'", ("text",) if "text" in raw else ()
    return None
