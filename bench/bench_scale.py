"""Scale benchmark (a script, not a test): dossier vs plain Whoosh vs SQLite FTS5 on
generated corpora of growing size, side by side in one run.

    python bench/bench_scale.py                      # quick: 2,000 and 5,000 articles
    python bench/bench_scale.py --sizes 5000,20000   # any sizes (100000 takes long)
    python bench/bench_scale.py --sizes 20000 --keep # keep the work folder
    python bench/bench_scale.py --sizes 20000 --work DIR --searches-only
                                 # dossier's searches again on DIR's kept index

Articles come from bench_index.py's generator (BBC + Reuters paragraphs, fixed seed).
Every step runs in its own process, sampled every 0.2 s for the RSS of its whole
process tree (summed: a build's worker processes count) and for the disk its work
folder takes (the temporary peak of a build). For each system and size it prints:
build passages/s (dossier from the files: read, clean, index; the baselines from the
passages already in memory), p50/p95 per query class with snippets of the top 20
(every match counted, as `dossier search` does; and for dossier also as the reader
searches while one types: a word in more than TYPING_CAP passages read that far),
reopen (a new process's open and first query), an update with nothing changed and one
with 100 changed articles (dossier only: the baselines have no corpus to compare),
peak RSS, index size and peak disk. The machine may be shared: compare the ratios
printed from one run, not figures from different runs.

Plain Whoosh: one writer, limitmb=256, StemmingAnalyzer, stored text, the same
passages. SQLite FTS5: porter unicode61 tokenizer, one transaction; no fuzzy queries.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from bench_index import QUERIES, generate, pct, write_config  # noqa: E402

CLASSES = {
    "term": QUERIES["single term"],
    "AND": QUERIES["two-term AND"],
    "phrase": QUERIES["phrase"],
    "prefix": QUERIES["prefix"],
    "fuzzy": QUERIES["fuzzy"],
}
REPEAT = 3
LIMIT = 20


# -- children: one step each, a JSON line on stdout --------------------------------


def _passages(config: Path) -> list[tuple[str, str]]:
    """The passages dossier indexed (cleaned as its build cleaned them), in order."""
    from index.config import load_settings
    from index.library import Library

    library = Library(load_settings(config))
    out = []
    for aid in library.infos:
        out += [(p.pid, p.text) for p in library.article(aid).passages]
    return out


def _timed_queries(run) -> dict:
    """Wall and CPU seconds of each query class (on a shared machine the wall is
    mostly waiting for a core; the CPU time is the work)."""
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    totals: dict[str, int] = {}
    for cls, qs in CLASSES.items():
        for q in qs:
            for _ in range(REPEAT):
                t, c = time.perf_counter(), time.process_time()
                total = run(cls, q)
                if total is None:
                    break
                times.setdefault(cls, []).append(time.perf_counter() - t)
                cpu.setdefault(cls, []).append(time.process_time() - c)
                totals[q] = total
    return {"times": times, "cpu": cpu, "totals": totals}


def child_dossier(step: str, config: Path) -> dict:
    from index.build import update_index
    from index.config import load_settings

    settings = load_settings(config)
    if step == "build":
        r = update_index(settings, rebuild=True)
        return {"seconds": r.seconds, "passages": r.passages, "articles": r.articles}
    if step == "rerun":
        r = update_index(settings)
        return {"seconds": r.seconds, "reindexed": r.reindexed + r.removed}
    if step == "change":
        from index.corpus import scan

        files = scan(settings.corpus).files
        for i, src in enumerate(random.Random(7).sample(files, min(100, len(files)))):
            with open(src.path, "a", encoding="utf-8") as fh:
                fh.write(f"\n\nBenchmark edit number {i}: the quarterly figures moved.\n")
        r = update_index(settings)
        return {"seconds": r.seconds, "changed": r.changed}
    from index.highlight import snippet
    from index.search import SearchEngine

    cap = None
    if step == "typing":  # as the reader searches while one types
        from tui.app import TYPING_CAP as cap
    t = time.perf_counter()
    engine = SearchEngine(settings)
    engine.search("oil", limit=LIMIT, cap=cap)
    reopen = time.perf_counter() - t
    engine.warm()

    def run(_cls, q):
        r = engine.search(q, limit=LIMIT, cap=cap)
        for p in r.passages:
            snippet(p.text, p.spans)
        return r.total

    return {"reopen": reopen, **_timed_queries(run)}


def child_whoosh(step: str, config: Path, where: Path) -> dict:
    from whoosh import highlight
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema
    from whoosh.filedb.filestore import FileStorage
    from whoosh.qparser import FuzzyTermPlugin, QueryParser

    if step == "build":
        passages = _passages(config)
        schema = Schema(
            pid=ID(stored=True, unique=True), text=TEXT(analyzer=StemmingAnalyzer(), stored=True)
        )
        where.mkdir(parents=True, exist_ok=True)
        ix = FileStorage(str(where)).create_index(schema)
        t = time.perf_counter()
        w = ix.writer(limitmb=256)
        for pid, text in passages:
            w.add_document(pid=pid, text=text)
        w.commit()
        return {"seconds": time.perf_counter() - t, "passages": len(passages)}
    t = time.perf_counter()
    ix = FileStorage(str(where)).open_index()
    searcher = ix.searcher()
    parser = QueryParser("text", ix.schema)
    parser.add_plugin(FuzzyTermPlugin())
    searcher.search(parser.parse("oil"), limit=LIMIT)
    reopen = time.perf_counter() - t
    frag = highlight.ContextFragmenter()

    def run(_cls, q):
        results = searcher.search(parser.parse(q), limit=LIMIT)
        results.fragmenter = frag
        for hit in results:
            hit.highlights("text")
        return len(results)

    return {"reopen": reopen, **_timed_queries(run)}


FTS_QUERY = {"fuzzy": None}  # FTS5 has no edit-distance queries


def child_fts(step: str, config: Path, where: Path) -> dict:
    db = where / "fts.db"
    if step == "build":
        passages = _passages(config)
        where.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        con = sqlite3.connect(db)
        con.execute("CREATE VIRTUAL TABLE p USING fts5(pid UNINDEXED, text, tokenize='porter')")
        with con:
            con.executemany("INSERT INTO p VALUES (?, ?)", passages)
        con.close()
        return {"seconds": time.perf_counter() - t, "passages": len(passages)}
    t = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("SELECT pid FROM p WHERE p MATCH 'oil' ORDER BY rank LIMIT 20").fetchall()
    reopen = time.perf_counter() - t

    def run(cls, q):
        if cls == "fuzzy":
            return None
        con.execute(
            "SELECT pid, snippet(p, 1, '[', ']', '…', 24) FROM p WHERE p MATCH ? "
            "ORDER BY rank LIMIT ?",
            (q, LIMIT),
        ).fetchall()
        return con.execute("SELECT count(*) FROM p WHERE p MATCH ?", (q,)).fetchone()[0]

    return {"reopen": reopen, **_timed_queries(run)}


# -- the parent: runs each step in a child, sampling its process tree ----------------


def _tree_rss_mb(root: int) -> float:
    """RSS of a process and all its descendants (from /proc), in MB."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            pid, ppid = int(entry), int(fields[1])
            rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(pid)
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total / 1e6


