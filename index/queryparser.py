"""The grammar of a checked query (index/query.py checks it first): words, `field:`
words, "phrases", prefixes and wildcards, `word~N` fuzzy words, `[a TO b]` ranges,
`^N` boosts, brackets and the operators AND, OR, NOT, ANDNOT, ANDMAYBE.

It reads as Whoosh's default query parser read it before dossier had its own, so that
queries kept their meaning: words side by side must all match; NOT binds to what follows
it, then AND, then OR, then ANDNOT and ANDMAYBE, each left to right; a word the field's
analysis splits in two (`peace-talks`) is both words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import querymodel as qm
from .querymodel import Analysis

# Whoosh's range grammar, kept with its quirks: the start ends at the first "to".
_RANGE = re.compile(
    r"(?:(?P<field>\w+):)?(?P<open>[\[{])(?P<start>[^\]}]+?(?=[Tt][Oo]))?[Tt][Oo]"
    r"(?P<end>[^\]}]+?)?(?P<close>[\]}])(?:\^(?P<boost>\d*(?:\.\d+)?)(?=\s|\)|$))?"
)
_PHRASE = re.compile(r'(?:(?P<field>\w+):)?"(?P<text>[^"]*)"')
_FIELD = re.compile(r"^(\w+):(?=\S)")
_BOOST = re.compile(r"\^(\d*(?:\.\d+)?)$")
_FUZZY = re.compile(r"~(\d)?(?:/([1-9]\d*))?")
_INFIX = ("AND", "OR", "ANDNOT", "ANDMAYBE", "REQUIRE")
ALIASES = {"outlet": "source", "body": "text"}


@dataclass(slots=True)
class _Op:
    name: str


def parse(reading: str, analysis: Analysis, problems: list[str], default: str = "text") -> qm.Query:
    """The query tree of a checked reading."""
    items, _ = _group(_tokens(reading), 0, analysis, problems, default)
    return _combine(items)


def _tokens(text: str) -> list[str | tuple]:
    """Brackets, operators, words; phrases and ranges as tuples."""
    out: list[str | tuple] = []
    pos = 0
    for m in re.finditer(r"\S+", text):
        if m.start() < pos:
            continue
        rest = text[m.start() :]
        rng = _RANGE.match(rest)
        if rng:
            out.append(("range", rng))
            pos = m.start() + rng.end()
            continue
        ph = _PHRASE.match(rest)
        if ph:
            out.append(("phrase", ph.group("field"), ph.group("text")))
            pos = m.start() + ph.end()
            continue
        word = m.group(0)
        while word:  # brackets split words
            i = min((j for j in (word.find("("), word.find(")")) if j >= 0), default=-1)
            if i < 0:
                out.append(word)
                break
            if i:
                out.append(word[:i])
            out.append(word[i])
            word = word[i + 1 :]
        pos = m.end()
    return out


def _group(tokens, i: int, analysis: Analysis, problems, default) -> tuple[list, int]:
    items: list = []
    while i < len(tokens):
        tok = tokens[i]
        i += 1
        if tok == "(":
            inner, i = _group(tokens, i, analysis, problems, default)
            items.append(_combine(inner))
        elif tok == ")":
            break
        elif tok in _INFIX and items and i < len(tokens):
            items.append(_Op(tok))
        elif tok == "NOT" and i < len(tokens):
            items.append(_Op("NOT"))
        elif isinstance(tok, tuple):
            items.append(_special(tok, analysis, problems, default))
        else:
            items.extend(_word(tok, analysis, default))
    return items, i


def _combine(items: list) -> qm.Query:
    """Operators applied in Whoosh's order; what is left side by side must all match."""
    items = list(items)
    i = 0
    while i < len(items):  # NOT
        if isinstance(items[i], _Op) and items[i].name == "NOT":
            del items[i]
            if i < len(items) and not isinstance(items[i], _Op):
                items[i] = qm.Not(items[i])
        i += 1
    for name in _INFIX:
        i = 0
        while i < len(items):
            op = items[i]
            if not (isinstance(op, _Op) and op.name == name):
                i += 1
                continue
            if 0 < i < len(items) - 1:
                left, right = items[i - 1], items[i + 1]
                items[i - 1 : i + 2] = [_join(name, left, right)]
            else:
                del items[i]
    items = [q for q in items if not isinstance(q, _Op)]
    if len(items) == 1:
        return items[0]
    return qm.And(tuple(items)) if items else qm.NOTHING


