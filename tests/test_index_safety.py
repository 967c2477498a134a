"""Every command safe beside every other, and damage noticed (issue 13 items 4 and 5):
readers search the last committed index while a writer works; a second writer waits
and says for whom; a rebuild that fails leaves the old index working; damaged files,
odd manifests, a file in the index's place and a read-only or full disk each give one
clear line. Concurrency is tested with real processes, bounded in time."""

from __future__ import annotations

import errno
import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from conftest import ARTICLES, CONFIG
from whoosh.filedb.filestore import FileStorage
from whoosh.writing import SegmentWriter

from index.build import update_index
from index.config import load_settings
from index.engine.segments import SegmentBuilder
from index.errors import IndexBusy, IndexUnavailable
from index.library import Library
from tui.cli import main

DOSSIER = [sys.executable, "-m", "tui.cli"]
REPO = Path(__file__).resolve().parents[1]
LIMIT_S = 120  # a hang fails the test; nothing waits for a fixed time


@pytest.fixture
def cfg(tmp_path) -> Path:
    """A config over a copy of the bundled articles (so that one can change), with the
    index in tmp_path; the index built."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for f in ARTICLES.iterdir():
        (corpus / f.name).write_bytes(f.read_bytes())
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("corpus: articles", f"corpus: {corpus}")
    text = text.replace("index: .dossier-cache/index", f"index: {tmp_path / 'index'}")
    text = text.replace("tags: tags.yaml", f"tags: {tmp_path / 'tags.yaml'}")
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    update_index(load_settings(path))
    return path


def change_an_article(cfg: Path, n: int = 0) -> None:
    corpus = load_settings(cfg).corpus
    first = sorted(corpus.glob("*.txt"))[0]
    with first.open("a", encoding="utf-8") as f:
        f.write(f"\n\nA new closing paragraph about the Lachin corridor, round {n}.\n")


def start(cfg: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*DOSSIER, "--config", str(cfg), *args],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(proc: subprocess.Popen) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=LIMIT_S)
    assert "Traceback" not in err and "unexpected error" not in err, err
    for raw in ("LockError", "FileExistsError", "FileNotFoundError", "already closed"):
        assert raw not in out + err
    return proc.returncode, out, err


HOLDER = """
import sys
from pathlib import Path
from whoosh.filedb.filestore import FileStorage
index_dir = Path(sys.argv[1])
try:
    from index.indexlock import IndexLock
    IndexLock(index_dir).acquire()
except ImportError:
    pass
