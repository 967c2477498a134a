"""Hostile inputs for the fuzz tests (issue 13 item 7): article files, front matter and
damaged tag files, each made from a random.Random so a seed repeats a run exactly.
The query grammar is in fuzz_queries.py."""

from __future__ import annotations

import os
import random
import time

# Characters that must never reach the terminal raw: C0 but tab and newline, DEL, C1,
# line/paragraph separators, bidi embeddings, overrides, isolates and marks.
UNSAFE = frozenset(
    [*(chr(c) for c in range(0x20) if c not in (0x09, 0x0A)), "\x7f"]
    + [chr(c) for c in range(0x80, 0xA0)]
    + [chr(c) for c in (0x2028, 0x2029, 0x200E, 0x200F)]
    + [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))]
)

_PROSE = (
    "the ministers met again on the border question and agreed to publish the maps "
    "before the next round of talks while observers said the corridor stayed closed"
)
PROSE = _PROSE.split()

_ESCAPES = [
    "\x1b[31m",
    "\x1b[0m",
    "\x1b[2J",
    "\x1b]52;c;ZWNobyBwd25lZA==\x07",
    "\x1b]0;title\x07",
    "\x1b]8;;http://evil\x1b\\link\x1b]8;;\x1b\\",
    "\x9b31m",
    "\x07",
    "\x08",
    "\r",
    "\x7f",
    "\u202e",
    "\u202d",
    "\u2066",
    "\u2069",
    "\u200f",
    "\u2028",
    "\x00",
]
_MARKUP = [
    "[bold red]",
    "[/]",
    "[/b]",
    "[link=http://evil.example]",
    "[/link]",
    "[@click=app.quit]x[/]",
    "[reverse]",
    "\\[escaped]",
    "[",
    "]",
    "{{ template }}",
    "<b>",
    "</i>",
    "&amp;",
]
FUZZ_SEED_ENV = "DOSSIER_FUZZ_SEED"
FUZZ_ROUNDS_ENV = "DOSSIER_FUZZ_ROUNDS"


def seed_and_rounds(default_rounds: int) -> tuple[int, int]:
    """A seed that changes each run (DOSSIER_FUZZ_SEED=N repeats one) and the number of
    rounds (DOSSIER_FUZZ_ROUNDS=N for a longer hunt)."""
    seed = int(os.environ.get(FUZZ_SEED_ENV, time.time_ns() % 1_000_000))
    rounds = int(os.environ.get(FUZZ_ROUNDS_ENV, default_rounds))
    return seed, rounds


def marker(i: int) -> str:
    """A word no generated text holds by chance: 'zqx' + letters for i."""
    out = ""
    while True:
        out = chr(ord("a") + i % 26) + out
        i //= 26
        if not i:
            return "zqx" + out


def sentence(rng: random.Random, word: str, hostile: float = 0.3) -> str:
    """Prose with `word` in it, sprinkled with escapes and markup."""
    parts = [rng.choice(PROSE) for _ in range(rng.randint(6, 30))]
    parts.insert(rng.randint(0, len(parts)), word)
    out = []
    for p in parts:
        if rng.random() < hostile:
            p = rng.choice([*_ESCAPES, *_MARKUP]) + p
        if rng.random() < hostile / 3:
            p += rng.choice([*_ESCAPES, *_MARKUP])
        out.append(p)
    return " ".join(out) + "."


def text_body(rng: random.Random, word: str) -> str:
    title = sentence(rng, word, 0.5)[: rng.choice([40, 80, 30_000])]
    paras = [sentence(rng, word) for _ in range(rng.randint(1, 5))]
    if rng.random() < 0.2:  # a huge line
        paras.append(" ".join(rng.choice(PROSE) for _ in range(rng.randint(20_000, 60_000))))
    return title + "\n\n" + "\n\n".join(paras) + "\n"


def html_page(rng: random.Random, word: str) -> str:
    paras = "".join(f"<p>{sentence(rng, word, 0.2)} {' '.join(PROSE)}</p>" for _ in range(4))
    page = (
        f"<!doctype html><html><head><title>{sentence(rng, word, 0.3)}</title></head>"
        f"<body><nav><a href='/'>Home</a></nav><article><h1>{word} talks</h1>{paras}"
        "</article><footer>© outlet</footer></body></html>"
    )
    if rng.random() < 0.4:  # broken or truncated
        page = page[: rng.randint(0, len(page))]
    if rng.random() < 0.2:
        page = page.replace("</p>", "").replace("<p>", "<p><div>")
    return page


