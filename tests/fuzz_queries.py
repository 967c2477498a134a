"""A grammar of what people type and paste into a search box, for the query fuzz test
and bench/bench_query_bounds.py."""

from __future__ import annotations

import random

_OPS = ["AND", "OR", "NOT", "ANDNOT", "ANDMAYBE", "TO", "and", "not"]
_PUNCT = ['"', "(", ")", "*", "?", "~", "~2", "^2", ":", "[", "]", "{", "}", "\\", "-", "+", "'"]
_FIELDS = ["text:", "title:", "source:", "outlet:", "date:", "tag:", "exact:", "body:", "foo:"]
_ODD = ["\x00", "\x1b[31m", "\u202e", "\t", "\n", "é", "Lachín", "日本", "🙂", "\ufeff", "ß"]


def random_query(rng: random.Random, words: list[str]) -> str:
    parts: list[str] = []
    for _ in range(rng.choice([1, 1, 2, 3, 4, 6, 10, 40])):
        kind = rng.random()
        if kind < 0.45:
            w = rng.choice(words)
            if rng.random() < 0.2:
                w = w[: rng.randint(0, len(w))] + rng.choice(["*", "?", "~", "~1", "~2"])
            parts.append(w)
        elif kind < 0.6:
            parts.append(rng.choice(_OPS))
        elif kind < 0.75:
            parts.append(rng.choice(_PUNCT))
        elif kind < 0.85:
            parts.append(rng.choice(_FIELDS) + rng.choice([*words, '"', "(", ""]))
        elif kind < 0.93:
            phrase = " ".join(rng.choice(words) for _ in range(rng.randint(1, 30)))
            parts.append(f'"{phrase}"' if rng.random() < 0.8 else f'"{phrase}')
        else:
            parts.append(rng.choice(_ODD))
    sep = rng.choice([" ", " ", "", "  "])
    text = sep.join(parts)
    if rng.random() < 0.02:
        text = rng.choice(["(", "NOT ", '"']) * rng.randint(100, 2000) + text
    return text