writer = FileStorage(str(index_dir)).open_index().writer()
print("held", flush=True)
sys.stdin.read()
writer.cancel()
"""


@pytest.fixture
def writer_busy(cfg):
    """Another process in the middle of writing the index (it holds the index's locks)
    until the test ends."""
    index_dir = load_settings(cfg).index_dir
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(index_dir)],
        cwd=REPO,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "held"
    yield proc
    proc.stdin.close()
    proc.wait(timeout=LIMIT_S)


def test_search_reads_the_saved_index_while_a_writer_works(cfg, writer_busy):
    change_an_article(cfg)
    code, out, err = finish(start(cfg, "search", "Lachin"))
    assert code == 0, err
    assert "4 passages" in out  # the index as last saved
    assert f"being updated by pid {writer_busy.pid}" in err


def test_a_second_writer_waits_and_names_the_first(cfg, writer_busy):
    change_an_article(cfg)
    proc = start(cfg, "index")
    line = proc.stderr.readline()  # said at once, while it waits
    assert f"waiting for the index lock held by pid {writer_busy.pid}" in line
    assert proc.poll() is None
    writer_busy.stdin.close()
    code, out, _ = finish(proc)
    assert code == 0 and "1 changed" in out


def test_a_held_whoosh_lock_is_the_librarys_own_error(cfg, capsys):
    """Whoosh's write lock taken outside dossier's lock (an old dossier, a script): the
    update says so as IndexBusy, and the reader's indexer (which knows nothing of
    Whoosh) reports it in one line."""
    import tui.indexer

    index_dir = load_settings(cfg).index_dir
    held = FileStorage(str(index_dir)).open_index().writer()
    try:
        change_an_article(cfg)
        with pytest.raises(IndexBusy):
            update_index(load_settings(cfg))
        assert tui.indexer.main(["--config", str(cfg)]) == 1
    finally:
        held.cancel()
    *before, last = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert all("progress" in line for line in before)  # the phase it had begun, at most
    assert last == {"error": "another dossier is updating the index; using the index as it is"}


def test_index_and_searches_at_once(cfg):
    """The issue's sequence: after an article changes, `dossier index & dossier search
    Lachin & dossier search peace`, then two rebuilds and a search; every one exits 0."""
    rounds = 2
    for n in range(rounds):
        change_an_article(cfg, n)
        procs = [start(cfg, "index"), start(cfg, "search", "Lachin"), start(cfg, "search", "peace")]
        results = [finish(p) for p in procs]
        assert [r[0] for r in results] == [0, 0, 0], [r[2] for r in results]
        assert "passages in" in results[1][1] and "passages in" in results[2][1]
    procs = [start(cfg, "index", "--rebuild"), start(cfg, "index", "--rebuild")]
    procs.append(start(cfg, "search", "Lachin"))
    results = [finish(p) for p in procs]
    assert [r[0] for r in results] == [0, 0, 0], [r[2] for r in results]
    assert Library(load_settings(cfg)).engine.search("Lachin").total == 4 + rounds


def test_a_searcher_open_across_a_rebuild_keeps_working(cfg):
    settings = load_settings(cfg)
    engine = Library(settings).engine
    assert engine.search("Lachin").total == 4
    update_index(settings, rebuild=True)
    update_index(settings, rebuild=True)
    assert engine.search("peace").total > 0
    assert engine.search("Lachin").total == 4


def test_a_rebuild_that_fails_keeps_the_old_index(cfg, monkeypatch):
    settings = load_settings(cfg)

    def disk_full(self, *args, **fields):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(SegmentWriter, "add_document", disk_full)  # an update's writer
    monkeypatch.setattr(SegmentBuilder, "finish", disk_full)  # a rebuild's
    with pytest.raises(IndexUnavailable, match="no space left on the disk"):
        update_index(settings, rebuild=True)
    monkeypatch.undo()
    assert Library(settings).engine.search("Lachin").total == 4
    assert not any(p.name.startswith("index.") and p.is_dir() for p in cfg.parent.iterdir())


def test_changed_bytes_in_a_segment_are_noticed_and_rebuilt(cfg):
    settings = load_settings(cfg)
    seg = max(settings.index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)
    data = bytearray(seg.read_bytes())
    for i in range(len(data) // 2, len(data) // 2 + 64):
        data[i] ^= 0x5A
    seg.write_bytes(bytes(data))
    report = update_index(settings)
    assert report.rebuilt and "damaged" in report.reason and seg.name in report.reason
    assert Library(settings).engine.search("Lachin").total == 4


def test_damage_found_by_a_search_is_reported_and_rebuilt(cfg):
    """Bytes changed with the file's size and time kept (no cheap check sees it): the
    opening or the search that trips on them (which, depends on what the bytes held)
    checks the files, says the index is damaged, and the next update rebuilds it."""
    settings = load_settings(cfg)
    seg = max(settings.index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)
    st = seg.stat()
    data = bytearray(seg.read_bytes())
    for i in range(int(len(data) * 0.62), int(len(data) * 0.9)):
        data[i] ^= 0x5A
    seg.write_bytes(bytes(data))
    os.utime(seg, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(IndexUnavailable, match="damaged"):
        engine = Library(settings).engine
        for q in ("Lachin", "peace", "border AND Armenia", "Aliyev", "treaty"):
            engine.search(q)
    report = update_index(settings)
    assert report.rebuilt and "damaged" in report.reason
    assert Library(settings).engine.search("Lachin").total == 4


def test_damage_that_fails_the_opening_is_reported_and_rebuilt(cfg):
    """A segment changed throughout (size and time kept) cannot even be opened: that too
    is said to be damage, not a bare "no usable index", and the next update rebuilds."""
    settings = load_settings(cfg)
    seg = max(settings.index_dir.glob("*.seg"), key=lambda p: p.stat().st_size)
    st = seg.stat()
    seg.write_bytes(bytes(b ^ 0x5A for b in seg.read_bytes()))
    os.utime(seg, ns=(st.st_atime_ns, st.st_mtime_ns))
    with pytest.raises(IndexUnavailable, match=r"is damaged .*rebuilds it"):
        Library(settings).engine  # noqa: B018 - opening is what fails
    report = update_index(settings)
    assert report.rebuilt and "damaged" in report.reason
    assert Library(settings).engine.search("Lachin").total == 4


def test_a_toc_replaced_while_it_is_opened_is_read_again(cfg, monkeypatch):
    """A commit writes the next TOC and deletes the one a searcher found a moment ago:
    opening reads the new one instead of saying "no usable index (FileNotFoundError)"."""
    from index.engine import writer

    settings = load_settings(cfg)
    opened, gone = writer.open_at, []

    def toc_gone_once(index_dir):
        if not gone:
            gone.append(index_dir)
            raise FileNotFoundError(errno.ENOENT, "No such file", str(index_dir / "_MAIN_1.toc"))
        return opened(index_dir)

    monkeypatch.setattr(writer, "open_at", toc_gone_once)
    assert Library(settings).engine.search("Lachin").total == 4
    assert gone, "the first opening found its TOC gone"


def test_a_manifest_of_another_shape_is_treated_as_missing(cfg, capsys):
    settings = load_settings(cfg)
    path = settings.index_dir / "manifest.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for entry in data["articles"].values():
        del entry["hash"]
    path.write_text(json.dumps(data), encoding="utf-8")
    assert main(["--config", str(cfg), "index"]) == 0
    out = capsys.readouterr().out
    assert "full rebuild (index manifest unreadable or of another version)" in out


def test_an_index_path_that_is_a_file_is_one_line(cfg, capsys):
    settings = load_settings(cfg)
    text = cfg.read_text(encoding="utf-8").replace(
        str(settings.index_dir), str(cfg.parent / "afile")
    )
    cfg.write_text(text, encoding="utf-8")
    (cfg.parent / "afile").write_text("not an index")
    assert main(["--config", str(cfg), "index"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "is a file, not a folder" in err
    assert (cfg.parent / "afile").read_text() == "not an index"


def test_a_read_only_index_folder_still_searches(cfg, capsys, monkeypatch):
    """Simulated (tests may run as root, who can write anywhere): every attempt to open
    a file for writing fails as on a read-only file system."""
    real_open = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    assert main(["--config", str(cfg), "search", "Lachin"]) == 0
    out, err = capsys.readouterr()
    assert "4 passages" in out and not err  # nothing to update: nothing to say
    monkeypatch.undo()
    change_an_article(cfg)
    monkeypatch.setattr(os, "open", read_only)
    assert main(["--config", str(cfg), "search", "Lachin"]) == 0
    out, err = capsys.readouterr()
    assert "4 passages" in out
    assert "read-only file system" in err and "using it as last saved" in err
    assert main(["--config", str(cfg), "index"]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "read-only file system" in err


def test_the_engine_lock_is_not_held_through_warm_up(bundled_library, monkeypatch):
    """issue 9: a search typed while the engine warms up waits for one step, not for
    the word table to be built; and that table is built once."""
    from index import search as search_module
    from index.engine import termtable

    engine = search_module.SearchEngine(bundled_library.settings)
    building, searched = threading.Event(), threading.Event()
    built = []

    class SlowTable(termtable.TermTable):
        def __init__(self, *args):
            built.append(1)
            building.set()
            searched.wait(LIMIT_S)
            super().__init__(*args)

    monkeypatch.setattr(termtable, "TermTable", SlowTable)
    warm = threading.Thread(target=engine.warm)
    warm.start()
    assert building.wait(LIMIT_S)
    done = []
    search = threading.Thread(target=lambda: done.append(engine.search("Lachin").total))
    search.start()
    search.join(timeout=30)
    searched.set()
    warm.join(LIMIT_S)
    search.join(LIMIT_S)
    assert done == [4] and not warm.is_alive()
    assert len(built) == 2  # the tables of `exact` and `text`, once each


def test_refresh_notices_a_rebuilt_index(cfg):
    settings = load_settings(cfg)
    engine = Library(settings).engine
    assert engine.search("Lachin").total == 4
    change_an_article(cfg)
    update_index(settings, rebuild=True)
    assert engine.refresh()
    assert engine.search("Lachin").total == 5