def _join(name: str, left, right) -> qm.Query:
    if name in ("AND", "REQUIRE"):
        kids = left.children if type(left) is qm.And and left.boost == 1.0 else (left,)
        return qm.And((*kids, right))
    if name == "OR":
        kids = left.children if type(left) is qm.Or and left.boost == 1.0 else (left,)
        return qm.Or((*kids, right))
    if name == "ANDNOT":
        return qm.AndNot(left, right)
    return qm.AndMaybe(left, right)


def _field(name: str | None, analysis: Analysis, default: str) -> str:
    if not name:
        return default
    name = ALIASES.get(name.lower(), name.lower())
    return name if name in analysis.fields else default


def _special(tok: tuple, analysis: Analysis, problems, default) -> qm.Query:
    if tok[0] == "phrase":
        field = _field(tok[1], analysis, default)
        if field in analysis.whole:
            return qm.Term(field, tok[2]) if tok[2] else qm.NOTHING
        words = analysis.words(field, tok[2])
        if len(words) <= 1:
            return qm.Term(field, words[0]) if words else qm.NOTHING
        if field not in analysis.positions:
            problems.append(f"'{field}:' cannot search phrases; searched the words")
            return qm.And(tuple(qm.Term(field, w) for w in words))
        return qm.Phrase(field, tuple(words))
    m = tok[1]
    field = _field(m.group("field"), analysis, default)

    def end(text: str | None) -> str | None:
        text = (text or "").strip()
        return analysis.normalize(field, text) if text else None

    boost = float(m.group("boost")) if m.group("boost") else 1.0
    return qm.Range(
        field,
        end(m.group("start")),
        end(m.group("end")),
        m.group("open") == "{",
        m.group("close") == "}",
        boost,
    )


def _word(tok: str, analysis: Analysis, default: str) -> list[qm.Query]:
    """One word of the query, as the field reads it (a fuzzy `~` may leave a second)."""
    field = default
    fm = _FIELD.match(tok)
    if fm and _field(fm.group(1), analysis, "") and not tok.startswith("*"):
        field = _field(fm.group(1), analysis, default)
        tok = tok[fm.end() :]
    tilde = tok.find("~", 1)
    if tilde > 0:
        fz = _FUZZY.match(tok, tilde)
        head, rest = tok[:tilde], tok[fz.end() :]
        out: list[qm.Query] = [_fuzzy(field, head, fz, analysis)]
        if rest:
            out += _word(rest, analysis, default)
        return out
    boost = 1.0
    bm = _BOOST.search(tok)
    if bm and bm.start() > 0 and bm.group(1) not in ("", "."):
        boost, tok = float(bm.group(1)), tok[: bm.start()]
    if "*" in tok or "?" in tok:
        return [_pattern(field, tok, boost, analysis)]
    if field in analysis.whole:
        return [qm.Term(field, tok, boost)]
    words = analysis.words(field, tok)
    if not words:
        return [qm.NOTHING]
    if len(words) == 1:
        return [qm.Term(field, words[0], boost)]
    return [qm.And(tuple(qm.Term(field, w) for w in words), boost)]


def _pattern(field: str, tok: str, boost: float, analysis: Analysis) -> qm.Query:
    if tok.endswith("*") and "*" not in tok[:-1] and "?" not in tok:
        return qm.Prefix(field, _whole(field, tok[:-1], analysis), boost)
    return qm.Wildcard(field, _whole(field, tok, analysis), boost)


def _fuzzy(field: str, text: str, fz: re.Match, analysis: Analysis) -> qm.Query:
    maxdist = int(fz.group(1)) if fz.group(1) else 1
    prefix = int(fz.group(2)) if fz.group(2) else 0
    return qm.Fuzzy(field, _whole(field, text, analysis), maxdist, prefix)


def _whole(field: str, text: str, analysis: Analysis) -> str:
    return text if field in analysis.whole else analysis.normalize(field, text)
