"""Which index a build writes: the one there when its manifest and files are sound;
else a new one, in place when there is nothing to search meanwhile, beside the old one
otherwise; or a first build that stopped midway, continued."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .articlelog import ArticleLog
from .build_entries import IndexReport, as_read, sketch_article
from .config import Settings
from .corpus import SourceFile, Unreadable, finish, prepare_file
from .engine import Progress, continue_at, create_index, open_at
from .indexfiles import beside, check, damaged
from .manifest import MANIFEST, Manifest


def open_or_create(
    settings: Settings,
    rebuild: bool,
    fp: str,
    files: Sequence[SourceFile],
    sidecar: dict,
    report: IndexReport,
    progress: Progress | None,
) -> tuple[Manifest, object, Path, dict[str, dict]]:
    """The manifest, the index and the folder to write: the index as it is when its
    manifest and files are sound, else a new one (`report` says why), written in place
    when there is no index to search meanwhile, beside it otherwise; or a first build
    that stopped midway, continued (with the manifest entries of the articles it had
    indexed: the last of the four)."""
    index_dir = settings.index_dir
    if progress and not rebuild:
        progress(0, 1, "reading the manifest")
    manifest = None if rebuild else Manifest.load(index_dir)
    ix = None
    if rebuild:
        report.reason = "rebuild asked for"
    elif manifest is None:
        if not index_dir.exists():
            report.reason = "no index yet"
        elif (index_dir / MANIFEST).exists():
            report.reason = "index manifest unreadable or of another version"
        else:
            report.reason = "index manifest missing"
    elif manifest.fingerprint != fp:
        report.reason = "analysis settings changed (variants or version)"
        manifest = None
    elif why := damaged(index_dir) or check(index_dir, manifest.files):
        report.reason = f"index damaged ({why}); rebuilt"
        manifest = None
    else:
        try:
            ix = open_at(index_dir)
        except Exception as exc:  # any failure to open means: rebuild from the corpus
            report.reason = f"index could not be opened ({type(exc).__name__}); rebuilt"
            manifest = None
    target = index_dir
    resumed: dict[str, dict] = {}
    if manifest is None:
        report.rebuilt = True
        manifest = Manifest(fp)
        # With no usable index to search meanwhile, build in place: searchable as it grows.
        if (index_dir / MANIFEST).exists():
            target = beside(index_dir, ".new")
        elif not rebuild and (stopped := _stopped_first_build(index_dir, fp, files, sidecar)):
            ix, resumed = stopped
            report.reason = f"continuing the first build ({len(resumed):,} articles indexed)"
        if not resumed:
            ix = create_index(target, settings)
    return manifest, ix, target, resumed


def _stopped_first_build(
    index_dir: Path, fp: str, files: Sequence[SourceFile], sidecar: dict
) -> tuple[object, dict[str, dict]] | None:
    """The index and the manifest entries of a first build that stopped midway (the
    reader closed, Ctrl-C, a crash), when they can be trusted: its note of committed
    parts (partial.json) was made under the same analysis, every article it lists is on
    disk (and in metadata.yaml) as it was read, and the index holds exactly their
    passages (a part committed but not yet noted when it stopped would be indexed
    twice: then it starts over)."""
    noted = Manifest.load_partial(index_dir)
    if noted is None or noted.fingerprint != fp or not noted.articles:
        return None
    on_disk = {src.id: src for src in files}
    if not all(
        aid in on_disk and as_read(e, on_disk[aid], sidecar) for aid, e in noted.articles.items()
    ):
        return None
    opened = continue_at(index_dir)
    if opened is None:
        return None
    ix, passages = opened
    if passages != sum(e["passages"] for e in noted.articles.values()):
        return None
    return ix, noted.articles


def log_again(
    log: ArticleLog, info: dict, src: SourceFile, settings: Settings, sidecar, report
) -> None:
    """A continued first build's article indexed before it stopped: read again for its
    line entry and duplicate sketch, which a build makes at its end."""
    try:
        prep = prepare_file(src, settings, sidecar)
    except Unreadable as exc:  # changed since a moment ago: the next update sees it
        report.warnings.append(str(exc))
        return
    article = finish(prep, settings, {})
    report.warnings.extend(article.warnings)
    log.put(src.id, info, prep.line_entry(), sketch_article(article))
