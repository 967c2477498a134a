"""Reading a user's query: checks, a lenient reading when it is malformed, the grammar
(index/queryparser.py) into an engine-neutral query (index/querymodel.py), and the
rewrites that make it behave as users expect (prefix and fuzzy terms expanded against
the unstemmed words, and searched as the index says: `Lexicon.searched_as`; capped
expansions; `tag:` answered from the tag file).

The checks and the rewrites share the token rules and limits set out below."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from typing import Protocol

from . import querymodel as qm
from . import queryparser
from .querymodel import Analysis
from .text import fold

FIELDS = ("text", "title", "source", "date", "tag", "exact")
PATTERNS_FIELD = "exact"  # where an unfielded prefix, wildcard or fuzzy word is expanded
MIN_PREFIX = 3
MAX_EXPANSION = 200
# Bounds on what one query may ask for, so that any text typed or pasted is answered
# quickly (a 100k-character query took a minute; 1,000 '(' overflowed the parser).
MAX_CHARS = 1000
MAX_DEPTH = 10  # brackets inside brackets
MAX_CLAUSES = 64  # words, phrases and wildcards
MAX_PHRASE_WORDS = 16  # Whoosh's phrase matcher slows with the square of its words
MAX_EXPANDED = 400  # words that all the wildcards and fuzzy terms of a query add
TagLookup = Callable[[str], "set[str] | None"]  # topic id -> passage ids, None if unknown

_TOKEN = re.compile(r'(?:\w+:)?"[^"]*"?|\(|\)|[^\s()"]+')
_FIELD = re.compile(r"^(\w+):(.*)$")
_MULTI = re.compile(r"^([\w’'.-]*)([*?])")
_FUZZY = re.compile(r"^(\w+)~(\d?)$")
_OPS = {"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"}


@dataclass(slots=True)
class ParsedQuery:
    text: str  # as the user typed it
    reading: str  # what was searched (differs when the query was malformed)
    query: qm.Query
    problems: list[str] = field(default_factory=list)

    @property
    def message(self) -> str | None:
        if not self.problems:
            return None
        msg = "; ".join(dict.fromkeys(self.problems))  # each problem said once
        reading = _shown(self.reading)
        if reading and reading != self.text:
            if len(reading) > 200:
                reading = reading[:200].rsplit(" ", 1)[0] + " …"
            msg += f" — searched for: {reading}"
        return msg


_EMPTY_GROUP = re.compile(r"\(\s*\)")


def _shown(reading: str) -> str:
    """The reading as a person reads it: without the field the checks route prefix and
    fuzzy words to, and without the empty brackets closing a bracket leaves."""
    reading = reading.replace(PATTERNS_FIELD + ":", "")
    while (bare := _EMPTY_GROUP.sub("", reading)) != reading:
        reading = bare
    return " ".join(reading.split())


def _known_field(name: str) -> bool:
    name = name.lower()
    return name in FIELDS or name in queryparser.ALIASES


def check(text: str) -> tuple[str, list[str]]:
    """A lenient reading of text and what was wrong with it, if anything."""
    problems: list[str] = []
    text = _printable(text)
    if len(text) > MAX_CHARS:
        problems.append(f"the query is {len(text):,} characters long; read its first {MAX_CHARS:,}")
        cut = text.rfind(" ", 0, MAX_CHARS + 1)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
        if text.count('"') % 2:
            text += '"'  # a quote cut short is still a phrase
    if text.count('"') % 2:
        problems.append("a quote is not closed")
        i = text.rfind('"')
        text = text[:i] + text[i + 1 :]
    tokens = _TOKEN.findall(text)
    kept = _balance(tokens, problems)
    kept = _cap_clauses(kept, problems)
    out: list[str] = []
    for tok in kept:
        out.append(_check_term(tok, problems))
    out = [t for t in out if t]
    out = _drop_dangling(out, problems)
    return " ".join(out), problems


def _printable(text: str) -> str:
    """Control characters (a pasted tab, an escape) read as spaces."""
    return "".join(" " if ch < " " or ch == "\x7f" else ch for ch in text)


def _balance(tokens: list[str], problems: list[str]) -> list[str]:
    """Brackets matched, unmatched ones dropped, nesting kept to MAX_DEPTH."""
    depth, deep, kept = 0, 0, []
    for tok in tokens:
        if tok == "(":
            depth += 1
            if depth > MAX_DEPTH:
                deep = max(deep, depth)
                continue
        elif tok == ")":
            if depth == 0:
                problems.append("a ')' has no '('")
                continue
            depth -= 1
            if depth >= MAX_DEPTH:
                continue
        kept.append(tok)
    if deep:
        problems.append(f"brackets nest {deep} deep; read the outer {MAX_DEPTH}")
    if depth:
        problems.append("a '(' is not closed")
        kept += [")"] * min(depth, MAX_DEPTH)
    return kept


def _cap_clauses(tokens: list[str], problems: list[str]) -> list[str]:
    """At most MAX_CLAUSES terms, and at most MAX_PHRASE_WORDS words in a phrase."""
    out: list[str] = []
    terms = 0
    for tok in tokens:
        if tok == ")" or (terms < MAX_CLAUSES and (tok == "(" or tok in _OPS)):
            out.append(tok)
            continue
        if tok == "(" or tok in _OPS:
            continue
        terms += 1
        if terms > MAX_CLAUSES:
            while out and out[-1] in _OPS:
                out.pop()  # the operator before a term not searched
            continue
        if '"' in tok:
            head, _, rest = tok.partition('"')
            phrase = rest.rstrip('"').split()
            if len(phrase) > MAX_PHRASE_WORDS:
                problems.append(
                    f"a phrase of {len(phrase)} words; searched its first {MAX_PHRASE_WORDS}"
                )
                tok = f'{head}"{" ".join(phrase[:MAX_PHRASE_WORDS])}"'
        out.append(tok)
    if terms > MAX_CLAUSES:
        problems.append(f"the query has {terms} terms; searched the first {MAX_CLAUSES}")
        depth = out.count("(") - out.count(")")
        out += [")"] * depth
    return out


def _check_term(tok: str, problems: list[str]) -> str:
    if tok in ("(", ")"):
        return tok
    if '"' in tok:
        name = tok.split(":", 1)[0] if not tok.startswith('"') else ""
        if name and not _known_field(name):
            problems.append(f"no field '{name}' (fields: text, title, source, date, tag)")
            return tok[len(name) + 1 :]
        return tok
    m = _FIELD.match(tok)
    prefix, word = "", tok
    if m and m.group(1):
        if not _known_field(m.group(1)):
            problems.append(f"no field '{m.group(1)}' (fields: text, title, source, date, tag)")
            word = m.group(2)
        else:
            prefix, word = m.group(1) + ":", m.group(2)
            if not word:
                problems.append(f"'{tok}' needs a value after the colon")
                return ""
    wild = _MULTI.match(word)
    if wild or "*" in word or "?" in word:
        literal = wild.group(1) if wild else word.split("*")[0].split("?")[0]
        if len(literal) < MIN_PREFIX:
            problems.append(f"'{word}': type at least {MIN_PREFIX} letters before * or ?")
            word = word.replace("*", "").replace("?", "")
            return prefix + word if word else ""
        if not prefix:
            prefix = PATTERNS_FIELD + ":"
        return prefix + fold(word)
    fz = _FUZZY.match(word)
    if fz and not prefix:
        return PATTERNS_FIELD + ":" + fold(fz.group(1)) + "~" + (fz.group(2) or "1")
    return prefix + word


def _drop_dangling(tokens: list[str], problems: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for i, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        if tok == "NOT" and i + 1 < len(tokens) and tokens[i + 1] == "NOT":
            problems.append("NOT NOT cancels out")
            skip = True
            continue
        if tok in _OPS:
            prev = out[-1] if out else None
            nxt = tokens[i + 1] if i + 1 < len(tokens) else None
            needs_left = tok != "NOT"
            if (needs_left and (prev is None or prev in _OPS or prev == "(")) or (
                nxt is None or nxt in _OPS - {"NOT"} or nxt == ")"
            ):
                problems.append(
                    f"{tok} needs a term on {'each side' if needs_left else 'its right'}"
                )
                continue
        out.append(tok)
    return out


class Lexicon(Protocol):
    """The words of an index, as the query reader asks for them (the engine's
    index/engine/queries.py IndexWords is one)."""

    def has(self, field: str, word: str) -> bool: ...
    def doc_frequency(self, field: str, word: str) -> int: ...
    def matching(self, pattern: qm.Prefix | qm.Wildcard | qm.Range) -> list[str]: ...
    def within(self, field: str, text: str, maxdist: int, prefix: int = 0) -> list[str]: ...
    def searched_as(self, field: str, words: list[str]) -> tuple[str, list[str]]: ...


class QueryReader:
    """Reads queries for fields analysed as `analysis` says (the engine supplies it)."""

    def __init__(self, analysis: Analysis):
        self.analysis = analysis

    def parse(
        self, text: str, words: Lexicon | None = None, tags: TagLookup | None = None
    ) -> ParsedQuery:
        reading, problems = check(text)
        q = self._parse(reading, problems) if reading.strip() else qm.NOTHING
        if not reading.strip() and not problems:
            problems.append("nothing to search for")
        try:
            q = qm.simplified(_rewrite(qm.simplified(q), words, tags, problems), strict=True)
        except Exception as exc:  # a reading that cannot be expanded
            problems.append(f"the query could not be read ({type(exc).__name__})")
            reading, q = "", qm.NOTHING
        return ParsedQuery(text, reading, q, problems)

    def _parse(self, reading: str, problems: list[str]) -> qm.Query:
        """The checked text read by the grammar. Whatever the grammar trips on is a
        problem with the query, never a crash: the plain words are searched instead."""
        found: list[str] = []
        try:
            q = queryparser.parse(reading, self.analysis, found)
        except Exception as exc:
            found = [f"the query could not be read as written ({type(exc).__name__})"]
            plain = " ".join(plain_words(reading))
            try:
                q = queryparser.parse(plain, self.analysis, found) if plain else qm.NOTHING
            except Exception:
                q = qm.NOTHING
        problems += found
        return q


def _rewrite(
    q: qm.Query, words: Lexicon | None, tags: TagLookup | None, problems: list[str]
) -> qm.Query:
    budget = [MAX_EXPANDED]  # words all the query's expansions may add together

    def visit(node: qm.Query) -> qm.Query:
        match node:
            case qm.Term("tag", topic):
                return _tag_query(topic, tags, problems)
            case qm.Range(_, None, None):  # a range without ends
                problems.append("part of the query reads as 'every passage'; it was left out")
                return qm.NOTHING
            case qm.Prefix() | qm.Wildcard() | qm.Fuzzy() | qm.Range() if words is not None:
                return _expand(node, words, problems, budget)
            case qm.Term(name, text, boost) if words is not None and name == PATTERNS_FIELD:
                return _term(name, text, boost, words)
            case qm.And(kids, boost):
                return qm.And(tuple(map(visit, kids)), boost)
            case qm.Or(kids, boost):
                return qm.Or(tuple(map(visit, kids)), boost)
            case qm.Not(child):
                return qm.Not(visit(child))
            case qm.AndNot(pos, neg):
                pos = visit(pos)
                return qm.AndNot(pos, visit(neg))
            case qm.AndMaybe(req, opt):
                req = visit(req)
                return qm.AndMaybe(req, visit(opt))
        return node

    return visit(q)


def _tag_query(topic: str, tags: TagLookup | None, problems: list[str]) -> qm.Query:
    pids = tags(topic) if tags else None
    if pids is None:
        problems.append(
            f"no topic '{topic}'"
            if tags
            else "tag: needs a readable tag file (see the message about it)"
        )
        return qm.NOTHING
    if not pids:
        return qm.NOTHING
    return qm.Or(tuple(qm.Term("pid", p) for p in sorted(pids)))


def _expand(node: qm.Pattern, words: Lexicon, problems: list[str], budget: list[int]) -> qm.Query:
    """Expand once per query, most frequent words first, at most MAX_EXPANSION (and
    what is left of the query's budget)."""
    field_name = node.field
    if isinstance(node, qm.Fuzzy):
        allowed = max(0, (len(node.text) - 1) // 2)  # else a short word matches most words
        if node.maxdist > allowed:
            problems.append(
                f"'{node.text}~{node.maxdist}': a word of {len(node.text)} letters "
                f"allows {allowed} edit{'' if allowed == 1 else 's'}"
            )
            if allowed == 0:
                return _term(field_name, node.text, node.boost, words)
            node = replace(node, maxdist=allowed)
        found = words.within(field_name, node.text, node.maxdist, node.prefix)
    else:
        found = words.matching(node)
    room = min(MAX_EXPANSION, budget[0])
    if len(found) > 10 * MAX_EXPANSION:  # ranking them all by frequency would take seconds
        problems.append(f"'{_label(node)}' matched {len(found):,} words: type more letters")
        return qm.NOTHING
    field_name, found = words.searched_as(field_name, found)
    if len(found) > room:
        found.sort(key=lambda w: -words.doc_frequency(field_name, w))
        problems.append(
            f"'{_label(node)}' matched {len(found)} words; searched the {room} most frequent"
        )
        found = found[:room]
    budget[0] -= len(found)
    if not found:
        return qm.NOTHING
    if len(found) == 1:
        return qm.Term(field_name, found[0], node.boost)
    return qm.AnyOf(field_name, tuple(found), node.boost)


def _term(field_name: str, word: str, boost: float, words: Lexicon) -> qm.Term:
    """A word of `field_name`'s lexicon as the index searches it."""
    searched, terms = words.searched_as(field_name, [word])
    return qm.Term(searched, terms[0], boost)


def _label(node: qm.Pattern) -> str:
    if isinstance(node, qm.Range):
        return f"[{node.start or ''} TO {node.end or ''}]"
    return node.pattern if isinstance(node, qm.Wildcard) else node.text


def query_terms(q: qm.Query, words: Lexicon) -> dict[str, set[str]]:
    """Field -> indexed words the query matches on outside phrases."""
    out: dict[str, set[str]] = {}
    for fname, found in qm.words_outside_phrases(q).items():
        kept = {w for w in found if words.has(fname, w)}
        if kept:
            out[fname] = kept
    return out


def query_phrases(q: qm.Query) -> list[tuple[str, tuple[str, ...]]]:
    """(field, analysed words) of every phrase in the query."""
    return qm.phrases(q)


def plain_words(text: str) -> Iterable[str]:
    """The bare words of a query, for spelling suggestions."""
    for tok in _TOKEN.findall(text):
        if tok in _OPS or ":" in tok:
            continue
        yield from re.findall(r"\w{3,}", tok)
