"""Shared text, quotations and stories for the whole corpus, computed on first use and
kept beside the index (`.dossier-cache/analysis/` by default; derived, safe to delete).

Four files:

* `features.pickle`: per article, what the analysis needs from its text (passage
  shingles and fingerprints, quotations with speakers), with the content hash of the
  text they were made from. An update reads again only the articles whose hash in the
  index manifest changed (or that are new), so a changed article costs its own reading.
* `features-changes.pickle`: the features of the articles read (or removed) since
  `features.pickle` was written. An update rewrites only this file, so it costs what
  changed, not the corpus; the two are merged into one `features.pickle` when the
  changes reach COMPACT of the corpus.
* `result.pickle`: the clusters, quotation groups and stories, valid for one state of
  the corpus (the manifest's hashes, outlets and dates, and the spelling variants);
  after them, the links between passages and between quotations, which only an update
  reads. An update starts from it: the links between unchanged articles are kept, and
  so are the clusters and groups that no changed article touches.

Not inside the index folder: every file there is checksummed by the manifest, and a
file written after a commit would read as damage. Reading many articles is spread over
two processes; the cross-article step runs on the stored features alone.

What is stored is plain data that pickles in C: tuples and bytes, and dataclasses
without slots (slotted dataclasses and named tuples pickle through a Python call each,
several times slower on a large corpus). Passage prints and quotations stay plain
tuples (in PassagePrint's and Quote's field order) from reading to the cross-article
step, so an update converts nothing for the articles that did not change.
"""

from __future__ import annotations

import gc
import hashlib
import itertools
import json
import os
import pickle
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

from .atomic import replacing
from .config import Settings
from .corpus import SourceFile, Unreadable, read_article
from .manifest import Manifest
from .metadata import load_sidecar
from .pool import head_start
from .quotes import Quote, QuoteGroup, QuoteLink, extract_quotes, group_quotes, word_pairs
from .reuse import Reuse, find_reuse, ints, passage_prints
from .stories import Story, find_stories
from .text import variant_map

if TYPE_CHECKING:
    from .library import Library

VERSION = (
    9  # 9: clusters stored as rows (8: no speaker for a quotation no named person is given for)
)
FEATURES = "features.pickle"
CHANGES = "features-changes.pickle"  # the features read or removed since FEATURES
COMPACT = 0.1  # the changes are merged into FEATURES when they hold this share of it
RESULT = "result.pickle"
RESULT_FORMAT = 3  # 3: clusters and quotation groups in pieces (2: as rows, links after)
PIECE = 2000  # clusters or quotation groups a pickle (a load holds the GIL ~40 ms at 100k)
PARALLEL_MIN = 2000  # articles to read before a second process pays for its start
Progress = Callable[[int, int, str], None]

# An article's features as stored: (content hash, passage prints, quotations, each
# quotation's word_pairs as bytes), the prints and quotations plain tuples in
# PassagePrint's and Quote's field order.
Stored = tuple[str, list[tuple], list[tuple], list[bytes]]


@dataclass
class Analysis:
    all_quotes: list[QuoteGroup] = field(default_factory=list)  # shared ones first
    reuse: Reuse = field(default_factory=Reuse)
    stories: list[Story] = field(default_factory=list)
    about: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    read: int = 0  # articles read for this result (0: all features were stored)
    seconds: float = 0.0
    quote_links: list[QuoteLink] = field(default_factory=list)  # where an update starts

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


def _load(
    path: Path,
    head_only: bool = False,
    rest: bool = False,
    body: Callable[[BinaryIO, dict], object] | None = None,
    fmt: int | None = None,
):
    """A stored file's head (a dict with its version and key), and its body unless
    `head_only`: (head, body), or None when missing, damaged or of another version (or
    of another `fmt`, given one). With `rest`, (head, body, what was stored after the
    body). `body(file, head)` reads the body (by default: one pickle)."""
    try:
        with open(path, "rb") as f:
            head = pickle.load(f)
            if not isinstance(head, dict) or head.get("version") != VERSION:
                return None
            if fmt is not None and head.get("format") != fmt:
                return None
            if head_only:
                return head, None
            read = pickle.load(f) if body is None else body(f, head)
            return (head, read, pickle.load(f)) if rest else (head, read)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ValueError, TypeError):
        return None
    except (ImportError, IndexError, KeyError):  # made by another version of the code
        return None


def _save(path: Path, head: dict, body, *rest) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with replacing(path) as f:  # two analyses at once (threads or processes) never collide
        pickle.dump({"version": VERSION, **head}, f, protocol=pickle.HIGHEST_PROTOCOL)
        for part in (body, *rest):
            pickle.dump(part, f, protocol=pickle.HIGHEST_PROTOCOL)


