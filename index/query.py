"""Reading a user's query: checks, a lenient reading when it is malformed, and the
rewrites that make Whoosh behave as users expect (prefix and fuzzy terms on the
unstemmed field, capped expansions, `tag:` answered from the tag file).

Kept as one module though just over 400 lines: the checks and the rewrites share the
token rules and limits set out below, and splitting them would put the reading of one query in
two places."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from whoosh import query as wq
from whoosh.qparser import FieldAliasPlugin, FuzzyTermPlugin, QueryParser
from whoosh.support.levenshtein import damerau_levenshtein

from .engine.private import expansion_words
from .text import fold

FIELDS = ("text", "title", "source", "date", "tag", "exact")
ALIASES = {"source": ["outlet"], "text": ["body"]}
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
    query: wq.Query
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
    reading = reading.replace("exact:", "")
    while (bare := _EMPTY_GROUP.sub("", reading)) != reading:
        reading = bare
    return " ".join(reading.split())


def _known_field(name: str) -> bool:
    name = name.lower()
    return name in FIELDS or any(name in v for v in ALIASES.values())


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
            prefix = "exact:"
        return prefix + fold(word)
    fz = _FUZZY.match(word)
    if fz and not prefix:
        return "exact:" + fold(fz.group(1)) + "~" + (fz.group(2) or "1")
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


class QueryReader:
    """Parses queries against one schema."""

    def __init__(self, schema):
        self.parser = QueryParser("text", schema)
        self.parser.add_plugin(FuzzyTermPlugin())
        self.parser.add_plugin(FieldAliasPlugin(ALIASES))

    def parse(self, text: str, reader=None, tags: TagLookup | None = None) -> ParsedQuery:
        reading, problems = check(text)
        q = self._parse(reading, problems) if reading.strip() else wq.NullQuery
        if not reading.strip() and not problems:
            problems.append("nothing to search for")
        try:
            q = _rewrite(q, reader, tags, problems)
        except Exception as exc:  # a reading Whoosh builds but cannot expand
            problems.append(f"the query could not be read ({type(exc).__name__})")
            reading, q = "", wq.NullQuery
        return ParsedQuery(text, reading, q, problems)

    def _parse(self, reading: str, problems: list[str]) -> wq.Query:
        """Whoosh's reading of the checked text. Whatever the parser trips on is a
        problem with the query, never a crash: the plain words are searched instead."""
        try:
            q = self.parser.parse(reading)
        except Exception as exc:  # the parser's own bugs (IndexError, RecursionError...)
            problems.append(f"the query could not be read as written ({type(exc).__name__})")
            words = " ".join(plain_words(reading))
            try:
                q = self.parser.parse(words) if words else wq.NullQuery
            except Exception:
                q = wq.NullQuery
        return _no_phrases_on(q, self.parser.schema, problems)


def _no_phrases_on(q: wq.Query, schema, problems: list[str]) -> wq.Query:
    """A phrase on a field without word positions searched as all its words."""

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Phrase):
            fmt = (
                getattr(schema[node.fieldname], "format", None)
                if node.fieldname in schema
                else None
            )
            if fmt is None or not fmt.supports("positions"):
                problems.append(f"'{node.fieldname}:' cannot search phrases; searched the words")
                return wq.And([wq.Term(node.fieldname, w) for w in node.words])
            return node
        return node.apply(visit)

    return visit(q)


def _rewrite(q: wq.Query, reader, tags: TagLookup | None, problems: list[str]) -> wq.Query:
    budget = [MAX_EXPANDED]  # words all the query's expansions may add together

    def visit(node: wq.Query) -> wq.Query:
        if isinstance(node, wq.Term) and node.fieldname == "tag":
            return _tag_query(str(node.text), tags, problems)
        if isinstance(node, wq.Every):  # the parser's reading of some odd bracketings
            problems.append("part of the query reads as 'every passage'; it was left out")
            return wq.NullQuery
        if reader is not None and isinstance(
            node, (wq.Prefix, wq.Wildcard, wq.FuzzyTerm, wq.TermRange)
        ):
            return _expand(node, reader, problems, budget)
        return node.apply(visit)

    return visit(q)


class ExpandedOr(wq.Or):
    """The words a prefix, wildcard or fuzzy term expanded to. Their postings are
    preloaded into one array: Whoosh's default binary tree of union matchers spent
    most of a prefix query's time re-balancing itself."""

    matcher_type = wq.Or.ARRAY_MATCHER


