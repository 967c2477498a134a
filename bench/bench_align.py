"""Time passage alignment of two long articles.

Builds two long articles from real BBC text (/work/shared/corpora/bbc.tar.gz, extracted
to a temporary folder; falls back to the bundled articles): the left one is the
paragraphs of a run of BBC business stories, the right one the same paragraphs shuffled,
lightly reworded and mixed with paragraphs from other stories. Prints the median of
several runs of `align`, and, for scale, a naive baseline measured in the same run:
difflib's SequenceMatcher ratio on the word lists of every pair, timed on a sample of
pairs and scaled to all pairs.

    /work/venv/bin/python bench/bench_align.py [--passages 150] [--runs 7]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tarfile
import tempfile
import time
from difflib import SequenceMatcher
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.align import align, word_diff  # noqa: E402
from index.config import load_settings  # noqa: E402
from index.corpus import build_article, load_corpus  # noqa: E402
from index.text import variant_map, words  # noqa: E402

BBC = Path("/work/shared/corpora/bbc.tar.gz")
SWAPS = {
    "said": "stated",
    "says": "states",
    "also": "as well",
    "but": "however",
    "company": "firm",
    "year": "twelve months",
    "people": "persons",
}


def bbc_paragraphs(limit: int) -> list[str]:
    """Paragraphs of the first BBC stories, in order (title lines left out)."""
    out: list[str] = []
    with tempfile.TemporaryDirectory() as tmp, tarfile.open(BBC) as tar:
        members = sorted(
            (
                m
                for m in tar.getmembers()
                if m.isfile() and m.name.startswith("bbc/business/") and m.name.endswith(".txt")
            ),
            key=lambda m: m.name,
        )
        tar.extractall(tmp, members=members, filter="data")
        for m in members:
            text = (Path(tmp) / m.name).read_text("utf-8", errors="replace")
            paras = [p.strip() for p in text.split("\n\n")[1:] if len(p.split()) >= 6]
            out.extend(paras)
            if len(out) >= limit:
                break
    return out[:limit]


def bundled_paragraphs(limit: int) -> list[str]:
    articles, _ = load_corpus(load_settings(ROOT / "config.yaml"))
    paras = [p.text for a in articles for p in a.passages if len(p.text.split()) >= 6]
    return (paras * (limit // max(1, len(paras)) + 1))[:limit]


def reword(text: str, rng: random.Random) -> str:
    """The paragraph as another outlet might carry it: a word dropped, some swapped."""
    ws = text.split()
    if len(ws) > 8:
        del ws[rng.randrange(1, len(ws))]
    return " ".join(SWAPS.get(w, w) for w in ws)


def make_articles(settings, n: int):
    rng = random.Random(7)
    try:
        paras = bbc_paragraphs(n * 2)
        origin = "BBC business stories"
    except (OSError, tarfile.TarError):
        paras = bundled_paragraphs(n * 2)
        origin = "bundled articles (BBC corpus not found)"
    left_paras, extra = paras[:n], paras[n:]
    copies = {p: reword(p, rng) for p in left_paras[: n * 4 // 5]}
    right_paras = list(copies.values()) + extra[: n // 5 + 5]
    rng.shuffle(right_paras)
    left = build_article(
        "bench_left", "bench_left.txt", "Left\n\n" + "\n\n".join(left_paras) + "\n", settings
    )
    right = build_article(
        "bench_right", "bench_right.txt", "Right\n\n" + "\n\n".join(right_paras) + "\n", settings
    )
    return left, right, origin, copies


def accuracy(result, left, right, copies: dict[str, str]) -> tuple[int, int]:
    """(copied passages whose best match is their copy, copied passages)."""
    where = {p.text: p.n for p in right.passages}
    hits = total = 0
    for p in left.passages:
        want = where.get(copies.get(p.text, ""))
        if want is None:
            continue
        total += 1
        best = result.matches("left", p.n, 1)
        hits += bool(best) and best[0].n == want
    return hits, total


def naive_ms(left, right, sample: int = 300) -> float:
    """Estimated time of all-pairs difflib ratio, from a timed random sample of pairs."""
    rng = random.Random(3)
    lw = [[w.lower() for _, _, w in words(p.text)] for p in left.passages]
    rw = [[w.lower() for _, _, w in words(p.text)] for p in right.passages]
    pairs = [(rng.randrange(len(lw)), rng.randrange(len(rw))) for _ in range(sample)]
    t0 = time.perf_counter()
    for i, j in pairs:
        SequenceMatcher(None, lw[i], rw[j], autojunk=False).ratio()
    per_pair = (time.perf_counter() - t0) / sample
    return per_pair * len(lw) * len(rw) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--passages", type=int, default=150, help="passages per article")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    settings = load_settings(ROOT / "config.yaml")
    variants = variant_map(settings.variants)
    left, right, origin, copies = make_articles(settings, args.passages)
    align(left, right, variants)  # warm the normaliser cache once, as a session would
    times = []
    for _ in range(args.runs):
        t0 = time.perf_counter()
        result = align(left, right, variants)
        times.append((time.perf_counter() - t0) * 1000)
    median = statistics.median(times)
    cold_variants = {**variants, "benchcold": "benchcold"}  # a fresh normaliser: no cache
    t0 = time.perf_counter()
    align(left, right, cold_variants)
    cold = (time.perf_counter() - t0) * 1000
    t0 = time.perf_counter()
    diffs = 0
    for ln, rn, _ in result.pairs:
        word_diff(left.passage(ln).text, right.passage(rn).text, variants)
        diffs += 1
    diff_ms = (time.perf_counter() - t0) * 1000
    baseline = naive_ms(left, right)
    print(f"text: {origin}")
    print(f"passages: left {len(left.passages)}, right {len(right.passages)}")
    print(
        f"align median of {args.runs} runs: {median:.1f} ms "
        f"(min {min(times):.1f}, max {max(times):.1f}; cold cache {cold:.1f} ms)"
    )
    hits, total = accuracy(result, left, right, copies)
    print(
        f"aligned pairs: {len(result.pairs)}; reworded copies found as best match: {hits}/{total}"
    )
    print(f"word_diff of all {diffs} pairs: {diff_ms:.1f} ms")
    print(f"baseline all-pairs difflib ratio (sampled, scaled): {baseline:.1f} ms")
    print(f"speedup vs baseline: {baseline / median:.1f}x")
    print(f"budget 200 ms: {'ok' if median <= 200 else 'OVER'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
