"""Shared text and quotations: recall and precision on a generated corpus with planted
reuse and altered quotes, and timing on Reuters-21578.

    python bench/bench_reuse.py                    # both
    python bench/bench_reuse.py --generated 2000   # only the generated corpus, 2000 articles
    python bench/bench_reuse.py --reuters-only
    python bench/bench_reuse.py --reuters-only --config DIR/config.yaml   # an indexed copy

The generated corpus: articles of random words (a Zipf-like vocabulary, so common words
recur as in prose) with passages copied from earlier articles (half of them with a word
or two changed, some inside a longer paragraph of their own) and quotations carried by
several articles (one word changed in some copies; attributed as `“…,” Name said`,
`Name said: “…”`, or by a pronoun after the name was given). Recall and precision are
counted over pairs: two passages of one planted origin (two variants of one planted
quotation) should share a cluster (a group), and two that share one should be of one
origin. Speaker: the share of planted variants whose speaker has the planted surname.

Reuters: the whole analysis from an index built beforehand (reading every article and
the cross-article step; medians of --runs), then an update after 100 articles changed.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import resource
import shutil
import statistics
import sys
import tarfile
import tempfile
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from index.config import load_settings  # noqa: E402
from index.library import Library  # noqa: E402
from index.reuse_store import analyse, analysis_dir  # noqa: E402

SHARED = REPO.parent / "shared" / "corpora"
FIRST = ["Anna", "Boris", "Clara", "David", "Elena", "Farid", "Gita", "Hugo", "Irina", "Jonas"]
LAST = ["Petrova", "Okafor", "Lindqvist", "Haddad", "Moreau", "Tanaka", "Novak", "Quispe"]


class Planted:
    """What the generator planted: passage origins and quotation ids."""

    def __init__(self) -> None:
        self.origin: dict[tuple[str, int], str] = {}  # (article, n) -> origin of its text
        self.quote: dict[tuple[str, int], tuple[str, str]] = {}  # (article, n) -> (id, surname)


def _vocabulary(rng: random.Random, size: int = 4000) -> tuple[list[str], list[float]]:
    syll = ["ka", "lo", "mi", "ra", "tu", "se", "no", "vi", "da", "pe", "zu", "ho", "an", "el"]
    made = {"".join(rng.choice(syll) for _ in range(rng.randint(1, 4))) for _ in range(size)}
    words = sorted(made)
    weights = [1 / (i + 1) for i in range(len(words))]
    return words, weights


def plant_corpus(folder: Path, n: int, seed: int = 7) -> Planted:
    """Write n articles into folder; return what was planted."""
    rng = random.Random(seed)
    vocab, weights = _vocabulary(rng)

    def sentence(k: int) -> str:
        ws = rng.choices(vocab, weights, k=k)
        return " ".join(ws).capitalize() + "."

    def paragraph() -> str:
        return " ".join(sentence(rng.randint(8, 18)) for _ in range(rng.randint(2, 4)))

    def altered(text: str) -> str:
        ws = text.split(" ")
        for _ in range(rng.randint(1, 2)):
            i = rng.randrange(1, len(ws) - 1)
            ws[i] = rng.choice(vocab)
        return " ".join(ws)

    planted = Planted()
    quotes = []  # (id, text, first name, surname)
    for q in range(max(4, n // 8)):
        text = " ".join(rng.choices(vocab, weights, k=rng.randint(14, 26))).capitalize()
        quotes.append((f"q{q}", text, rng.choice(FIRST), rng.choice(LAST)))
    made: list[tuple[str, list[str]]] = []
    folder.mkdir(parents=True, exist_ok=True)
    start = 10_000
    for i in range(n):
        aid = f"a{i:05d}"
        paras = [paragraph() for _ in range(rng.randint(3, 7))]
        origins: dict[int, str] = {}
        if made and rng.random() < 0.3:  # copy a passage of an earlier article
            src_id, src_paras = rng.choice(made[-200:])
            k = rng.randrange(len(src_paras))
            text = src_paras[k]
            if rng.random() < 0.5:
                text = altered(text)
            if rng.random() < 0.3:
                text = sentence(12) + " " + text + " " + sentence(10)
            at = rng.randrange(len(paras) + 1)
            paras.insert(at, text)
            origin = planted.origin.get((src_id, k + 1), f"{src_id}#{k + 1}")
            planted.origin.setdefault((src_id, k + 1), origin)
            origins[at] = origin
        if rng.random() < 0.35:  # carry a quotation
            qid, text, first, last = rng.choice(quotes)
            if rng.random() < 0.4:
                text = altered(text)
            form = rng.randrange(3)
            if form == 0:
                para = f"“{text},” {last} said."
            elif form == 1:
                para = f"{first} {last} said: “{text}.”"
            else:
                para = f"He added: “{text}.”"
                paras.insert(0, f"{sentence(10)} {first} {last} said on the phone.")
                origins = {k + 1: o for k, o in origins.items()}
            at = rng.randrange(1, len(paras) + 1)
            paras.insert(at, para)
            origins = {(k + 1 if k >= at else k): o for k, o in origins.items()}
            planted.quote[(aid, at + 1)] = (qid, last)
            origins[at] = qid  # a quotation in several articles is shared text too
        for k, o in origins.items():
            planted.origin[(aid, k + 1)] = o
        made.append((aid, paras))
        day = time.strftime("%Y-%m-%d", time.gmtime((start + i // 20) * 86400))
        body = "\n\n".join(paras)
        (folder / f"{aid}.md").write_text(
            f"---\ntitle: Report {i}\nsource: Outlet {i % 7}\ndate: {day}\n---\n{body}\n",
            encoding="utf-8",
        )
    return planted


def _pairs(groups: list[list[tuple[str, int]]]) -> set[frozenset]:
    return {frozenset((a, b)) for g in groups for a, b in itertools.combinations(sorted(set(g)), 2)}


def _pr(found: set, truth: set) -> tuple[float, float]:
    hit = len(found & truth)
    return (hit / len(truth) if truth else 1.0, hit / len(found) if found else 1.0)


def score(result, planted: Planted) -> dict[str, float]:
    """Recall and precision of shared text and quotation groups, speaker accuracy."""
    by_origin: dict[str, list] = defaultdict(list)
    for key, origin in planted.origin.items():
        by_origin[origin].append(key)
    found = [[(p.article, p.n) for p in c.passages] for c in result.reuse.clusters]
    reuse_r, reuse_p = _pr(_pairs(found), _pairs(list(by_origin.values())))
    by_quote: dict[str, list] = defaultdict(list)
    for key, (qid, _) in planted.quote.items():
        by_quote[qid].append(key)
    groups = [[(v.quote.article, v.quote.n) for v in g.variants] for g in result.all_quotes]
    found_q = {pair for pair in _pairs(groups) if all(k in planted.quote for k in pair)}
    quote_r, quote_p = _pr(found_q, _pairs(list(by_quote.values())))
    right = total = 0
    for g in result.all_quotes:
        for v in g.variants:
            key = (v.quote.article, v.quote.n)
            if key in planted.quote:
                total += 1
                right += v.quote.speaker.split()[-1:] == [planted.quote[key][1]]
    return {
        "reuse_recall": reuse_r,
        "reuse_precision": reuse_p,
        "quote_recall": quote_r,
        "quote_precision": quote_p,
        "speaker_accuracy": right / total if total else 1.0,
    }


def write_config(corpus: Path, work: Path) -> Path:
    path = work / "config.yaml"
    path.write_text(f"corpus: {corpus}\nindex: {work / 'index'}\ntags: {work / 'tags.yaml'}\n")
    return path


def run_generated(n: int, tmp: Path) -> None:
    corpus = tmp / "generated"
    planted = plant_corpus(corpus, n)
    lib = Library(load_settings(write_config(corpus, tmp)))
    lib.update()
    t0 = time.perf_counter()
    result = analyse(lib)
    secs = time.perf_counter() - t0
    print(f"generated corpus: {n} articles, {len(planted.origin)} planted shared passages,")
    print(f"  {len(planted.quote)} planted quotation variants; analysis {secs:.2f} s")
    for name, value in score(result, planted).items():
        print(f"  {name:<18} {value:.3f}")


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the reading pool)."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def run_reuters(tmp: Path, runs: int, config: Path | None = None) -> None:
    if config is None:
        src = tmp / "reuters"
        with tarfile.open(SHARED / "reuters21578.tar.gz") as tf:
            tf.extractall(src, filter="data")
        config = write_config(src / "reuters21578", tmp)
    lib = Library(load_settings(config))
    corpus = lib.settings.corpus
    t0 = time.perf_counter()
    lib.update()
    print(f"Reuters-21578: {len(lib.infos):,} articles indexed in {time.perf_counter() - t0:.0f} s")
    print(f"  (load average before the runs: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    full, cpu, steps, step_cpu = [], [], [], []
    for _ in range(runs):
        shutil.rmtree(analysis_dir(lib.settings), ignore_errors=True)
        t0, c0 = time.perf_counter(), _cpu()
        result = analyse(lib)
        full.append(time.perf_counter() - t0)
        cpu.append(_cpu() - c0)
    print(
        f"  whole analysis (read {result.read:,} articles + cross-article step): "
        f"median {statistics.median(full):.1f} s of {runs} runs {[round(x, 1) for x in full]}; "
        f"CPU {statistics.median(cpu):.1f} s (both processes)"
    )
    print(
        f"  {len(result.reuse.clusters):,} shared-text clusters, {len(result.quotes):,} "
        f"quotations in 2+ articles, {len(result.stories):,} stories"
    )
    files = sorted(corpus.glob("*.md"))[:100]
    for run in range(runs):
        for f in files:
            f.write_text(f.read_text(encoding="utf-8") + f"\nEdited {run}.\n", encoding="utf-8")
        lib.update()
        t0, c0 = time.perf_counter(), _cpu()
        result = analyse(lib)
        steps.append(time.perf_counter() - t0)
        step_cpu.append(_cpu() - c0)
    print(
        f"  update after 100 articles changed (read {result.read}): "
        f"median {statistics.median(steps):.2f} s of {runs} runs {[round(x, 2) for x in steps]}; "
        f"CPU {statistics.median(step_cpu):.2f} s"
    )
    print(f"  (load average after: {os.getloadavg()[0]:.1f})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--generated", type=int, default=2000, help="articles to generate")
    ap.add_argument("--reuters-only", action="store_true")
    ap.add_argument("--no-reuters", action="store_true")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument(
        "--config",
        type=Path,
        help="an indexed copy of Reuters to use (100 of its files are edited)",
    )
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-reuse-") as tmp:
        if not args.reuters_only:
            run_generated(args.generated, Path(tmp) / "gen")
        if not args.no_reuters:
            run_reuters(Path(tmp) / "reuters", args.runs, args.config)
    return 0


if __name__ == "__main__":
    sys.exit(main())