def _tag_query(topic: str, tags: TagLookup | None, problems: list[str]) -> wq.Query:
    pids = tags(topic) if tags else None
    if pids is None:
        problems.append(
            f"no topic '{topic}'"
            if tags
            else "tag: needs a readable tag file (see the message about it)"
        )
        return wq.NullQuery
    if not pids:
        return wq.NullQuery
    return wq.Or([wq.Term("pid", p) for p in sorted(pids)])


def _expand(node: wq.Query, reader, problems: list[str], budget: list[int]) -> wq.Query:
    """Expand once per query, most frequent words first, at most MAX_EXPANSION (and
    what is left of the query's budget)."""
    field_name = node.fieldname
    fuzzy = isinstance(node, wq.FuzzyTerm)
    if fuzzy:
        allowed = max(0, (len(node.text) - 1) // 2)  # else a short word matches most words
        if node.maxdist > allowed:
            problems.append(
                f"'{node.text}~{node.maxdist}': a word of {len(node.text)} letters "
                f"allows {allowed} edit{'' if allowed == 1 else 's'}"
            )
            if allowed == 0:
                return wq.Term(field_name, node.text, boost=node.boost)
            node = _fuzzy(node, allowed)
    words = _within(node, reader) if fuzzy else expansion_words(node, reader)
    room = min(MAX_EXPANSION, budget[0])
    if len(words) > 10 * MAX_EXPANSION:  # ranking them all by frequency would take seconds
        problems.append(f"'{_label(node)}' matched {len(words):,} words: type more letters")
        return wq.NullQuery
    if len(words) > room:
        words.sort(key=lambda w: -reader.doc_frequency(field_name, w))
        problems.append(
            f"'{_label(node)}' matched {len(words)} words; searched the {room} most frequent"
        )
        words = words[:room]
    budget[0] -= len(words)
    if not words:
        return wq.NullQuery
    fieldobj = reader.schema[field_name]
    texts = [fieldobj.from_bytes(b) if isinstance(b, bytes) else b for b in words]
    terms = [wq.Term(field_name, t, boost=node.boost) for t in texts]
    if len(terms) == 1:
        return terms[0]
    return (ExpandedOr if len(terms) > 8 else wq.Or)(terms, boost=node.boost)


def _label(node: wq.Query) -> str:
    text = getattr(node, "text", None)
    if text is not None:
        return str(text)
    return f"[{node.start or ''} TO {node.end or ''}]"


def _fuzzy(node: wq.FuzzyTerm, maxdist: int) -> wq.FuzzyTerm:
    return wq.FuzzyTerm(
        node.fieldname, node.text, boost=node.boost, maxdist=maxdist, prefixlength=node.prefixlength
    )


def _within(node: wq.FuzzyTerm, reader) -> list:
    """Words within the edit distance, a swap of two neighbouring letters counting as one
    edit ('Bayramvo~1' finds Bayramov): a segment's own lookup counts it as two."""
    fieldobj = reader.schema[node.fieldname]
    out = []
    # A reader whose lookup already counts a swap as one edit says so.
    extra = 0 if getattr(reader, "swap_is_one_edit", False) else 1
    for b in reader.terms_within(
        node.fieldname, node.text, node.maxdist + extra, prefix=node.prefixlength
    ):
        word = fieldobj.from_bytes(b) if isinstance(b, bytes) else b
        if damerau_levenshtein(word, node.text, limit=node.maxdist) <= node.maxdist:
            out.append(b)
    return out


def query_terms(q: wq.Query, reader) -> dict[str, set[str]]:
    """Field -> words the query matches on outside phrases, expanded once."""
    out: dict[str, set[str]] = {}
    for fname, btext in q.existing_terms(reader, phrases=False, expand=True):
        fieldobj = reader.schema[fname]
        text = fieldobj.from_bytes(btext) if isinstance(btext, bytes) else btext
        out.setdefault(fname, set()).add(text)
    return out


def query_phrases(q: wq.Query) -> list[tuple[str, tuple[str, ...]]]:
    """(field, analysed words) of every phrase in the query."""
    found: list[tuple[str, tuple[str, ...]]] = []

    def visit(node: wq.Query) -> None:
        if isinstance(node, wq.Phrase):
            found.append((node.fieldname, tuple(node.words)))
        elif isinstance(node, wq.Not):
            return
        else:
            for child in node.children():
                visit(child)

    visit(q)
    return found


def plain_words(text: str) -> Iterable[str]:
    """The bare words of a query, for spelling suggestions."""
    for tok in _TOKEN.findall(text):
        if tok in _OPS or ":" in tok:
            continue
        yield from re.findall(r"\w{3,}", tok)
