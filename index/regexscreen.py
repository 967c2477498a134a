"""Trying a list of patterns on many lines fast: most lines hold none of the literal
strings a pattern needs, so each pattern (or an alternation of the anchored ones) is
first screened for them, read from Python's own regex parser. The answer is always the
patterns' own (`re.search`); the screen only skips lines that cannot match."""

from __future__ import annotations

import re
import re._constants as _c
import re._parser as _parser
from collections.abc import Callable


def matches(patterns: tuple[re.Pattern, ...], text: str) -> bool:
    screen = _SCREENS.get(id(patterns))
    if screen is None or screen[0] is not patterns:
        screen = _SCREENS[id(patterns)] = (patterns, *_group_screen(patterns))
    _, at_start, screens = screen
    for match in at_start:
        if match(text):
            return True
    global _LOWERED
    last, lowered = _LOWERED
    if last is not text:  # a line is tried against several lists in turn
        lowered = text.lower() if text.isascii() else None
        _LOWERED = (text, lowered)
    for search, needles, folded in screens:
        if needles and lowered is not None:
            hay = lowered if folded else text
            for n in needles:
                if n in hay:
                    break
            else:
                continue  # none of its strings: the pattern cannot match
        if search(text):
            return True
    return False


# A pattern's screen: one of these strings stands in every line it finds. Testing
# them is many times quicker than searching for a pattern that can start anywhere
# ("uses cookies|cookie policy"), and most lines have none of them. Patterns that
# can only match at the start of a line ("^advertisement$") are tried together
# instead, as one pattern: each alternative fails at once on most lines.
_SCREENS: dict[int, tuple[tuple[re.Pattern, ...], tuple, tuple]] = {}
_SCREEN_MIN = 3  # shorter strings screen out too little to pay
_LOWERED: tuple[str | None, str | None] = (None, None)  # the last line, lower-cased
_NOT_JOINED = re.MULTILINE | re.VERBOSE  # "^" inside a text; comments that hide ")"


def _group_screen(patterns: tuple[re.Pattern, ...]) -> tuple[tuple[Callable, ...], tuple]:
    """(match of the patterns anchored at the start, joined per set of flags; the
    screens of the others)."""
    anchored: dict[int, list[re.Pattern]] = {}
    rest = []
    for pattern in patterns:
        if _joinable(pattern):
            anchored.setdefault(pattern.flags, []).append(pattern)
        else:
            rest.append(pattern)
    at_start = []
    for flags, group in anchored.items():
        try:
            joined = re.compile("|".join(f"(?:{p.pattern})" for p in group), flags)
        except re.error:  # e.g. the same group name in two patterns
            rest.extend(group)
        else:
            at_start.append(joined.match)
    return tuple(at_start), tuple(map(_screen, rest))


def _joinable(pattern: re.Pattern) -> bool:
    """A pattern that matches only at the start of a text and means the same inside
    an alternation of others: no flags that change "^" or comments, no reference to
    a group by number (numbers shift there)."""
    if pattern.flags & _NOT_JOINED or pattern.pattern.startswith("(?"):
        return False
    try:
        items = _parser.parse(pattern.pattern, pattern.flags).data
    except (re.error, TypeError, ValueError):
        return False
    return bool(items) and items[0] == (_c.AT, _c.AT_BEGINNING) and not _refers(items)


def _refers(items) -> bool:
    """Whether a parsed pattern refers back to a group."""
    for op, av in items:
        if op in (_c.GROUPREF, _c.GROUPREF_EXISTS):
            return True
        for sub in av if isinstance(av, (list, tuple)) else ():
            if isinstance(sub, _parser.SubPattern):
                if _refers(sub.data):
                    return True
            elif isinstance(sub, (list, tuple)) and any(
                isinstance(x, _parser.SubPattern) and _refers(x.data) for x in sub
            ):
                return True
    return False


def _screen(pattern: re.Pattern) -> tuple[Callable, tuple[str, ...], bool]:
    """(search, strings one of which any match contains, whether they are to be found
    in the lower-cased line). Only for ASCII lines, where ignoring case is lowering
    both (elsewhere Unicode case rules apply: 'ſ' matches 's'); none when the pattern
    has no such strings."""
    folded = bool(pattern.flags & re.IGNORECASE)
    try:
        needles = _needles(_parser.parse(pattern.pattern, pattern.flags).data) or ()
    except (re.error, TypeError, ValueError):  # a parser of another Python version
        needles = ()
    if folded:
        needles = tuple(n.lower() for n in needles)
    return pattern.search, tuple(needles), folded


def _needles(items: list, lead: str = "") -> list[str] | None:
    """Strings one of which every match of this sequence contains (the longest found:
    a run of literal characters, or the strings of each branch of an alternation), or
    None when none is sure and long enough. `lead` is the literal text just before
    the sequence (the parser moves the start shared by all branches out of them:
    "seeks?|send" is "se" then "eks?|nd")."""
    found: list[list[str]] = []
    run: list[str] = list(lead)

    def flush() -> None:
        if len(run) >= _SCREEN_MIN:
            found.append(["".join(run)])
        run.clear()

    for op, av in items:
        if op is _c.LITERAL and av < 128:
            run.append(chr(av))
            continue
        before = "".join(run)
        flush()
        if op is _c.BRANCH:
            branches = [_needles(list(b), before) for b in av[1]]
            if all(branches):
                found.append([n for b in branches for n in b])
        elif op is _c.SUBPATTERN and not av[1]:
            # A group that adds no flag: its strings stand as written (one that
            # drops ignoring case only finds fewer lines).
            inner = _needles(list(av[3]))
            if inner:
                found.append(inner)
    flush()
    if not found:
        return None
    return max(found, key=lambda ns: min(map(len, ns)))
