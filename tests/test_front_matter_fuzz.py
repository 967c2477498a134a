"""Random front matter on .md files (issue 13 items 3 and 7): YAML valid and not, deep
nesting, alias bombs, huge values, lists, odd dates, keys that are not strings, TOML and
`Key: value` headers. Reading never raises and never hangs; every value an article
carries is text of bounded size; the body is kept. The seed changes each run and is
printed on failure; DOSSIER_FUZZ_SEED=N repeats a run, DOSSIER_FUZZ_ROUNDS=N reads more."""

from __future__ import annotations

import random
import time

import pytest
from fuzz_inputs import front_matter, seed_and_rounds
from helpers_tags import plain_settings

from index.corpus import build_article
from index.text import canonical

ROUNDS = 150
VALUE_CAP = 20_000  # characters: far above any real title or outlet, far below a bomb
HANG_S = 10.0  # only a hang fails here; speed is for bench/
BODY = (
    "Talks resume in the capital\n\n"
    "The negotiators zqxbody met in the capital on Tuesday and said the talks on the "
    "border would resume after the holidays, according to two officials."
)


def test_random_front_matter_is_read_safely(tmp_path):
    seed, rounds = seed_and_rounds(ROUNDS)
    rng = random.Random(seed)
    settings = plain_settings(tmp_path)
    for i in range(rounds):
        head = front_matter(rng)
        text = canonical(head + "\n" + BODY + "\n\nA second paragraph of the article.\n")
        label = f"seed {seed}, file {i}, front matter {head[:300]!r}"
        t0 = time.perf_counter()
        try:
            article = build_article(f"fm{i}", f"/virtual/fm{i}.md", text, settings)
        except Exception as exc:  # any exception is the failure looked for
            pytest.fail(f"{label}: {type(exc).__name__}: {exc}")
        took = time.perf_counter() - t0
        assert took < HANG_S, f"{label}: took {took:.1f} s"

        fields = {"title": article.title, "source": article.source, "date": article.date}
        fields |= {"url": article.url, **{f"meta[{k!r}]": v for k, v in article.meta.items()}}
        for name, value in fields.items():
            assert value is None or isinstance(value, str), (
                f"{label}: {name} is {type(value).__name__}, not text"
            )
            assert value is None or len(value) <= VALUE_CAP, (
                f"{label}: {name} is {len(value):,} characters"
            )
        assert all(isinstance(k, str) and len(k) <= VALUE_CAP for k in article.meta), label
        body = " ".join(p.text for p in article.passages)
        assert "zqxbody" in body, f"{label}: the body was lost"
