"""Who is quoted: the speaker of a quotation, from the words around it.

Read, in this order, from the sentence the quotation stands in:

* after it: `…," Blinken said`, `…," said U.S. Secretary of State Antony Blinken`,
  `…," he stressed` (a pronoun: see below);
* before it: `Blinken said in a statement that … "…"`, `according to Blinken, "…"`.

`he`, `she`, `who`, or a role (`the secretary of state said`, `the official
said`), takes the last person mentioned before the quotation: the last mention of a
name that is a speaker somewhere in the article (`Blinken said` anywhere, quoted or
not), so "He proposed … '…'" after "…, Blinken said." is Blinken's. Any other
speaker (`the statement said`, `it said`, `they noted`) is no person the article
names: the quotation has no speaker, never the last person named. A quotation with
no attribution in its sentence has one only when it is a paragraph of its own right
after a quotation (the speech goes on): that quotation's speaker (see
index/quotes.py). Names are runs of capitalised words; titles in front of them
(`Secretary of State`, `Foreign Minister`) are dropped. English attribution only.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from .text import fold, words

VERBS = frozenset(
    [
        "said",
        "says",
        "say",
        "told",
        "tells",
        "added",
        "adds",
        "stressed",
        "stresses",
        "explained",
        "explains",
        "noted",
        "notes",
        "asserted",
        "asserts",
        "emphasized",
        "emphasised",
        "emphasizes",
        "emphasises",
        "highlighted",
        "highlights",
        "stated",
        "states",
        "declared",
        "declares",
        "warned",
        "warns",
        "wrote",
        "writes",
        "tweeted",
        "tweets",
        "insisted",
        "insists",
        "urged",
        "urges",
        "announced",
        "announces",
        "argued",
        "argues",
        "remarked",
        "replied",
        "replies",
        "acknowledged",
        "acknowledges",
        "recalled",
        "recalls",
        "commented",
        "comments",
        "continued",
        "concluded",
        "maintained",
        "claimed",
        "claims",
        "confirmed",
        "confirms",
        "reiterated",
        "reiterates",
        "observed",
        "proposed",
        "proposes",
    ]
)
LISTENER_VERBS = frozenset({"told", "tells"})  # `told X`: X listens
PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i", "you", "who"])
PERSONAL = frozenset(["he", "she", "who"])  # one person, named before
AUX = frozenset(["has", "have", "had", "also", "then", "later", "further"])
# Words that head a name without being one: titles, ranks, roles.
TITLES = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "sir",
        "secretary",
        "state",
        "minister",
        "ministers",
        "foreign",
        "prime",
        "president",
        "vice",
        "deputy",
        "chancellor",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "ambassador",
        "general",
        "gen",
        "senator",
        "sen",
        "representative",
        "rep",
        "governor",
        "mayor",
        "king",
        "queen",
        "prince",
        "chairman",
        "chairwoman",
        "chief",
        "director",
        "head",
        "leader",
        "us",
        "u.s",
        "u.s.",
        "uk",
        "eu",
        "un",
        "official",
        "adviser",
        "advisor",
        "national",
        "security",
        "envoy",
        "special",
        "defence",
        "defense",
        "interior",
        "affairs",
        "premier",
    ]
)
CONNECTORS = frozenset(["of", "the", "de", "von", "van", "der", "al", "bin"])
NOT_NAMES = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "today",
        "yesterday",
    ]
)
SENTENCE_END = re.compile(r"[.!?](?=\s|$)")
WINDOW = 160  # characters read on each side of a quotation
# what may stand between the words of a name: a space, a hyphen, an initial's stop
# (a no-break space as well: `Blinken\xa0said`)
_IN_NAME = re.compile(r"(?:\.?\s|-|\.)")
_BEFORE_VERB = re.compile(r",?\s")


@dataclass(frozen=True, slots=True)
class Attribution:
    name: str  # "" for a pronoun, a role, or a speaker who is no named person
    pronoun: bool  # he, she, who or a role: the last person named before


@dataclass(slots=True)
class _Tok:
    word: str
    low: str
    gap: str  # the text between the previous word and this one
    cap: bool  # a capitalised word that reads as a name here


def proper_words(text: str) -> frozenset[str]:
    """Folded capitalised words the text uses inside a sentence at least once: names
    (a capital only at a sentence's start, "Both", "In", is no name)."""
    out = set()
    prev_end = 0
    for s, e, w in words(text):
        gap = text[prev_end:s]
        prev_end = e
        if w[:1].isupper() and prev_end and not re.search(r"[.!?:\n“\"«„]", gap) and s:
            out.add(fold(w))
    return frozenset(out)


def _tokens(text: str, proper: frozenset[str]) -> list[_Tok]:
    out, prev = [], 0
    for s, e, w in words(text):
        low = fold(w)
        cap = w[:1].isupper() and low in proper and low not in NOT_NAMES
        out.append(_Tok(w, low, text[prev:s], cap))
        prev = e
    return out


def _joined(toks: list[_Tok], i: int) -> bool:
    """toks[i] continues the name that toks[i - 1] is part of."""
    return bool(_IN_NAME.fullmatch(toks[i].gap))


def _strip_titles(run: list[_Tok]) -> str:
    while run and (run[0].low.rstrip(".") in TITLES or run[0].low in CONNECTORS):
        run = run[1:]
    return " ".join(t.word for t in run[-4:])


def _name_before(toks: list[_Tok], end: int) -> str:
    """The name whose last word is toks[end - 1], when it is joined to what follows."""
    if end <= 0 or end > len(toks) or not toks[end - 1].cap:
        return ""
    if end < len(toks) and not _BEFORE_VERB.fullmatch(toks[end].gap):
        return ""
    i = end - 1
    while i > 0 and toks[i - 1].cap and _joined(toks, i):
        i -= 1
    return _strip_titles(toks[i:end])


def _name_after(toks: list[_Tok], start: int, reach: int = 9) -> str:
    """The name in the words after an attribution verb: the last capitalised run among
    the next few words (`said U.S. Secretary of State Antony Blinken` -> Antony Blinken)."""
    run: list[_Tok] = []
    best: list[_Tok] = []
    for k in range(start, min(len(toks), start + reach)):
        tok = toks[k]
        if tok.cap:
            if run and not _joined(toks, k):
                best, run = run, []
            run.append(tok)
        elif tok.low in CONNECTORS:
            if run:
                best, run = run, []
        else:
            break
    return _strip_titles(run or best)


def _subject(toks: list[_Tok], verb: int) -> Attribution | None:
    """Who the verb at toks[verb] has as its subject: a pronoun, a name, a role, some
    other speaker (the word before the verb, `the statement said`: no person), or,
    when nothing stands before the verb (`…," said Blinken`), for verbs other than
    `told`, the name that follows it. None when there is none of these."""
    j = verb
    while j > 0 and toks[j - 1].low in AUX:
        j -= 1
    if j > 0 and toks[j - 1].low in PRONOUNS:
        return Attribution("", toks[j - 1].low in PERSONAL)
    name = _name_before(toks, j)
    if name:
        return Attribution(name, False)
    if j > 0 and _BEFORE_VERB.fullmatch(toks[j].gap):
        # a subject that is no name: a name after the verb is what it reports
        # (`the statement said Mirzoian and Bayramov "…"`), not who speaks
        return Attribution("", toks[j - 1].low.rstrip(".") in TITLES)
    if toks[verb].low not in LISTENER_VERBS:
        name = _name_after(toks, verb + 1)
    return Attribution(name, False) if name else None


def _attribution(toks: list[_Tok], order) -> Attribution | None:
    for i in order:
        low = toks[i].low
        if low == "according" and i + 1 < len(toks) and toks[i + 1].low == "to":
            name = _name_after(toks, i + 2)
            if name:
                return Attribution(name, False)
        elif low in VERBS and toks[i].word[:1].islower():
            who = _subject(toks, i)
            if who:
                return who
    return None


def _sentence_after(text: str, end: int) -> str:
    tail = text[end : end + WINDOW]
    m = SENTENCE_END.search(tail, 1)
    return tail[: m.start()] if m else tail


def _sentence_before(text: str, start: int) -> str:
    head = text[max(0, start - WINDOW) : start]
    ends = list(SENTENCE_END.finditer(head))
    return head[ends[-1].end() :] if ends else head


def attribute(text: str, start: int, end: int, proper: frozenset[str]) -> Attribution | None:
    """The attribution of the quotation text[start:end] (its marks included), read from
    its own sentence: just after it first (`…," Blinken said`), then before it."""
    after = _tokens(_sentence_after(text, end), proper)
    found = _attribution(after, range(min(len(after), 8)))
    if found:
        return found
    before = _tokens(_sentence_before(text, start), proper)
    return _attribution(before, range(len(before) - 1, -1, -1))


class SpeakerIndex:
    """Mentions of the article's speakers, to give a pronoun (or no attribution) the
    last person named before a quotation."""

    def __init__(self, text: str, names: list[str]):
        surnames: dict[str, str] = {}
        for name in names:
            key = fold(name.split()[-1])
            if len(name) > len(surnames.get(key, "")):
                surnames[key] = name  # the fullest form the article gives
        self.full = surnames
        self.at: list[int] = []
        self.who: list[str] = []
        for s, _, w in words(text):
            key = fold(w)
            if key in surnames:
                self.at.append(s)
                self.who.append(key)

    def before(self, offset: int) -> str:
        i = bisect.bisect_left(self.at, offset)
        return self.full[self.who[i - 1]] if i else ""

    def fullest(self, name: str) -> str:
        return self.full.get(fold(name.split()[-1]), name) if name else name


def speakers_named(text: str, proper: frozenset[str]) -> list[str]:
    """Every name the text gives as a speaker (`X said`, `said X`, `according to X`)."""
    found: list[str] = []
    for line in text.split("\n"):
        toks = _tokens(line, proper)
        for i, tok in enumerate(toks):
            if tok.low in VERBS or tok.low == "according":
                who = _attribution(toks, (i,))
                if who and who.name:
                    found.append(who.name)
    return found
