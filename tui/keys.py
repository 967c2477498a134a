"""The keys in effect (defaults from tui/actions.py, overridden by `keys:` in config.yaml)
and the checks of `keys:` and of the topic keys. No Textual here: the command line runs
the same checks (`check_keys`) before any command."""

from __future__ import annotations

import string
import unicodedata
from pathlib import Path

import yaml

from index.config import Settings
from index.errors import ConfigError
from index.text import nearest
from index.yamlpos import node_line

from .actions import ACTIONS, BY_ID, CONTEXTS, SCOPES

_MODIFIERS = ("ctrl", "shift", "alt", "meta", "super", "hyper")
_NAMED = {
    "escape",
    "enter",
    "tab",
    "space",
    "backspace",
    "delete",
    "insert",
    "home",
    "end",
    "pageup",
    "pagedown",
    "up",
    "down",
    "left",
    "right",
    *(f"f{i}" for i in range(1, 25)),
}
_REPLACEMENTS = {  # as Textual names these characters
    "solidus": "slash",
    "reverse_solidus": "backslash",
    "commercial_at": "at",
    "hyphen_minus": "minus",
    "plus_sign": "plus",
    "low_line": "underscore",
}


def key_name(key: str) -> str:
    """A key as Textual names it: `?` -> `question_mark`, `ctrl+p` unchanged."""
    key = key.strip()
    if len(key) == 1 and not key.isalnum():
        try:
            name = unicodedata.name(key).lower().replace("-", "_").replace(" ", "_")
        except ValueError:
            return key
        return _REPLACEMENTS.get(name, name)
    return key


_PUNCTUATION = {key_name(c) for c in string.punctuation}
_CHARACTERS = {key_name(c): c for c in string.punctuation} | {"space": " "}


def key_character(key: str) -> str | None:
    """The character a key types (`slash` -> `/`); None for a key that types none
    (`ctrl+f`, `escape`). Textual's own key_to_character misses `slash`, `minus`, …"""
    if len(key) == 1:
        return key
    if key in _CHARACTERS:
        return _CHARACTERS[key]
    if "+" in key or key in _NAMED:
        return None
    try:  # a Unicode character name, as Textual spells them: euro_sign
        return unicodedata.lookup(key.replace("_", " "))
    except KeyError:
        return None


def valid_key(key: str) -> bool:
    """Whether Textual can bind `key` (a character, a key name, modifiers + one of them)."""
    *mods, base = key.split("+") if key != "+" else ["+"]
    if any(m not in _MODIFIERS for m in mods) or not base:
        return False
    if len(base) == 1:
        return base.isprintable() and not base.isspace()
    if base in _NAMED or base in _PUNCTUATION:
        return True
    try:  # a Unicode character name, as Textual spells them: euro_sign
        unicodedata.lookup(base.replace("_", " "))
    except KeyError:
        return False
    return True


def split_keys(keys: str) -> list[str]:
    return [key_name(k) for k in keys.split(",") if k.strip()]


def keymap(settings: Settings) -> dict[str, str]:
    """`keys:` of config.yaml as a Textual keymap (key names normalised)."""
    return {aid: ",".join(split_keys(keys)) for aid, keys in settings.keys.items()}


def keys_of(action_id: str, overrides: dict[str, str] | None = None) -> list[str]:
    """The keys that run an action now: the override from config.yaml or the default."""
    action = BY_ID[action_id]
    return split_keys((overrides or {}).get(action_id, action.keys))


def _lines(settings: Settings):
    """The config's YAML node tree, for line numbers (None when it cannot be read)."""
    try:
        return yaml.compose(Path(settings.path).read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
    except (OSError, yaml.YAMLError):
        return None


def check_keys(settings: Settings) -> None:
    """`keys:` may only rebind action ids that exist, to keys that exist; within each
    place of the app no two actions share a key, and topic keys shadow no action where
    they are live. Raises ConfigError naming the line (and a near id for a typo)."""

    def fail(reason: str, *path: str | int) -> ConfigError:
        return ConfigError(
            str(settings.path),
            reason,
            line=node_line(_lines(settings), *path),  # the file read only for a message
            key=".".join(str(p) for p in path),
        )

    for aid, keys in settings.keys.items():
        if aid not in BY_ID:
            near = nearest(aid, BY_ID)
            hint = f"; did you mean '{near}'?" if near else " (the help screen, ?, lists them)"
            raise fail(f"no action with the id '{aid}'{hint}", "keys", aid)
        if not isinstance(keys, str) or not split_keys(keys):
            raise fail('give one key or several separated by commas, e.g. "n,f3"', "keys", aid)
        for key in split_keys(keys):
            if not valid_key(key):
                raise fail(
                    f"'{key}' is not a key name (examples: x, X, ctrl+k, f3, escape, slash)",
                    "keys",
                    aid,
                )
    for i, topic in enumerate(settings.topics):
        if topic.key and not valid_key(key_name(topic.key)):
            raise fail(f"'{topic.key}' is not a key name", "topics", i, "key")
    overrides = keymap(settings)
    for where, scopes in CONTEXTS.items():
        taken: dict[str, str] = {}
        for action in ACTIONS:
            if action.scope not in scopes:
                continue
            for key in keys_of(action.id, overrides):
                other = taken.setdefault(key, action.id)
                if other != action.id:
                    culprit = action.id if action.id in settings.keys else other
                    other = other if culprit == action.id else action.id
                    raise fail(
                        f"'{key}' is already the key for '{other}' in {where}; pick another",
                        "keys",
                        culprit,
                    )
        if "topic keys" not in scopes:
            continue
        for i, topic in enumerate(settings.topics):
            if not topic.key:  # tagged through the picker only
                continue
            key = key_name(topic.key)
            if key in taken:
                raise fail(
                    f"'{topic.key}' is already the key for '{taken[key]}' in {where}; "
                    "pick another (digits are free)",
                    "topics",
                    i,
                    "key",
                )
            taken[key] = f"topic {topic.id}"


def sections(overrides: dict[str, str]) -> list[tuple[str, list[tuple[str, str, str]]]]:
    """(heading, [(keys shown, description, id)]) per scope, for the help screen."""
    out = []
    for scope, heading in SCOPES.items():
        rows = [
            (", ".join(keys_of(a.id, overrides)), a.description, a.id)
            for a in ACTIONS
            if a.scope == scope
        ]
        if rows:
            out.append((heading, rows))
    return out
