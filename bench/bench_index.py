"""Index and search benchmark for dossier (a script, not a test).

    python bench/bench_index.py                       # Reuters-21578, extracted to a temp folder
    python bench/bench_index.py --corpus DIR          # any folder of .txt/.md articles
    python bench/bench_index.py --generate 20000      # 20,000 articles recombined from real
                                                      # BBC + Reuters paragraphs (fixed seed)

Prints plain figures: build time and passages/s, index size, reopen-with-no-changes
time, update time for 100 changed articles, query p50/p95 per class (top 20 with
highlights), search-process peak memory, the same single-term queries through rg/grep,
and build throughput against a plain Whoosh build of the same passages.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO))

from index.build import update_index  # noqa: E402
from index.config import load_settings  # noqa: E402
from index.corpus import Unreadable, read_article, scan  # noqa: E402

QUERIES = {
    "single term": [
        "oil",
        "bank",
        "government",
        "profit",
        "shares",
        "minister",
        "market",
        "dollar",
    ],
    "two-term AND": [
        "oil AND prices",
        "bank AND rates",
        "government AND minister",
        "profit AND shares",
        "market AND dollar",
        "company AND sales",
    ],
    "phrase": [
        '"interest rates"',
        '"oil prices"',
        '"trade deficit"',
        '"chief executive"',
        '"last year"',
        '"prime minister"',
    ],
    "fuzzy": ["goverment~1", "markte~1", "dolar~1", "profti~1", "minster~1", "compnay~1"],
    "prefix": ["econ*", "invest*", "bank*", "gov*", "prof*", "shar*"],
}
REPEAT = 3


def log(msg: str) -> None:
    print(msg, flush=True)


def extract(tarball: Path, into: Path) -> Path:
    with tarfile.open(tarball) as tf:
        try:
            tf.extractall(into, filter="data")
        except TypeError:  # Python without extraction filters
            tf.extractall(into)
    dirs = [p for p in into.iterdir() if p.is_dir()]
    return dirs[0] if len(dirs) == 1 else into


def paragraphs_of(folder: Path) -> tuple[list[str], list[str]]:
    """(titles, paragraphs) of every article in folder, front matter dropped."""
    titles, paras = [], []
    for path in sorted(folder.rglob("*")):
        if path.suffix not in (".txt", ".md"):
            continue
        text = path.read_bytes().decode("utf-8", "replace")
        if text.startswith("---\n"):
            end = text.find("\n---\n", 4)
            head, text = text[4:end], text[end + 5 :]
            m = re.search(r'^title: "?(.*?)"?$', head, re.M)
            if m:
                titles.append(m.group(1))
            blocks = [b.strip() for b in text.split("\n\n")]
        else:
            blocks = [b.strip() for b in text.split("\n\n")]
            if blocks:
                titles.append(blocks.pop(0))
        paras.extend(b for b in blocks if len(b) > 40 and "\n" not in b)
    return titles, paras


def generate(n: int, into: Path, tmp: Path, seed: int = 20240601) -> Path:
    rng = random.Random(seed)
    titles, paras = [], []
    for name in ("bbc.tar.gz", "reuters21578.tar.gz"):
        src = extract(SHARED / name, tmp / ("src-" + name.split(".")[0]))
        t, p = paragraphs_of(src)
        titles += t
        paras += p
        shutil.rmtree(src.parent if src.parent != tmp else src)
    titles = [t for t in titles if t and len(t) < 200]
    into.mkdir(parents=True)
    for i in range(n):
        k = rng.randint(2, 12)
        body = "\n\n".join(rng.choice(paras) for _ in range(k))
        title = rng.choice(titles).replace('"', "'")
        day = f"{rng.randint(1987, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        sub = into / f"{i // 1000:03d}"
        sub.mkdir(exist_ok=True)
        (sub / f"{i:06d}.md").write_text(
            f'---\ntitle: "{title}"\nsource: Generated\ndate: {day}\n---\n{body}\n',
            encoding="utf-8",
        )
    return into


def write_config(corpus: Path, index_dir: Path, path: Path):
    base = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    cfg = {k: base[k] for k in ("variants", "outlets", "cleaning") if k in base}
    cfg.update(corpus=str(corpus), index=str(index_dir), tags=str(path.parent / "tags.yaml"))
    path.write_text(yaml.safe_dump(cfg, allow_unicode=True), encoding="utf-8")
    return load_settings(path)


def du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    if len(values) == 1:
        return values[0]
    k = (len(values) - 1) * q
    lo = int(k)
    hi = min(lo + 1, len(values) - 1)
    return values[lo] + (values[hi] - values[lo]) * (k - lo)


# The search side runs in a fresh process so its memory is its own.
SEARCH_CHILD = r"""
import json, resource, sys, time, tracemalloc
sys.path.insert(0, sys.argv[1])
from index.config import load_settings
from index.highlight import snippet
from index.search import SearchEngine
settings = load_settings(sys.argv[2])
queries = json.loads(sys.argv[3])
repeat = int(sys.argv[4])
def rss_mb():
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
before_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
before = rss_mb()
t0 = time.perf_counter()
engine = SearchEngine(settings)
open_s = time.perf_counter() - t0
t0 = time.perf_counter()
engine.warm()  # the reader does this in the background after opening
warm_s = time.perf_counter() - t0
times = {}
totals = {}
for cls, qs in queries.items():
    for q in qs:
        for _ in range(repeat):
            t = time.perf_counter()
            r = engine.search(q, limit=20)
            for p in r.passages:
                snippet(p.text, p.spans)
            times.setdefault(cls, []).append(time.perf_counter() - t)
        totals[q] = [r.total, len(r.passages), sum(1 for p in r.passages if p.spans)]
