"""Web page extraction benchmark for dossier (a script, not a test).

    python bench/bench_extract.py                  # ../shared/corpora/newspaper_html.tar.gz
    python bench/bench_extract.py --tar FILE.tar.gz --limit 40

The archive holds `*/html/NAME.html` pages and `*/expected/NAME.txt` article texts
(and, when present, `*/titles/NAME.txt` expected headlines). It is unpacked to a temp
folder. dossier is measured through its whole reading path (`read_article`: extraction,
then cleaning, then the passages kept), against trafilatura alone with default settings
and with favor_precision.

Token F1 is computed as in the article-extraction benchmarks trafilatura reports
against: lower-cased word tokens (\\w+), bag of words; precision = shared / predicted,
recall = shared / expected; a page with nothing predicted scores 0.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tarfile
import tempfile
import time
from collections import Counter
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "corpora"
sys.path.insert(0, str(REPO))

from index.build import update_index  # noqa: E402
from index.config import load_settings  # noqa: E402
from index.corpus import Unreadable, read_article, scan  # noqa: E402
from index.extract import extractor_id  # noqa: E402

_TOKEN = re.compile(r"\w+")


def tokens(text: str | None) -> list[str]:
    return _TOKEN.findall((text or "").lower())


def token_f1(predicted: str | None, expected: str | None) -> float:
    pred, exp = Counter(tokens(predicted)), Counter(tokens(expected))
    if not pred and not exp:
        return 1.0
    shared = sum((pred & exp).values())
    if not shared:
        return 0.0
    precision, recall = shared / sum(pred.values()), shared / sum(exp.values())
    return 2 * precision * recall / (precision + recall)


def same_title(got: str | None, want: str) -> bool:
    return " ".join(tokens(got)) == " ".join(tokens(want))


def unpack(tar: Path, into: Path) -> tuple[Path, Path, Path | None]:
    with tarfile.open(tar) as tf:
        tf.extractall(into, filter="data")
    html = next(into.rglob("html"))
    titles = html.parent / "titles"
    return html, html.parent / "expected", titles if titles.is_dir() else None


def make_settings(work: Path, corpus: Path):
    """The repo's config.yaml (its cleaning rules) pointed at the pages."""
    data = yaml.safe_load((REPO / "config.yaml").read_text(encoding="utf-8"))
    data.update(corpus=str(corpus), index=str(work / "cache" / "index"), tags=str(work / "t.yaml"))
    (work / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_settings(work / "config.yaml")


def dossier_pass(files, settings) -> tuple[dict[str, str], dict[str, str], float]:
    texts, titles = {}, {}
    t0 = time.perf_counter()
    for src in files:
        try:
            a = read_article(src, settings)
        except Unreadable:
            texts[src.id], titles[src.id] = "", ""
            continue
        texts[src.id] = "\n\n".join(p.text for p in a.passages)
        titles[src.id] = a.title
    return texts, titles, time.perf_counter() - t0


def trafilatura_pass(files, **options) -> tuple[dict[str, str], float]:
    from trafilatura import extract

    out = {}
    t0 = time.perf_counter()
    for src in files:
        out[src.id] = extract(Path(src.path).read_bytes(), **options) or ""
    return out, time.perf_counter() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tar", type=Path, default=SHARED / "newspaper_html.tar.gz")
    ap.add_argument("--limit", type=int, default=0, help="first N pages only")
    ap.add_argument("--show", type=int, default=0, help="list the N worst pages")
    args = ap.parse_args()
    if not args.tar.is_file():
        print(f"no archive at {args.tar}", file=sys.stderr)
        return 2
    import logging

    logging.getLogger("trafilatura").setLevel(logging.CRITICAL)
    import warnings

    warnings.simplefilter("ignore")

    work = Path(tempfile.mkdtemp(prefix="dossier-bench-extract-"))
    try:
        html_dir, expected_dir, titles_dir = unpack(args.tar, work / "src")
        names = sorted(p.stem for p in html_dir.glob("*.htm*"))
        names = [n for n in names if (expected_dir / f"{n}.txt").is_file()]
        if args.limit:
            names = names[: args.limit]
        corpus = work / "corpus"
        corpus.mkdir()
        for n in names:
            src = next(html_dir.glob(f"{n}.htm*"))
            shutil.copy(src, corpus / src.name)
        settings = make_settings(work, corpus)
        files = scan(corpus).files
        expected = {n: (expected_dir / f"{n}.txt").read_text(encoding="utf-8") for n in names}

        ours, our_titles, cold = dossier_pass(files, settings)
        _, _, warm = dossier_pass(files, settings)
        default, t_default = trafilatura_pass(files)
        precise, t_precise = trafilatura_pass(files, favor_precision=True)
        shutil.rmtree(settings.index_dir.parent)
        t0 = time.perf_counter()
        report = update_index(settings, rebuild=True)
        build = time.perf_counter() - t0

        def scores(got: dict[str, str]) -> list[float]:
            return [token_f1(got[n], expected[n]) for n in names]

        s_ours, s_def, s_prec = scores(ours), scores(default), scores(precise)
        n = len(names)
        print(f"pages: {n} ({args.tar.name}); {extractor_id()}")
        print(
            f"mean token F1: dossier {statistics.mean(s_ours):.3f} | trafilatura default "
            f"{statistics.mean(s_def):.3f} | trafilatura favor_precision "
            f"{statistics.mean(s_prec):.3f}"
        )
        print(
            f"median token F1: dossier {statistics.median(s_ours):.3f} | default "
            f"{statistics.median(s_def):.3f} | favor_precision {statistics.median(s_prec):.3f}"
        )
        low = [nm for nm, s in zip(names, s_ours, strict=True) if s < 0.5]
        print(
            f"pages with F1 < 0.5: dossier {len(low)} | default {sum(s < 0.5 for s in s_def)}"
            f" | favor_precision {sum(s < 0.5 for s in s_prec)}"
            + (f"  (dossier: {', '.join(low)})" if low else "")
        )
        if titles_dir:
            want = {m: (titles_dir / f"{m}.txt").read_text(encoding="utf-8").strip() for m in names}
            right = sum(same_title(our_titles[m], want[m]) for m in names)
            print(f"titles right: {right}/{n} ({100 * right / n:.1f}%)")
        else:
            found = sum(bool(our_titles[m]) and our_titles[m] != m for m in names)
            print(
                f"titles: this set has no expected titles; dossier took a headline from the "
                f"page for {found}/{n} ({100 * found / n:.1f}%)"
            )
        print(
            f"speed: dossier {n / cold:.1f} pages/s (extract + clean, cold cache), "
            f"{n / warm:.0f} pages/s (cached); trafilatura alone {n / t_default:.1f} pages/s "
            f"(default), {n / t_precise:.1f} pages/s (favor_precision)"
        )
        print(
            f"index build of the {n} pages (parallel extraction, cold cache): {build:.1f} s, "
            f"{n / build:.1f} pages/s, {report.articles} articles, {report.passages} passages"
        )
        if args.show:
            worst = sorted(zip(s_ours, names, s_prec, strict=True))[: args.show]
            for s, nm, sp in worst:
                print(f"  {nm}: dossier {s:.3f}, favor_precision {sp:.3f}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
