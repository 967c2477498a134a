"""A parsed query, as plain data that no search engine owns.

index/query.py reads what the user typed into these nodes (words already normalised the
way the field was indexed: folded, spelling variants merged, stemmed where the field
stems); index/engine/ translates them into its own queries. A prefix, wildcard, fuzzy
word or range is expanded by the query reader into `AnyOf` the indexed words it stands
for, so an engine only ever sees words it has.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Phrase:
    field: str
    words: tuple[str, ...]
    boost: float = 1.0
    slop: int = 1


@dataclass(frozen=True, slots=True)
class Prefix:
    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Wildcard:
    field: str
    pattern: str  # `*` any letters, `?` one letter
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Fuzzy:
    field: str
    text: str
    maxdist: int = 1
    prefix: int = 0  # letters at the start that must match exactly
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Range:
    field: str
    start: str | None
    end: str | None
    start_excl: bool = False
    end_excl: bool = False
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class AnyOf:
    """The indexed words a prefix, wildcard, fuzzy word or range stands for."""

    field: str
    words: tuple[str, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class And:
    children: tuple[Query, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Or:
    children: tuple[Query, ...]
    boost: float = 1.0


@dataclass(frozen=True, slots=True)
class Not:
    child: Query


@dataclass(frozen=True, slots=True)
class AndNot:
    positive: Query
    negative: Query


@dataclass(frozen=True, slots=True)
class AndMaybe:
    required: Query
    optional: Query


@dataclass(frozen=True, slots=True)
class Nothing:
    """Matches no passage."""


NOTHING = Nothing()
Pattern = Prefix | Wildcard | Fuzzy | Range  # what the reader expands into AnyOf
Query = Term | Phrase | Pattern | AnyOf | And | Or | Not | AndNot | AndMaybe | Nothing


@dataclass(frozen=True, slots=True)
class Analysis:
    """How each field was indexed, for reading query words the same way.

    words: the field's tokens of a text, normalised; normalize: one token normalised
    whole (for prefixes, wildcards, ranges); positions: whether phrases can be searched;
    whole: fields indexed as one untouched value (ids, dates, tags)."""

    words: Callable[[str, str], list[str]]
    normalize: Callable[[str, str], str]
    positions: frozenset[str]
    whole: frozenset[str]
    fields: frozenset[str]


def children(q: Query) -> tuple[Query, ...]:
    if isinstance(q, And | Or):
        return q.children
    if isinstance(q, Not):
        return (q.child,)
    if isinstance(q, AndNot):
        return (q.positive, q.negative)
    if isinstance(q, AndMaybe):
        return (q.required, q.optional)
    return ()


def simplified(q: Query, strict: bool = False) -> Query:
    """The same matches, written shorter: nested groups of one kind flattened, a group of
    one replaced by its member. What matches nothing is left out of a group; `strict`
    (for what the index had no words for) makes an AND with such a member match nothing,
    and a NOT of it match whatever the rest of its group matches."""
    if isinstance(q, And | Or):
        kids: list[Query] = []
        for child in (simplified(c, strict) for c in q.children):
            if child is NOTHING or (strict and child == _NOT_NOTHING):
                if strict and isinstance(q, And) and child is NOTHING:
                    return NOTHING
                continue
            if type(child) is type(q) and child.boost == 1.0:
                kids.extend(child.children)
            else:
                kids.append(child)
        if not kids:
            return NOTHING
        if len(kids) == 1 and q.boost == 1.0:
            return kids[0]
        return type(q)(tuple(kids), q.boost)
    if isinstance(q, Not):
        child = simplified(q.child, strict)
        if child is NOTHING:
            return _NOT_NOTHING if strict else NOTHING
        return Not(child)
    if isinstance(q, AndNot):
        pos, neg = simplified(q.positive, strict), simplified(q.negative, strict)
        if neg is NOTHING or pos is NOTHING:
            return pos
        if isinstance(pos, AndNot):  # a NOT b NOT c: a NOT (b OR c), one exclusion (Whoosh
            # fails on the nested form inside an AND when b is a common word)
            return AndNot(pos.positive, simplified(Or((pos.negative, neg)), strict))
        return AndNot(pos, neg)
    if isinstance(q, AndMaybe):
        req, opt = simplified(q.required, strict), simplified(q.optional, strict)
        return req if opt is NOTHING or req is NOTHING else AndMaybe(req, opt)
    if isinstance(q, AnyOf) and not q.words:
        return NOTHING
    return q


_NOT_NOTHING = Not(NOTHING)  # every passage: only ever a member of a group


def leaves(q: Query) -> Iterator[Query]:
    kids = children(q)
    if not kids and not isinstance(q, And | Or):
        yield q
    for child in kids:
        yield from leaves(child)


def words_outside_phrases(q: Query) -> dict[str, set[str]]:
    """Field -> the words the query looks for on their own (negated ones included)."""
    out: dict[str, set[str]] = {}
    for leaf in leaves(q):
        if isinstance(leaf, Term):
            out.setdefault(leaf.field, set()).add(leaf.text)
        elif isinstance(leaf, AnyOf):
            out.setdefault(leaf.field, set()).update(leaf.words)
    return out


def phrases(q: Query) -> list[tuple[str, tuple[str, ...]]]:
    """(field, words) of every phrase the query looks for (not under NOT)."""
    if isinstance(q, Phrase):
        return [(q.field, q.words)]
    if isinstance(q, Not):
        return []
    return [p for child in children(q) for p in phrases(child)]