after = rss_mb()
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"open_s": open_s, "warm_s": warm_s, "times": times, "totals": totals,
                  "rss_before": before, "rss_after": after, "peak_before": before_peak,
                  "peak": peak}))
"""


def run_search_child(config: Path) -> dict:
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            SEARCH_CHILD,
            str(REPO),
            str(config),
            json.dumps(QUERIES),
            str(REPEAT),
        ],
        capture_output=True,
        text=True,
    )
    if out.returncode:
        sys.exit(f"search process failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def grep_times(corpus: Path, terms: list[str]) -> tuple[str, list[float]]:
    rg = shutil.which("rg")
    times = []
    for term in terms:
        if rg:
            cmd = [rg, "-l", "-i", "-w", "--no-messages", term, str(corpus)]
        else:
            cmd = ["grep", "-r", "-l", "-i", "-w", term, str(corpus)]
        t = time.perf_counter()
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - t)
    return ("rg -l -i -w" if rg else "grep -r -l -i -w"), times


def plain_whoosh_build(passages: list[tuple[str, str]], where: Path) -> float:
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage

    where.mkdir(parents=True)
    schema = Schema(
        pid=ID(stored=True, unique=True), text=TEXT(analyzer=StemmingAnalyzer(), stored=True)
    )
    ix = FileStorage(str(where)).create_index(schema)
    t = time.perf_counter()
    w = ix.writer()
    for pid, text in passages:
        w.add_document(pid=pid, text=text)
    w.commit()
    return time.perf_counter() - t


def sample_corpus(settings, target: int, into: Path) -> tuple[Path, list[tuple[str, str]]]:
    """Symlinks to the first articles holding `target` passages, and those passages."""
    into.mkdir(parents=True)
    passages: list[tuple[str, str]] = []
    for src in scan(settings.corpus).files:
        try:
            article = read_article(src, settings)
        except Unreadable:
            continue
        link = into / (src.id.replace("/", "__") + Path(src.path).suffix)
        link.symlink_to(src.path)
        passages += [(p.pid, p.text) for p in article.passages]
        if len(passages) >= target:
            break
    return into, passages


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--corpus", type=Path, help="folder of articles (default: Reuters-21578)")
    ap.add_argument("--generate", type=int, metavar="N", help="generate an N-article corpus")
    ap.add_argument(
        "--sample",
        type=int,
        default=20000,
        help="passages for the plain-Whoosh comparison (default 20000)",
    )
    ap.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="dossier-bench-"))
    try:
        t = time.perf_counter()
        if args.corpus:
            corpus, what = args.corpus.resolve(), str(args.corpus)
        elif args.generate:
            corpus = generate(args.generate, tmp / "generated", tmp)
            what = f"generated, {args.generate} articles from BBC + Reuters paragraphs"
        else:
            corpus = extract(SHARED / "reuters21578.tar.gz", tmp / "src")
            what = "Reuters-21578"
        prep = time.perf_counter() - t
        config = tmp / "config.yaml"
        settings = write_config(corpus, tmp / "index", config)
        log(f"corpus: {what} ({corpus}); prepared in {prep:.1f} s")
        log(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus")

        # Build.
        rep = update_index(settings, rebuild=True)
        log(
            f"build: {rep.articles} articles, {rep.passages} passages in {rep.seconds:.1f} s "
            f"= {rep.passages / rep.seconds:.0f} passages/s ({len(rep.warnings)} warnings)"
        )
        log(f"index size: {du(settings.index_dir) / 1e6:.1f} MB (corpus {du(corpus) / 1e6:.1f} MB)")

        # Reopen with no changes.
        runs, reidx = [], []
        for _ in range(5):
            r = update_index(settings)
            runs.append(r.seconds)
            reidx.append(r.reindexed + r.removed + int(r.rebuilt))
        mtime = (settings.index_dir / "manifest.json").stat().st_mtime_ns
        update_index(settings)
        untouched = (settings.index_dir / "manifest.json").stat().st_mtime_ns == mtime
        log(
            f"reopen, no changes: median {statistics.median(runs):.3f} s "
            f"(min {min(runs):.3f}, max {max(runs):.3f}, 5 runs); documents re-indexed: "
            f"{max(reidx)}; manifest rewritten: {'no' if untouched else 'YES'}"
        )

        # Update 100 changed articles.
        files = scan(settings.corpus).files
        picked = random.Random(7).sample(files, min(100, len(files)))
        if args.corpus:  # never touch a user's folder
            log("update of 100 changed articles: skipped (--corpus is not modified)")
        else:
            for i, src in enumerate(picked):
                with open(src.path, "a", encoding="utf-8") as fh:
                    fh.write(f"\n\nBenchmark edit number {i}: the quarterly figures moved.\n")
            r = update_index(settings)
            log(
                f"update, 100 changed articles: {r.seconds:.2f} s "
                f"({r.changed} changed, {r.added} added, {r.removed} removed)"
            )

        # Queries, in a fresh process for its memory.
        child = run_search_child(config)
        log(
            f"search process: SearchEngine opened in {child['open_s'] * 1000:.0f} ms, "
            f"warmed in the background in {child['warm_s'] * 1000:.0f} ms"
        )
        log(f"queries ({REPEAT} runs each, top 20 with highlights + snippets):")
        for cls, qs in QUERIES.items():
            ts = [x * 1000 for x in child["times"][cls]]
            sample = ", ".join(f"{q} {child['totals'][q][0]}" for q in qs[:3])
            log(
                f"  {cls:13} p50 {pct(ts, 0.5):6.1f} ms  p95 {pct(ts, 0.95):6.1f} ms  "
                f"max {max(ts):6.1f} ms   (hits: {sample}, ...)"
            )
        no_spans = [q for q, v in child["totals"].items() if v[1] and v[2] < v[1]]
        if no_spans:
            log(f"  note: some top passages had no highlight for: {', '.join(no_spans)}")
        log(
            f"search memory: RSS {child['rss_before']:.0f} MB after imports -> "
            f"{child['rss_after']:.0f} MB after open + queries "
            f"(delta {child['rss_after'] - child['rss_before']:.0f} MB); "
            f"peak RSS {child['peak']:.0f} MB"
        )

        tool, gt = grep_times(corpus, QUERIES["single term"])
        ours = statistics.median(child["times"]["single term"])
        log(
            f"{tool} over the raw files, single terms: median {statistics.median(gt) * 1000:.0f}"
            f" ms -> dossier search is {statistics.median(gt) / ours:.0f}x faster"
        )

        # Build throughput against plain Whoosh on the same sample of passages.
        sdir, passages = sample_corpus(settings, args.sample, tmp / "sample")
        plain_s = plain_whoosh_build(passages, tmp / "plain-index")
        ssettings = write_config(sdir, tmp / "sample-index", tmp / "sample-config.yaml")
        r = update_index(ssettings, rebuild=True)
        ours_pps, plain_pps = r.passages / r.seconds, len(passages) / plain_s
        log(
            f"build vs plain Whoosh, same sample of {len(passages)} passages "
            f"({r.articles} articles):"
        )
        log(
            f"  plain Whoosh (one writer, StemmingAnalyzer, stored text; passages in memory): "
            f"{plain_s:.1f} s = {plain_pps:.0f} passages/s"
        )
        log(
            f"  dossier (update_index rebuild, from the files: read + clean + index): "
            f"{r.seconds:.1f} s = {ours_pps:.0f} passages/s"
        )
        log(f"  ratio: {ours_pps / plain_pps:.2f}x")
    finally:
        if args.keep:
            log(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
