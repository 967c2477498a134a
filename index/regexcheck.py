"""Refusing regular expressions that can take exponential time.

Cleaning patterns come from config.yaml and run on every line of every article; a
pattern such as `(a+)+$` makes Python's backtracking matcher take exponential time
on a line it almost matches, and indexing hangs. Such patterns share one shape: a
repetition whose body can end with something that can also match the body's start
(nested quantifiers: `(a+)+`, `(\\w+\\s?)*`), or whose body offers two alternatives
that can start alike (`(a|a)*`, `(\\w|\\d)+`). That shape is refused at config load.
The check is conservative (it may refuse a pattern that is in fact safe; the message
says how to rewrite it) and reads the pattern with Python's own parser."""

from __future__ import annotations

import re

try:  # Python 3.11+: the parser moved to re._parser
    from re import _constants as C
    from re import _parser as P
except ImportError:  # pragma: no cover
    import sre_constants as C
    import sre_parse as P

ANY = None  # a character set we do not compute: assumed to overlap everything
_REPEATS = {C.MAX_REPEAT, C.MIN_REPEAT}
_CATEGORY_TEST = {
    C.CATEGORY_DIGIT: re.compile(r"\d"),
    C.CATEGORY_SPACE: re.compile(r"\s"),
    C.CATEGORY_WORD: re.compile(r"\w"),
}
_DISJOINT = {
    frozenset({C.CATEGORY_DIGIT, C.CATEGORY_SPACE}),
    frozenset({C.CATEGORY_WORD, C.CATEGORY_SPACE}),
}


def catastrophic(pattern: str) -> str | None:
    """Why `pattern` may take exponential time, or None."""
    try:
        tree = P.parse(pattern, re.IGNORECASE)
    except re.error:
        return None  # the caller's compile reports it
    return _scan(list(tree))


def _scan(items: list) -> str | None:
    for op, av in items:
        if op in _REPEATS:
            _lo, hi, body = av
            body = list(body)
            if hi > 1:
                why = _repeat_problem(body)
                if why:
                    return why
            why = _scan(body)
        elif op is C.SUBPATTERN:
            why = _scan(list(av[-1]))
        elif op is C.BRANCH:
            why = next((w for alt in av[1] if (w := _scan(list(alt)))), None)
        elif op in (C.ASSERT, C.ASSERT_NOT):
            why = _scan(list(av[1]))
        else:
            why = None
        if why:
            return why
    return None


def _repeat_problem(body: list) -> str | None:
    while len(body) == 1 and body[0][0] is C.SUBPATTERN:
        body = list(body[0][1][-1])
    start, _ = _first(body)
    if not start and start is not ANY:
        return None  # matches nothing but anchors
    if _ambiguous_tail(body, start):
        return "a repeated group can end with something that also matches its own start"
    for i, (op, av) in enumerate(body):
        if op in _REPEATS and av[1] > 1:
            follow, nullable = _first(body[i + 1 :])
            if follow is not ANY and nullable:
                follow = ANY if start is ANY else follow | start
            if _overlap(_first(list(av[2]))[0], follow):
                return "a repeated group holds a repetition followed by what it can also match"
    for alts in _branches(body):
        firsts = [_first(list(a)) for a in alts]
        for i, (a, na) in enumerate(firsts):
            for b, nb in firsts[i + 1 :]:
                if (na and nb) or _overlap(a, b):
                    return "a repeated group has alternatives that can match the same text"
    return None


def _first(items: list) -> tuple[frozenset | None, bool]:
    """The characters the sequence can start with, and whether it can match nothing."""
    out: set = set()
    for op, av in items:
        chars, nullable = _first_of(op, av)
        if chars is ANY:
            return ANY, False
        out |= chars
        if not nullable:
            return frozenset(out), False
    return frozenset(out), True


def _first_of(op, av) -> tuple[frozenset | None, bool]:
    if op is C.LITERAL:
        return frozenset({chr(av).lower()}), False
    if op is C.IN:
        return _charset(av), False
    if op is C.SUBPATTERN:
        return _first(list(av[-1]))
    if op is C.BRANCH:
        out: set = set()
        nullable = False
        for alt in av[1]:
            chars, n = _first(list(alt))
            if chars is ANY:
                return ANY, False
            out |= chars
            nullable = nullable or n
        return frozenset(out), nullable
    if op in _REPEATS:
        chars, n = _first(list(av[2]))
        return chars, n or av[0] == 0
    if op in (C.AT, C.ASSERT, C.ASSERT_NOT):
        return frozenset(), True
    return ANY, False


def _charset(items) -> frozenset | None:
    out: set = set()
    for op, av in items:
        if op is C.LITERAL:
            out.add(chr(av).lower())
        elif op is C.RANGE and av[1] - av[0] <= 256:
            out |= {chr(c).lower() for c in range(av[0], av[1] + 1)}
        elif op is C.CATEGORY and av in _CATEGORY_TEST:
            out.add(av)
        else:
            return ANY
    return frozenset(out)


def _overlap(a: frozenset | None, b: frozenset | None) -> bool:
    if a is ANY or b is ANY:
        return True
    if a & b:
        return True
    for x in a:
        for y in b:
            if isinstance(x, str) and not isinstance(y, str):
                x, y = y, x
            if isinstance(y, str) and not isinstance(x, str):
                if _CATEGORY_TEST[x].match(y):
                    return True
            elif (
                not isinstance(x, str)
                and not isinstance(y, str)
                and frozenset({x, y}) not in _DISJOINT
            ):
                return True
    return False


def _ambiguous_tail(items: list, start) -> bool:
    """Whether the sequence can end with a part that may or may not be taken, or be
    taken again, and that can match `start`: where one iteration ends is then
    ambiguous, and a failing match tries every way of cutting the text."""
    for op, av in reversed(items):
        chars, nullable = _first_of(op, av)
        if op in _REPEATS:
            if (av[1] > 1 or nullable) and _overlap(_first(list(av[2]))[0], start):
                return True
            if _ambiguous_tail(list(av[2]), start):
                return True
        elif op is C.SUBPATTERN:
            if _ambiguous_tail(list(av[-1]), start):
                return True
        elif op is C.BRANCH:
            if nullable and _overlap(chars, start):
                return True
            if any(_ambiguous_tail(list(alt), start) for alt in av[1]):
                return True
        if not nullable:
            return False
    return False


def _branches(items: list) -> list:
    """The alternatives of every branch in the sequence, outside inner repeats."""
    out = []
    for op, av in items:
        if op is C.BRANCH:
            out.append(av[1])
            for alt in av[1]:
                out += _branches(list(alt))
        elif op is C.SUBPATTERN:
            out += _branches(list(av[-1]))
    return out