def _save_result(folder: Path, head: dict, result: Analysis) -> None:
    """The result as the reader loads it, then the links an update starts from (read
    by an update only: at 100k articles, 3 million links were a sixth of the file, and
    of the time the reader took to load it). Clusters and quotation groups are stored
    in pieces of PIECE, each ended by None: one pickle of them all held the GIL for
    2.4 s at 100k articles, and the reader's screen froze while it loaded."""
    shown = replace(
        result,
        all_quotes=[],
        reuse=replace(result.reuse, clusters=[], links=[]),
        quote_links=[],
    )
    links = (result.reuse.links, result.quote_links)
    clusters, groups = _pieces(result.reuse.clusters), _pieces(result.all_quotes)
    head = {**head, "format": RESULT_FORMAT, "pieces": len(clusters) + len(groups)}
    _save(folder / RESULT, head, shown, *clusters, None, *groups, None, links)


def _pieces(items: list) -> list[list]:
    return [items[i : i + PIECE] for i in range(0, len(items), PIECE)]


def _read_result(f, piece_read: Callable[[], None]) -> Analysis:
    shown = pickle.load(f)
    shown.reuse.clusters = _read_pieces(f, piece_read)
    shown.all_quotes = _read_pieces(f, piece_read)
    return shown


def _read_pieces(f, piece_read: Callable[[], None]) -> list:
    items: list = []
    while (piece := pickle.load(f)) is not None:  # between two, other threads run
        items += piece
        piece_read()
    return items


def _load_result(
    folder: Path, head_only: bool = False, rest: bool = False, progress: Progress | None = None
):
    """`_load` of the stored result, None when stored in another format. `progress` is
    told of each piece read (and may stop the reading: StopAsked)."""

    def read(f: BinaryIO, head: dict) -> Analysis:
        total, done = head.get("pieces", 0), itertools.count(1)

        def piece_read() -> None:
            if progress is not None:
                progress(next(done), total, "loading shared text and quotations")

        return _read_result(f, piece_read)

    return _load(folder / RESULT, head_only, rest, body=read, fmt=RESULT_FORMAT)


def cached(settings: Settings) -> Analysis | None:
    """The stored result when it is that of the corpus as last indexed, else None (for a
    face that must not wait: it then runs `analyse` in a worker)."""
    manifest = Manifest.load(settings.index_dir)
    if manifest is None:
        return None
    key = _key(manifest, variant_map(settings.variants))
    head = _load_result(analysis_dir(settings), head_only=True)
    if head and head[0].get("key") == key:
        with _collector_paused():  # (3.4 s instead of 1.9 s at 100k articles)
            data = _load_result(analysis_dir(settings))
        return data[1] if data else None
    return None