def du(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.lstat(os.path.join(root, name)).st_size
    return total


def run_child(args: list[str], watch: Path | None = None) -> dict:
    """Run one step; its result plus the peak RSS of its process tree and the peak disk
    use of `watch`."""
    proc = subprocess.Popen(
        [sys.executable, __file__, "--child", *args], stdout=subprocess.PIPE, text=True
    )
    peak = {"rss": 0.0, "disk": 0}
    stop = threading.Event()

    def sample():
        while not stop.wait(0.2):
            peak["rss"] = max(peak["rss"], _tree_rss_mb(proc.pid))
            if watch is not None:
                peak["disk"] = max(peak["disk"], du(watch))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, _ = proc.communicate()
    stop.set()
    sampler.join()
    if proc.returncode:
        sys.exit(f"step {args} failed")
    data = json.loads(out.strip().splitlines()[-1])
    data["peak_rss_mb"] = peak["rss"]
    data["peak_disk"] = peak["disk"]
    return data


def fmt_q(res: dict, cls: str) -> str:
    ts = res.get("times", {}).get(cls)
    if not ts:
        return "n/a"
    ms = [t * 1000 for t in ts]
    return f"{pct(ms, 0.5):.0f}/{pct(ms, 0.95):.0f}"


def searches_only(n: int, work: Path) -> None:
    """dossier's search steps alone, on the index a run with --keep left in `work`:
    figures of a change to searching, on the same index, without building again."""
    config = work / f"config-{n}.yaml"
    if not config.exists():
        sys.exit(f"no {config}: run once with --keep first")
    full = run_child(["dossier", "search", str(config)])
    typing = run_child(["dossier", "typing", str(config)])
    print(f"\n== {n:,} articles, dossier's searches only (load {os.getloadavg()[0]:.1f})")
    print(f"{'':28}{'all counted':>16}{'typing':>16}{'CPU all':>16}{'CPU typing':>16}")
    for cls in CLASSES:
        cells = [fmt_q({"times": r[k]}, cls) for k in ("times", "cpu") for r in (full, typing)]
        print(f"{cls + ' p50/p95 ms':28}" + "".join(f"{c:>16}" for c in cells))
    sys.stdout.flush()


def one_size(n: int, work: Path) -> None:
    corpus = work / f"corpus-{n}"
    t = time.perf_counter()
    if not corpus.exists():
        generate(n, corpus, work)
    print(f"\n== {n:,} articles (generated in {time.perf_counter() - t:.0f} s)", flush=True)
    config = work / f"config-{n}.yaml"
    area = work / f"area-{n}"  # the index and its `.new` and lock siblings
    area.mkdir(exist_ok=True)
    write_config(corpus, area / "index", config)

    rows: dict[str, dict] = {}
    d = run_child(["dossier", "build", str(config)], watch=area)
    d["size"] = du(area / "index")
    d.update({f"s_{k}": v for k, v in run_child(["dossier", "search", str(config)]).items()})
    d["typing"] = run_child(["dossier", "typing", str(config)])["times"]
    rows["dossier"] = d
    for kind in ("whoosh", "fts"):
        where = work / f"{kind}-{n}"
        shutil.rmtree(where, ignore_errors=True)
        where.mkdir()
        b = run_child([kind, "build", str(config), str(where)], watch=where)
        b["size"] = du(where)
        b.update(
            {f"s_{k}": v for k, v in run_child([kind, "search", str(config), str(where)]).items()}
        )
        rows[kind] = b
        shutil.rmtree(where, ignore_errors=True)
    # Last: the change edits the corpus the baselines read their passages from.
    d["rerun"] = run_child(["dossier", "rerun", str(config)])["seconds"]
    d["change"] = run_child(["dossier", "change", str(config)])["seconds"]

    names = {"dossier": "dossier", "whoosh": "plain Whoosh", "fts": "SQLite FTS5"}
    head = f"{'':28}" + "".join(f"{names[k]:>16}" for k in rows)
    print(head)

    def line(label: str, cell) -> None:
        print(f"{label:28}" + "".join(f"{cell(r):>16}" for r in rows.values()))

    line("passages", lambda r: f"{r['passages']:,}")
    line("build s", lambda r: f"{r['seconds']:.1f}")
    line("passages/s", lambda r: f"{r['passages'] / r['seconds']:,.0f}")
    for cls in CLASSES:
        line(f"{cls} p50/p95 ms", lambda r, c=cls: fmt_q({"times": r.get("s_times", {})}, c))
    for cls in CLASSES:
        line(
            f"{cls} typing p50/p95 ms",
            lambda r, c=cls: fmt_q({"times": r["typing"]}, c) if "typing" in r else "n/a",
        )
    line("reopen + first query ms", lambda r: f"{r['s_reopen'] * 1000:.0f}")
    line("re-run, nothing changed s", lambda r: f"{r['rerun']:.2f}" if "rerun" in r else "n/a")
    line("100 articles changed s", lambda r: f"{r['change']:.2f}" if "change" in r else "n/a")
    line("build peak RSS MB (tree)", lambda r: f"{r['peak_rss_mb']:.0f}")
    line("search peak RSS MB", lambda r: f"{r['s_peak_rss_mb']:.0f}")
    line("index MB", lambda r: f"{r['size'] / 1e6:.1f}")
    line("build peak disk MB", lambda r: f"{r['peak_disk'] / 1e6:.1f}")
    dps = rows["dossier"]["passages"] / rows["dossier"]["seconds"]
    wps = rows["whoosh"]["passages"] / rows["whoosh"]["seconds"]
    print(
        f"ratio dossier / plain Whoosh passages/s: {dps / wps:.2f}x; "
        f"peak disk / index: {rows['dossier']['peak_disk'] / max(rows['dossier']['size'], 1):.2f}x"
    )
    sys.stdout.flush()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", default="2000,5000", help="article counts, comma-separated")
    ap.add_argument("--work", type=Path, help="work folder (default: a new temp folder)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder")
    ap.add_argument(
        "--searches-only",
        action="store_true",
        help="only dossier's searches, on the indexes a --keep run left in --work",
    )
    ap.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        kind, step, config, *rest = args.child
        if kind == "dossier":
            out = child_dossier(step, Path(config))
        elif kind == "whoosh":
            out = child_whoosh(step, Path(config), Path(rest[0]))
        else:
            out = child_fts(step, Path(config), Path(rest[0]))
        print(json.dumps(out))
        return 0
    work = args.work or Path(tempfile.mkdtemp(prefix="dossier-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} cpus, work folder {work}")
    try:
        for n in sorted(int(s) for s in args.sizes.split(",")):
            (searches_only if args.searches_only else one_size)(n, work)
    finally:
        if not args.keep and not args.work:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
