"""Shared text, quotations and stories for the whole corpus, computed on first use and
kept beside the index (`.dossier-cache/analysis/` by default; derived, safe to delete).

Three files:

* `features.pickle`: per article, what the analysis needs from its text (passage
  shingles and fingerprints, quotations with speakers), with the content hash of the
  text they were made from. An update reads again only the articles whose hash in the
  index manifest changed (or that are new), so a changed article costs its own reading.
* `result.pickle` (and `links.pickle`, its linked passages alone): the clusters,
  quotation groups and stories, valid for one state of the corpus (the manifest's
  hashes, outlets and dates, and the spelling variants).

Not inside the index folder: every file there is checksummed by the manifest, and a
file written after a commit would read as damage. Reading many articles is spread over
two processes; the cross-article step runs on the stored features alone.

What is stored is plain data that pickles in C: tuples and bytes, and dataclasses
without slots (slotted dataclasses and named tuples pickle through a Python call each,
several times slower on a large corpus).
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from .atomic import replacing
from .config import Settings
from .corpus import SourceFile, Unreadable, read_article
from .manifest import Manifest
from .metadata import load_sidecar
from .quotes import Quote, QuoteGroup, extract_quotes, group_quotes, word_pairs
from .reuse import PassagePrint, Reuse, find_reuse, ints, passage_prints
from .stories import Story, find_stories
from .text import variant_map

if TYPE_CHECKING:
    from .library import Library

VERSION = 6  # 6: speakers named one way across spelling variants
FEATURES = "features.pickle"
RESULT = "result.pickle"
LINKS = "links.pickle"  # the last result's linked passages and quotations: an update starts there
PARALLEL_MIN = 2000  # articles to read before a second process pays for its start
Progress = Callable[[int, int, str], None]


class Features(NamedTuple):  # a tuple: pickled fast
    content_hash: str
    prints: list[PassagePrint]
    quotes: list[Quote]
    quote_pairs: list[bytes]  # word_pairs of each quotation, as bytes


@dataclass
class Analysis:
    all_quotes: list[QuoteGroup] = field(default_factory=list)  # shared ones first
    reuse: Reuse = field(default_factory=Reuse)
    stories: list[Story] = field(default_factory=list)
    about: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    read: int = 0  # articles read for this result (0: all features were stored)
    seconds: float = 0.0

    @property
    def quotes(self) -> list[QuoteGroup]:
        """The quotation groups carried by two articles or more."""
        return [g for g in self.all_quotes if len(g.articles) > 1]

    def story_of(self, aid: str) -> Story | None:
        for story in self.stories:
            if aid in story.articles:
                return story
        return None


def analysis_dir(settings: Settings) -> Path:
    """Beside the index folder, like the extraction cache."""
    return Path(settings.index_dir).parent / "analysis"


def _key(manifest: Manifest, variants: dict[str, str]) -> str:
    state = [
        VERSION,
        sorted(variants.items()),
        sorted(
            (aid, a["hash"], a.get("source"), a.get("date")) for aid, a in manifest.articles.items()
        ),
    ]
    return hashlib.blake2b(json.dumps(state).encode("utf-8"), digest_size=16).hexdigest()


def _load(path: Path, head_only: bool = False):
    """A stored file's head (a dict with its version and key), and its body unless
    `head_only`: (head, body), or None when missing, damaged or of another version."""
    try:
        with open(path, "rb") as f:
            head = pickle.load(f)
            if not isinstance(head, dict) or head.get("version") != VERSION:
                return None
            return head, (None if head_only else pickle.load(f))
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    except (ImportError, IndexError, KeyError):  # made by another version of the code
        return None


def _save(path: Path, head: dict, body) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as f:  # two analyses at once (threads or processes) never collide
        pickle.dump({"version": VERSION, **head}, f, protocol=pickle.HIGHEST_PROTOCOL)
        pickle.dump(body, f, protocol=pickle.HIGHEST_PROTOCOL)


def cached(settings: Settings) -> Analysis | None:
    """The stored result when it is that of the corpus as last indexed, else None (for a
    face that must not wait: it then runs `analyse` in a worker)."""
    manifest = Manifest.load(settings.index_dir)
    if manifest is None:
        return None
    key = _key(manifest, variant_map(settings.variants))
    head = _load(analysis_dir(settings) / RESULT, head_only=True)
    if head and head[0].get("key") == key:
        data = _load(analysis_dir(settings) / RESULT)
        return data[1] if data else None
    return None


def analyse(library: Library, progress: Progress | None = None) -> Analysis:
    """The analysis of the corpus as last indexed: from the store when nothing changed,
    else reading only new and changed articles."""
    t0 = time.perf_counter()
    settings = library.settings
    manifest = Manifest.load(settings.index_dir) or Manifest("")
    variants = variant_map(settings.variants)
    key = _key(manifest, variants)
    folder = analysis_dir(settings)
    head = _load(folder / RESULT, head_only=True)
    if head and head[0].get("key") == key:
        data = _load(folder / RESULT)
        if data:
            return data[1]
    stored = _load(folder / FEATURES)
    same = stored is not None and stored[0].get("variants") == sorted(variants.items())
    try:
        features = _from_store(stored[1]) if same else {}
    except (TypeError, ValueError, AttributeError):  # not of the shape this code writes
        features = {}
    stale = [
        aid
        for aid, entry in manifest.articles.items()
        if aid not in features or features[aid].content_hash != entry["hash"]
    ]
    gone = [a for a in features if a not in manifest.articles]
    for aid in gone:
        del features[aid]
    features.update(_read(settings, manifest, stale, variants, progress))
    if stale or gone or not same:
        _save(folder / FEATURES, {"variants": sorted(variants.items())}, _to_store(features))
    if progress:
        progress(0, 1, "finding shared text and quotations")
    about = {aid: (a.get("source"), a.get("date")) for aid, a in manifest.articles.items()}
    previous = _load(folder / LINKS) if same and len(stale) < len(features) // 2 else None
    known = previous[1][0] if previous else None
    reuse = find_reuse(
        {aid: f.prints for aid, f in features.items()},
        about,
        known=known,
        changed={*stale, *gone} if known is not None else None,
        counts=previous[1][2] if previous else None,
    )
    quotes = [q for f in features.values() for q in f.quotes]
    hashed = [ints(b) for f in features.values() for b in f.quote_pairs]
    groups, quote_links = group_quotes(
        quotes,
        about,
        variants,
        single=True,
        known=previous[1][1] if previous else None,
        changed={*stale, *gone} if previous else None,
        hashed=hashed,
    )
    stories = find_stories(reuse, [g for g in groups if len(g.articles) > 1], about)
    result = Analysis(groups, reuse, stories, about, len(stale), time.perf_counter() - t0)
    _save(folder / RESULT, {"key": key}, result)
    _save(folder / LINKS, {}, (reuse.links, quote_links, reuse.shared_counts()))
    if progress:
        progress(1, 1, "finding shared text and quotations")
    return result


def _to_store(features: dict[str, Features]) -> dict:
    """Plain tuples: named tuples pickle through a Python call each, tuples do not."""
    return {
        aid: (
            f.content_hash,
            [tuple(p) for p in f.prints],
            [tuple(q) for q in f.quotes],
            f.quote_pairs,
        )
        for aid, f in features.items()
    }


def _from_store(stored: dict) -> dict[str, Features]:
    make_print, make_quote = PassagePrint._make, Quote._make
    return {
        aid: Features(h, list(map(make_print, prints)), list(map(make_quote, quotes)), pairs)
        for aid, (h, prints, quotes, pairs) in stored.items()
    }


def features_of(article, variants: dict[str, str]) -> Features:
    quotes = extract_quotes(article)
    return Features(
        article.content_hash,
        passage_prints(article, variants),
        quotes,
        [word_pairs(q.text, variants).tobytes() for q in quotes],
    )


def _read(
    settings: Settings,
    manifest: Manifest,
    ids: list[str],
    variants: dict[str, str],
    progress: Progress | None,
) -> dict[str, Features]:
    jobs = [(aid, manifest.articles[aid]["path"]) for aid in ids]
    if len(jobs) >= PARALLEL_MIN and (os.cpu_count() or 1) >= 2:
        return _read_parallel(settings, manifest, jobs, variants, progress)
    return _read_some(settings, manifest.repeated, jobs, variants, progress)


def _read_some(
    settings: Settings,
    repeated: dict,
    jobs: list[tuple[str, str]],
    variants: dict[str, str],
    progress: Progress | None = None,
) -> dict[str, Features]:
    sidecar, _ = load_sidecar(settings.corpus)
    out: dict[str, Features] = {}
    for i, (aid, path) in enumerate(jobs, 1):
        try:
            article = read_article(SourceFile(aid, path, 0, 0), settings, sidecar, repeated)
        except (Unreadable, OSError):
            continue  # gone or changed since it was indexed: the next update says so
        out[aid] = features_of(article, variants)
        if progress and (i % 200 == 0 or i == len(jobs)):
            progress(i, len(jobs), "reading articles for shared text and quotations")
    return out


def _read_parallel(settings, manifest, jobs, variants, progress) -> dict[str, Features]:
    from concurrent.futures import ProcessPoolExecutor
    from multiprocessing import get_context

    procs = min(os.cpu_count() or 1, 4)
    chunk = 250
    parts = [jobs[i : i + chunk] for i in range(0, len(jobs), chunk)]
    out: dict[str, Features] = {}
    # spawn, not fork: a caller may be a thread of the reader (see index/build.py)
    with ProcessPoolExecutor(procs, mp_context=get_context("spawn")) as pool:
        futures = [
            pool.submit(_read_some, settings, manifest.repeated, part, variants) for part in parts
        ]
        try:
            for done, future in enumerate(futures, 1):
                out.update(future.result())
                if progress:
                    progress(
                        min(done * chunk, len(jobs)),
                        len(jobs),
                        "reading articles for shared text and quotations",
                    )
        except Exception:
            # a pool that cannot start or a worker that died costs only the head start
            pool.shutdown(wait=False, cancel_futures=True)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
    rest = [job for job in jobs if job[0] not in out]
    if rest:
        out.update(_read_some(settings, manifest.repeated, rest, variants, progress))
    return out