def analyse(library: Library, progress: Progress | None = None) -> Analysis:
    """The analysis of the corpus as last indexed: from the store when nothing changed,
    else reading only new and changed articles."""
    with _collector_paused():
        return _analyse(library, progress)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """The analysis unpickles and makes hundreds of thousands of tuples, none of them
    in a reference cycle: the cyclic garbage collector would walk them again and again
    (half the time of an update on Reuters-21578). Once made, they are frozen (left out
    of every later collection; freed as usual when no longer used): else the next full
    collection walks them all, holding the GIL (1 s at 100k articles, the reader's
    screen frozen meanwhile)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.freeze()
            gc.enable()


def _analyse(library: Library, progress: Progress | None) -> Analysis:
    t0 = time.perf_counter()
    settings = library.settings
    manifest = Manifest.load(settings.index_dir) or Manifest("")
    variants = variant_map(settings.variants)
    key = _key(manifest, variants)
    folder = analysis_dir(settings)
    head = _load_result(folder, head_only=True)
    if head and head[0].get("key") == key:
        data = _load_result(folder, progress=progress)
        if data:
            return data[1]
    store = _FeatureStore(folder, sorted(variants.items()))
    made_from = store.state  # what the last result was made from, if it is still current
    features = store.features
    stale = [
        aid
        for aid, entry in manifest.articles.items()
        if aid not in features or features[aid][0] != entry["hash"]
    ]
    gone = [a for a in features if a not in manifest.articles]
    store.update(_read(settings, manifest, stale, variants, progress), gone)
    if progress:
        progress(0, 1, "finding shared text and quotations")
    about = {aid: (a.get("source"), a.get("date")) for aid, a in manifest.articles.items()}
    earlier = (
        _earlier(folder, made_from) if store.kept and len(stale) < len(features) // 2 else None
    )
    # read, gone or redated since: their links are found again, their clusters made again
    changed = {*stale, *gone}
    if earlier is not None:
        changed.update(a for a, was in earlier.about.items() if about.get(a, was) != was)
    reuse = find_reuse(
        {aid: f[1] for aid, f in features.items()},
        about,
        earlier=earlier.reuse if earlier else None,
        changed=changed,
    )
    make_quote = Quote._make
    quotes = [make_quote(q) for f in features.values() for q in f[2]]
    hashed = [ints(b) for f in features.values() for b in f[3]]
    groups, quote_links = group_quotes(
        quotes,
        about,
        variants,
        single=True,
        known=earlier.quote_links if earlier else None,
        changed=changed,
        hashed=hashed,
        earlier=earlier.all_quotes if earlier else None,
    )
    stories = find_stories(reuse, [g for g in groups if len(g.articles) > 1], about)
    result = Analysis(groups, reuse, stories, about, len(stale), time.perf_counter() - t0)
    result.quote_links = quote_links
    _save_result(folder, {"key": key, "features": store.state}, result)
    if progress:
        progress(1, 1, "finding shared text and quotations")
    return result


def _earlier(folder: Path, made_from: list[str]) -> Analysis | None:
    """The last result, when it was made from the features as stored now."""
    head = _load_result(folder, head_only=True)
    if not head or head[0].get("features") != made_from:
        return None
    data = _load_result(folder, rest=True)
    if not data or not isinstance(data[1], Analysis) or len(data[2]) != 2:
        return None
    result = data[1]
    result.reuse.links, result.quote_links = data[2]
    return result


class _FeatureStore:
    """Every article's stored features: FEATURES with CHANGES applied. Each file is
    written with a random token in its head, and CHANGES names the FEATURES it applies
    to: changes of another base are ignored, which costs reading those articles again,
    never a wrong feature. `state` (both tokens) names what a result was made from."""

    def __init__(self, folder: Path, variants: list) -> None:
        self.folder, self.variants = folder, variants
        base = _load(folder / FEATURES)
        self.kept = bool(base and base[0].get("variants") == variants and isinstance(base[1], dict))
        self.features: dict[str, Stored] = base[1] if self.kept else {}
        self.token = base[0].get("token", "") if self.kept else ""
        self.changes: dict[str, Stored | None] = {}
        self.changes_token = ""
        changes = _load(folder / CHANGES) if self.kept else None
        if changes and changes[0].get("base") == self.token and isinstance(changes[1], dict):
            self.changes, self.changes_token = changes[1], changes[0].get("token", "")
            for aid, f in self.changes.items():
                if f is None:
                    self.features.pop(aid, None)
                else:
                    self.features[aid] = f

    @property
    def state(self) -> list[str]:
        return [self.token, self.changes_token]

    def update(self, read: dict[str, Stored], gone: list[str]) -> None:
        """Apply and store what was read and what is gone: only the changes, unless
        they grew to COMPACT of the corpus (or there was no usable base)."""
        if self.kept and not read and not gone:
            return
        for aid in gone:
            del self.features[aid]
            self.changes[aid] = None
        self.features.update(read)
        self.changes.update(read)
        if not self.kept or len(self.changes) > COMPACT * len(self.features):
            self.token, self.changes = os.urandom(8).hex(), {}
            head = {"variants": self.variants, "token": self.token}
            _save(self.folder / FEATURES, head, self.features)
        self.changes_token = os.urandom(8).hex()
        _save(
            self.folder / CHANGES, {"base": self.token, "token": self.changes_token}, self.changes
        )


def features_of(article, variants: dict[str, str]) -> Stored:
    quotes = extract_quotes(article)
    return (
        article.content_hash,
        [tuple(p) for p in passage_prints(article, variants)],
        [tuple(q) for q in quotes],
        [word_pairs(q.text, variants).tobytes() for q in quotes],
    )


def _read(
    settings: Settings,
    manifest: Manifest,
    ids: list[str],
    variants: dict[str, str],
    progress: Progress | None,
) -> dict[str, Stored]:
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
) -> dict[str, Stored]:
    sidecar, _ = load_sidecar(settings.corpus)
    out: dict[str, Stored] = {}
    for i, (aid, path) in enumerate(jobs, 1):
        try:
            article = read_article(SourceFile(aid, path, 0, 0), settings, sidecar, repeated)
        except (Unreadable, OSError):
            continue  # gone or changed since it was indexed: the next update says so
        out[aid] = features_of(article, variants)
        if progress and (i % 200 == 0 or i == len(jobs)):
            progress(i, len(jobs), "reading articles for shared text and quotations")
    return out


def _read_parallel(settings, manifest, jobs, variants, progress) -> dict[str, Stored]:
    chunk = 250
    parts = [jobs[i : i + chunk] for i in range(0, len(jobs), chunk)]
    out: dict[str, Stored] = {}

    label = "reading articles for shared text and quotations"

    def each(done: int, stored: dict[str, Stored]) -> None:
        out.update(stored)
        if progress:
            progress(min(done * chunk, len(jobs)), len(jobs), label)

    def waiting() -> None:  # (progress may raise StopAsked: the reader is quitting)
        if progress:
            progress(min(len(out), len(jobs)), len(jobs), label)

    calls = [(settings, manifest.repeated, part, variants) for part in parts]
    head_start(_read_some, calls, min(os.cpu_count() or 1, 4), each, waiting)
    rest = [job for job in jobs if job[0] not in out]
    if rest:
        out.update(_read_some(settings, manifest.repeated, rest, variants, progress))
    return out