def article_file(rng: random.Random, i: int) -> tuple[str, bytes, bool]:
    """(file name, bytes, must_be_read): one hostile article whose marker word is
    marker(i). must_be_read is True for text dossier promises to read (any UTF-8 or
    Windows-1252 text without NUL bytes), False where skipping with a warning is fine."""
    word = marker(i)
    kind = rng.choice(
        [
            *("utf8", "utf8", "markup", "md", "cp1252", "bad_utf8", "utf16", "utf16_nobom"),
            *("nul", "random", "empty", "html", "htm", "fragment"),
        ]
    )
    body = text_body(rng, word)
    name = f"a{i:03d}-{kind}"
    if kind == "utf8":
        return f"{name}.txt", body.replace("\x00", "").encode("utf-8"), True
    if kind == "markup":
        text = " ".join(rng.choice(_MARKUP) + w for w in body.split(" "))
        return f"{name}.txt", text.replace("\x00", "").encode("utf-8"), True
    if kind == "md":
        front = f"---\ntitle: '{sentence(rng, word, 0)}'\nsource: \x1b[31mOutlet\n---\n"
        return f"{name}.md", (front + body).replace("\x00", "").encode("utf-8"), True
    if kind == "cp1252":
        text = f"Caf\u00e9 \u201cquoted\u201d \u2013 {body}".replace("\x00", "")
        return f"{name}.txt", text.encode("cp1252", errors="replace"), True
    if kind == "bad_utf8":
        raw = body.replace("\x00", "").encode("utf-8")
        for _ in range(rng.randint(1, 20)):
            at = rng.randint(0, len(raw))
            raw = raw[:at] + bytes([rng.choice([0x80, 0xC3, 0xFF, 0xFE, 0xE2])]) + raw[at:]
        return f"{name}.txt", raw, False  # a flip may land inside the marker
    if kind == "utf16":
        return f"{name}.txt", body.encode("utf-16"), False
    if kind == "utf16_nobom":
        return f"{name}.txt", body.encode(rng.choice(["utf-16-le", "utf-16-be"])), False
    if kind == "nul":
        raw = body.encode("utf-8")
        at = rng.randint(0, len(raw))
        return f"{name}.txt", raw[:at] + b"\x00" * rng.randint(1, 50) + raw[at:], False
    if kind == "random":
        return f"{name}.txt", rng.randbytes(rng.randint(1, 5000)), False
    if kind == "empty":
        return (
            f"{name}.{rng.choice(['txt', 'md', 'html'])}",
            rng.choice([b"", b"\n\n ", b"\xef\xbb\xbf"]),
            False,
        )
    if kind in ("html", "htm"):
        return f"{name}.{kind}", html_page(rng, word).encode("utf-8"), False
    # an HTML fragment in a text file (a CMS export)
    frag = f"<div><p>{sentence(rng, word, 0.2)}</p><p>{' '.join(PROSE)}</p>"
    return f"{name}.txt", frag[: rng.randint(len(frag) // 2, len(frag))].encode("utf-8"), False


# --- front matter -------------------------------------------------------------------

_BOMB = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\n"
    "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]\n"
    "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]\n"
    "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]\n"
    "g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]\n"
    "title: *g\n"  # 9**7 items: 33 MB as text (two more levels would be 2.7 GB)
)
_DATES = [
    "2023-05-05",
    "2023-05-05T10:00:00Z",
    "2023-5-5",
    "05/05/2023",
    "May 5, 2023",
    "5 May 2023",
    "2023-02-30",
    "0000-00-00",
    "9999-12-31T23:59:60",
    "yesterday",
    "2023",
    "1e400",
    "-2023-05-05",
]
_KEYS = ["title", "source", "outlet", "date", "url", "author", "tags", "summary", "lang"]


def _yaml_value(rng: random.Random, depth: int = 0) -> str:
    kind = rng.random()
    if kind < 0.3:
        return rng.choice(_DATES)
    if kind < 0.5:
        return repr(sentence(rng, "frontword", 0.2))
    if kind < 0.6:
        return "x" * rng.choice([10, 5_000, 200_000])
    if kind < 0.7:
        return "[" + ", ".join(rng.choice(_DATES + PROSE) for _ in range(rng.randint(0, 30))) + "]"
    if kind < 0.8 and depth < 3:
        return "{" + ", ".join(f"k{j}: {_yaml_value(rng, depth + 1)}" for j in range(3)) + "}"
    if kind < 0.85:
        return "[" * 200 + "]" * rng.choice([0, 200])  # deep nesting, closed or not
    return rng.choice(
        ["null", "~", "true", "0x1F", ".inf", "!!binary aGVsbG8=", "'unclosed", '"\\x1b"']
    )


def front_matter(rng: random.Random) -> str:
    """The head of a .md file: YAML (valid or not), TOML, `Key: value` lines, a bomb."""
    kind = rng.choice(["yaml", "yaml", "bomb", "toml", "headers", "keys", "garbage"])
    if kind == "bomb":
        return "---\n" + _BOMB + "---\n"
    if kind == "toml":
        lines = [f'{k} = "{rng.choice(_DATES)}"' for k in rng.sample(_KEYS, 4)]
        lines.append(rng.choice(["[extra]", "date = 2023-05-05", 'bad = "unclosed', "x = [1, 2"]))
        return "+++\n" + "\n".join(lines) + "\n+++\n"
    if kind == "headers":
        lines = [f"{k.title()}: {rng.choice(_DATES + PROSE)}" for k in rng.sample(_KEYS, 4)]
        return "\n".join(lines) + "\n\n"
    if kind == "keys":  # keys that are not strings
        keys = ["1", "2023-05-05", "true", "null", "[1, 2]", "{a: b}", "? [x]\n", "3.5"]
        lines = [f"{rng.choice(keys)}: {_yaml_value(rng)}" for _ in range(rng.randint(1, 6))]
        return "---\n" + "\n".join(lines) + "\n---\n"
    if kind == "garbage":
        raw = "---\n" + "".join(rng.choice(":-[]{}&*!|>'\"#%@` \n\tab") for _ in range(300))
        return raw + rng.choice(["\n---\n", ""])
    lines = [f"{k}: {_yaml_value(rng)}" for k in rng.sample(_KEYS, rng.randint(1, 6))]
    if rng.random() < 0.2:
        lines.append(f"{rng.choice(_KEYS)}: dup")
    return "---\n" + "\n".join(lines) + "\n---\n"


# --- tag files ----------------------------------------------------------------------

_CONFLICT = "<<<<<<< HEAD\n- id: t-mine\n=======\n- id: t-theirs\n>>>>>>> branch\n"


def mutate_tagfile(rng: random.Random, valid: bytes) -> tuple[str, bytes]:
    """(kind of damage, a damaged, or sometimes still valid, copy of a tag file)."""
    kind = rng.choice(
        ["truncate", "flip", "conflict", "version", "types", "dup", "note", "alias", "splice"]
    )
    return kind, _MUTATE[kind](rng, valid, valid.decode("utf-8"))


def _truncate(rng: random.Random, valid: bytes, text: str) -> bytes:
    return valid[: rng.randint(0, len(valid))]


def _flip(rng: random.Random, valid: bytes, text: str) -> bytes:
    raw = bytearray(valid)
    for _ in range(rng.randint(1, 8)):
        raw[rng.randrange(len(raw))] = rng.randrange(256)
    return bytes(raw)


def _conflict(rng: random.Random, valid: bytes, text: str) -> bytes:
    lines = text.splitlines(keepends=True)
    at = rng.randint(0, len(lines))
    return "".join([*lines[:at], _CONFLICT, *lines[at:]]).encode()


def _version(rng: random.Random, valid: bytes, text: str) -> bytes:
    new = rng.choice(["2", "0", "x", "[1]", "1.0", "", "'1'", "99999999999999999999"])
    return text.replace("version: 1", f"version: {new}").encode()


def _types(rng: random.Random, valid: bytes, text: str) -> bytes:
    old, new = rng.choice(
        [
            ("entries:", "entries: 5\nold_entries:"),
            ("  topics:", "  topics: {a: 1}\n  old_topics:"),
            ("start: ", "start: -"),
            ("    exact: ", "    exact: [1]\n    old_exact: "),
            ("  article: ", "  article: \n  was: "),
            ("  note: ", "  note: {x: 1}\n  old_note: "),
            ("dismissed: []", "dismissed: [1, 2]"),
            ("  created: '", "  created: 2023-02-30\n  was: '"),
            ("  updated: '", "  updated: 2023-05-05T10:00:61Z\n  was: '"),
        ]
    )
    return text.replace(old, new, 1).encode()


def _dup(rng: random.Random, valid: bytes, text: str) -> bytes:
    """An entry twice, one after the other (same id)."""
    start = text.index("- id:")
    end = min(i for i in (text.find("\n- id:", start + 1), text.find("\ndismissed:")) if i > 0)
    end += 1
    return (text[:end] + text[start:end] + text[end:]).encode()


def _note(rng: random.Random, valid: bytes, text: str) -> bytes:
    return text.replace("note: ", "note: " + "n" * rng.choice([10_000, 1_000_000]), 1).encode()


def _alias(rng: random.Random, valid: bytes, text: str) -> bytes:
    """A billion-laughs mapping under an unknown top-level key (nine levels of nine)."""
    bomb = ["bomb0: &y0 [" + ", ".join(["lol"] * 9) + "]"]
    bomb += [f"bomb{j}: &y{j} [{', '.join([f'*y{j - 1}'] * 9)}]" for j in range(1, 9)]
    return (text + "\n".join(bomb) + "\n").encode()


def _splice(rng: random.Random, valid: bytes, text: str) -> bytes:
    """A random slice of the file moved elsewhere."""
    a, b = sorted(rng.randint(0, len(valid)) for _ in range(2))
    rest = valid[:a] + valid[b:]
    at = rng.randint(0, len(rest))
    return rest[:at] + valid[a:b] + rest[at:]


_MUTATE = {
    "truncate": _truncate,
    "flip": _flip,
    "conflict": _conflict,
    "version": _version,
    "types": _types,
    "dup": _dup,
    "note": _note,
    "alias": _alias,
    "splice": _splice,
}
