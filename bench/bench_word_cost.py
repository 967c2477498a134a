"""Where a search for a common word spends its time (a script, not a test): on a kept
index, for each word, the steps of a search that counts every match, timed apart,
with their cost per posting. Shows what a faster search would have to take away.

    python bench/bench_word_cost.py --config DIR/config-100000.yaml
    python bench/bench_word_cost.py --config CONFIG --words bank,market --runs 7

(`bench_scale.py --keep` leaves DIR/config-N.yaml and its index.) The steps:
  decode  the word's postings read and decoded, block by block (zlib, pickle)
  score   decode again, each posting scored (BM25F) and kept, as lists of passages
          and scores (the whole of `read_term`; `score - decode` is the scoring)
  count   the passages counted per article
  rank    the best 20 picked
  search  the whole search, snippets of the top 20 included: first run, nothing kept
Each figure is the median of --runs runs, in one process, after the reader's warm-up.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_index import QUERIES

from index.config import load_settings
from index.engine.private import posting_blocks
from index.engine.wordscores import ScoreCache, read_term
from index.highlight import snippet
from index.search import SearchEngine


def _timed(step):
    """(ms, result) of calling `step`."""
    t = time.perf_counter()
    out = step()
    return (time.perf_counter() - t) * 1000, out


def one_run(engine: SearchEngine, word: str) -> dict[str, float]:
    """ms of each step for `word` (as the `text` field indexes it), nothing kept from
    an earlier run; and the word's postings."""
    from whoosh import query as wq

    searcher = engine._engine  # the engine's Searcher: the bench reaches inside it
    s, field = searcher._searcher, "text"
    term = wq.Term(field, searcher.normalizer(field)(word))
    infos = ScoreCache(searcher._tables).infos(s, term)
    btext = s.schema[field].to_bytes(term.text)
    segments = [(i, sub.reader()) for i, (sub, _) in enumerate(s.subsearchers or [(s, 0)])]

    def decode() -> int:
        blocks = (posting_blocks(r, field, btext, infos[i]) for i, r in segments if infos[i])
        return sum(len(ids) for found in blocks for ids, _weights in found)

    def search() -> None:
        for p in engine.search(word, limit=20).passages:
            snippet(p.text, p.spans)

    doc_article = searcher.articles_of_docs()
    out = {}
    out["decode"], postings = _timed(decode)
    out["score"], found = _timed(lambda: read_term(s, term, infos))
    out["count"], _ = _timed(lambda: doc_article.count(found.in_order()))
    out["rank"], _ = _timed(lambda: found.best(20))
    searcher._scores = ScoreCache(searcher._tables)  # the search finds nothing kept
    out["search"], _ = _timed(search)
    out["postings"] = postings
    return out


def word_costs(engine: SearchEngine, word: str, runs: int) -> dict[str, float]:
    """The median of `runs` runs of each step."""
    found = [one_run(engine, word) for _ in range(runs)]
    return {k: statistics.median(f[k] for f in found) for k in found[0]}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--config", required=True, type=Path)
    ap.add_argument("--words", help="comma-separated (default: bench_index's single terms)")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    words = args.words.split(",") if args.words else QUERIES["single term"]
    engine = SearchEngine(load_settings(args.config))
    engine.warm()
    print(f"{engine.passage_count:,} passages; median of {args.runs} runs, ms (µs a posting)")
    cols = ("decode", "score", "count", "rank", "search")
    print(f"{'word':12}{'postings':>10}" + "".join(f"{c:>16}" for c in cols))
    for word in words:
        c = word_costs(engine, word, args.runs)
        n = max(1, c["postings"])
        cells = "".join(f"{f'{c[k]:.1f} ({c[k] * 1000 / n:.2f})':>16}" for k in cols)
        print(f"{word:12}{c['postings']:>10,}" + cells)


if __name__ == "__main__":
    main()
