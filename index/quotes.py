"""Quotations: quoted speech in every article, its speaker, and the same quotation
across articles even where its words differ.

A quotation is text between quotation marks inside one passage: "…", “…”, „…“, «…»,
and ‘…’ or '…' where the marks stand at word edges (the ’ of "Azerbaijan’s" is an
apostrophe, not a quote). A quotation left open runs to the end of its passage (the
way news carries a quote over into the next paragraph). Quotations of fewer than
MIN_WORDS words are scare quotes ("constructive"), not speech, and are left out.

The same quotation: two quotations from different articles that share at least
MIN_SHARED word pairs (folded, spelling variants of config.yaml applied), making up at
least CONTAINMENT of the shorter one's pairs. Containment, not Jaccard: one outlet
often quotes more of a sentence than another. Groups are the connected sets of such
pairs. Each variant is compared, word by word (index/worddiff.py, as compare does),
with the group's earliest variant.
"""

from __future__ import annotations

import itertools
import zlib
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import NamedTuple

from .model import Article
from .quotes_speaker import (
    Attribution,
    SpeakerIndex,
    attribute,
    proper_words,
    speakers_named,
)
from .text import fold, words
from .worddiff import word_changes

MIN_WORDS = 3
MIN_SHARED = 4  # word pairs two quotations share, at least
CONTAINMENT = 0.5  # of the shorter quotation's word pairs
MAX_DF = 40  # a word pair in more quotations than this ("of the") proposes no pair

# opening mark -> the marks that close it
DOUBLE = {"“": "”“", "„": "“”", "«": "»", '"': '"', "”": "”"}
SINGLE = {"‘": "’", "'": "'"}


class Quote(NamedTuple):  # a tuple: stored for every quotation, pickled fast
    article: str
    n: int  # passage
    start: int  # offsets of the quoted words (marks excluded) in the canonical text
    end: int
    text: str
    speaker: str  # "" when unknown


@dataclass(frozen=True)
class Change:
    was: str  # the earliest variant's words ("" for an insertion)
    now: str  # this variant's words ("" for a deletion)
    start: int  # offsets of `now` in this variant's text (an empty span for a deletion)
    end: int


@dataclass
class Variant:
    quote: Quote
    outlet: str | None
    date: str | None
    diff: list[Change] = field(default_factory=list)  # against the group's earliest


@dataclass
class QuoteGroup:
    speaker: str
    variants: list[Variant]  # earliest first

    @property
    def articles(self) -> list[str]:
        return list(dict.fromkeys(v.quote.article for v in self.variants))


def _edge(text: str, i: int) -> bool:
    """True where text[i] is not a letter or digit (or outside the text)."""
    return not (0 <= i < len(text) and text[i].isalnum())


def quote_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each quotation's inner text in `text`, marks excluded; nested
    quotations stay inside the one around them."""
    out: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        closers = DOUBLE.get(ch)
        single = False
        if closers is None and ch in SINGLE and _edge(text, i - 1) and not _edge(text, i + 1):
            closers, single = SINGLE[ch], True
        if closers is None or (ch == "”" and not _edge(text, i - 1)):
            i += 1
            continue
        j = i + 1
        while j < n:
            if text[j] in closers and (
                not single or (not text[j - 1].isspace() and _edge(text, j + 1))
            ):
                break
            j += 1
        out.append((i + 1, j))
        i = j + 1
    return out


def extract_quotes(article: Article) -> list[Quote]:
    """Every quotation of the article, in reading order, with its speaker."""
    text = article.text
    found: list[tuple[int, int, int, Attribution | None, bool]] = []  # n, start, end, who, alone
    proper = proper_words(text)
    for p in article.passages:
        for s, e in quote_spans(p.text):
            inner = p.text[s:e]
            lead = len(inner) - len(inner.lstrip())
            inner = inner.strip()
            if len(words(inner)) < MIN_WORDS:
                continue
            who = attribute(p.text, s - 1, min(e + 1, len(p.text)), proper)
            start = p.start + s + lead
            alone = not words(p.text[: s - 1]) and not words(p.text[e:])
            found.append((p.n, start, start + len(inner), who, alone))
    if not found:
        return []
    index = SpeakerIndex(text, speakers_named(text, proper))
    out: list[Quote] = []
    for n, s, e, who, alone in found:
        if who is None:  # unattributed: speech going on from the quotation before, or no one's
            last = out[-1] if out else None
            speaker = last.speaker if alone and last and last.n >= n - 1 else ""
        elif who.name:
            speaker = index.fullest(who.name)
        else:
            speaker = index.before(s) if who.pronoun else ""
        out.append(Quote(article.id, n, s, e, text[s:e], speaker))
    return out


def word_pairs(text: str, variants: dict[str, str] | None) -> array:
    """The hashes of the quotation's pairs of neighbouring words (folded, variants
    applied), each once: what grouping compares (kept with an article's features)."""
    ws = [fold(w) for _, _, w in words(text)]
    if variants:
        ws = [variants.get(w, w) for w in ws]
    return array("I", sorted({zlib.crc32(f"{a} {b}".encode()) for a, b in itertools.pairwise(ws)}))


QuoteLink = tuple[str, int, str, int]  # (article, start, article, start): the same quotation


def group_quotes(
    quotes: list[Quote],
    about: dict[str, tuple[str | None, str | None]],
    variants: dict[str, str] | None = None,
    single: bool = False,
    known: list[QuoteLink] | None = None,
    changed: set[str] | None = None,
    hashed: list[array] | None = None,
    earlier: list[QuoteGroup] | None = None,
) -> tuple[list[QuoteGroup], list[QuoteLink]]:
    """Quotations grouped across articles, and the links found. `about` gives each
    article's (outlet, date). Groups carried by two articles or more, the most carried
    first; with `single`, the quotations found in one article only follow, one group
    each. With `known` (an earlier run's links) and `changed` (the articles read since),
    only the changed articles' quotations are compared, and the groups of that run
    (`earlier`) that neither hold a changed article nor gain a link are kept as they
    were (their speaker named again: a name's most used form may have changed).
    `hashed`: each quotation's word_pairs, when kept from before."""
    if hashed is None:
        hashed = [word_pairs(q.text, variants) for q in quotes]
    pairs = [set(h) for h in hashed]
    if known is None or changed is None:
        fresh: set[int] | None = None
        keep: list[tuple[int, int]] = []
        at: dict[tuple[str, int], int] = {}
        earlier = None
    else:
        fresh = {i for i, q in enumerate(quotes) if q.article in changed}
        at = {(q.article, q.start): i for i, q in enumerate(quotes)}
        keep = [
            (at[a, s], at[b, t])
            for a, s, b, t in known
            if a not in changed and b not in changed and (a, s) in at and (b, t) in at
        ]
    wanted = None if fresh is None else {p for i in fresh for p in pairs[i]}
    postings: dict[int, list[int]] = defaultdict(list)
    for i, ps in enumerate(pairs):
        for pair in ps if wanted is None else ps & wanted:
            postings[pair].append(i)
    # candidates: quotations that share a word pair few quotations have; then counted
    # on all their pairs
    candidates: set[tuple[int, int]] = set()
    for ids in postings.values():
        if len(ids) < 2 or len(ids) > MAX_DF:
            continue
        for x, i in enumerate(ids):
            for j in ids[x + 1 :]:
                if quotes[i].article != quotes[j].article and (
                    fresh is None or i in fresh or j in fresh
                ):
                    candidates.add((i, j))
    parent = list(range(len(quotes)))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    linked = list(keep)
    touched = set(changed or ())  # the articles whose groups are made again
    for i, j in candidates:
        count = len(pairs[i] & pairs[j])
        smaller = min(len(pairs[i]), len(pairs[j])) or 1
        if count >= MIN_SHARED and count / smaller >= CONTAINMENT:
            linked.append((i, j))
            touched.update((quotes[i].article, quotes[j].article))
    named = speaker_forms(Counter(q.speaker for q in quotes if q.speaker), variants)
    kept = [g for g in earlier or () if touched.isdisjoint(g.articles)]
    # a kept group's quotations are linked only among themselves (else it would have grown)
    done = {at[v.quote.article, v.quote.start] for g in kept for v in g.variants}
    groups = [
        QuoteGroup(_speaker(g.variants, named), g.variants)
        for g in kept
        if single or len(g.articles) > 1
    ]
    for i, j in linked:
        if i not in done:
            parent[find(i)] = find(j)
    members: dict[int, list[int]] = defaultdict(list)
    for i in range(len(quotes)):
        if i not in done:
            members[find(i)].append(i)
    for ids in members.values():
        group = _group([quotes[i] for i in ids], about, variants, named)
        if single or len(group.articles) > 1:
            groups.append(group)
    groups.sort(key=lambda g: (-len(g.articles), _when(g.variants[0]), g.variants[0].quote.start))
    links = [
        (quotes[i].article, quotes[i].start, quotes[j].article, quotes[j].start) for i, j in linked
    ]
    return groups, links


def _when(v: Variant) -> tuple[str, str]:
    return (v.date or "9999", v.quote.article)


def _group(
    members: list[Quote],
    about: dict[str, tuple[str | None, str | None]],
    variants: dict[str, str] | None,
    named_as: dict[str, str],
) -> QuoteGroup:
    vs = [Variant(q, *about.get(q.article, (None, None))) for q in members]
    if len(vs) > 1:  # most quotations: no one else carries them
        vs.sort(key=lambda v: (*_when(v), v.quote.start))
        first = vs[0].quote.text
        for v in vs[1:]:
            v.diff = changes(first, v.quote.text, variants)
    return QuoteGroup(_speaker(vs, named_as), vs)


def _speaker(vs: list[Variant], named_as: dict[str, str]) -> str:
    """The group's speaker, in the form most used for that name across the corpus."""
    if len(vs) == 1:
        return named_as.get(vs[0].quote.speaker, vs[0].quote.speaker)
    named = Counter(named_as.get(v.quote.speaker, v.quote.speaker) for v in vs if v.quote.speaker)
    return _common_speaker(named)


def speaker_key(name: str, variants: dict[str, str] | None) -> str:
    """The name folded word by word, spelling variants of config.yaml applied (as search
    does): 'Anthony Blinken' and 'Antony Blinken' have one key."""
    folded = [fold(w) for w in name.split()]
    return " ".join(variants.get(w, w) for w in folded) if variants else " ".join(folded)


def speaker_forms(named: Counter[str], variants: dict[str, str] | None) -> dict[str, str]:
    """Each speaker name -> the form most used for its key across the quotations, so
    every group names one person one way."""
    by_key: dict[str, Counter[str]] = defaultdict(Counter)
    for name, count in named.items():
        by_key[speaker_key(name, variants)][name] += count
    return {
        name: max((c, n) for n, c in forms.items())[1]
        for forms in by_key.values()
        for name in forms
    }


def _common_speaker(named: Counter[str]) -> str:
    """The speaker most variants give, counting each form by its surname (Antony and
    Anthony Blinken are one person); the form most used names them."""
    if not named:
        return ""
    by_surname: Counter[str] = Counter()
    for name, count in named.items():
        by_surname[fold(name.split()[-1])] += count
    surname = by_surname.most_common(1)[0][0]
    forms = [(c, name) for name, c in named.items() if fold(name.split()[-1]) == surname]
    return max(forms)[1]


def changes(earliest: str, text: str, variants: dict[str, str] | None = None) -> list[Change]:
    """What `text` changed from `earliest`, word by word, as runs of words."""
    out = []
    for spans_a, spans_b in word_changes(earliest, text, variants):
        was = earliest[spans_a[0][0] : spans_a[-1][1]] if spans_a else ""
        s, e = spans_b[0][0], spans_b[-1][1]  # a deletion: an empty span where it was
        out.append(Change(was, text[s:e], s, e))
    return out
