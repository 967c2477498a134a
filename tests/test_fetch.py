"""`dossier add` against a local web server (200, 404, timeout, non-HTML, a bad host),
files copied in, lists with progress and a summary, and `show --all --jsonl`."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from pathlib import Path

import pytest
import yaml
from conftest import CONFIG, run_cli, write_files
from test_extract import FILLER, STRUCTURED, page

from index.fetch import ADDED_FOLDER

PAGE = page(STRUCTURED).encode("utf-8")


class _Handler(http.server.BaseHTTPRequestHandler):
    release: threading.Event

    def do_GET(self):
        if self.path == "/slow":
            self.release.wait(30)  # held until the test ends; the client gives up first
            return
        routes = {
            "/talks.html": ("text/html; charset=utf-8", PAGE),
            "/notes.txt": ("text/plain; charset=utf-8", f"Notes\n\n{FILLER}\n".encode()),
            "/report.pdf": ("application/pdf", b"%PDF-1.4 binary"),
            "/empty.html": ("text/html", b"<html><body><script>var a = 1;</script></body></html>"),
        }
        if self.path not in routes:
            self.send_error(404, "Not Found")
            return
        ctype, body = routes[self.path]
        self.send_response(200)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    release = threading.Event()
    handler = type("Handler", (_Handler,), {"release": release})
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    release.set()
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def cfg(tmp_path) -> Path:
    corpus = tmp_path / "corpus"
    write_files(corpus, {"first.txt": f"A first article\n\n{FILLER}\n"})
    data = yaml.safe_load(CONFIG.read_text(encoding="utf-8"))
    data.update(corpus=str(corpus), index=str(tmp_path / "index"), tags=str(tmp_path / "t.yaml"))
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


run = run_cli


def added_files(cfg: Path) -> list[str]:
    folder = cfg.parent / "corpus" / ADDED_FOLDER
    return sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []


def test_add_url_stores_the_page_indexes_it_and_prints_id_and_title(capsys, cfg, server):
    url = f"{server}/talks.html"
    code, out, err = run(capsys, cfg, "add", url)
    assert code == 0, err
    assert (
        out.strip()
        == "added/talks-resume-on-the-border-question  Talks resume on the border question"
    )
    assert added_files(cfg) == [
        "talks-resume-on-the-border-question.html",
        "talks-resume-on-the-border-question.html.meta.yaml",
    ]
    folder = cfg.parent / "corpus" / ADDED_FOLDER
    stored = (folder / "talks-resume-on-the-border-question.html").read_bytes()
    assert stored == PAGE
    facts = yaml.safe_load(
        (folder / "talks-resume-on-the-border-question.html.meta.yaml").read_text()
    )
    assert facts["url"] == url
    assert facts["sha256"] == hashlib.sha256(PAGE).hexdigest()
    assert facts["fetched"].endswith("+00:00")

    code, out, _ = run(capsys, cfg, "show", "added/talks", "--json")
    shown = json.loads(out)
    assert shown["url"] == url  # what the user fetched, over the page's canonical URL
    assert shown["passages"][0]["text"] == FILLER
    code, out, _ = run(capsys, cfg, "search", "Washington", "--json")
    assert [a["id"] for a in json.loads(out)["articles"]] == [
        "added/talks-resume-on-the-border-question"
    ]
    # The same page again is recognised, not stored twice.
    code, out, _ = run(capsys, cfg, "add", url)
    assert code == 0 and "already in the corpus" in out
    assert len(added_files(cfg)) == 2


def test_a_saved_copy_of_a_fetched_page_is_the_same_article(capsys, cfg, server, tmp_path):
    code, out, _ = run(capsys, cfg, "add", f"{server}/talks.html")
    assert code == 0
    saved = tmp_path / "saved-from-browser.html"
    saved.write_bytes(PAGE)
    code, out, _ = run(capsys, cfg, "add", str(saved))
    assert code == 0 and "already in the corpus" in out
    assert "added/talks-resume-on-the-border-question" in out
    assert len(added_files(cfg)) == 2


@pytest.mark.parametrize(
    ("path", "says"),
    [
        ("/missing.html", "HTTP 404 Not Found"),
        ("/slow", "timed out after 0.5 s"),
        ("/report.pdf", "not a web page (HTTP 200, application/pdf)"),
        ("/empty.html", "no article text found in the page; not added"),
    ],
)
def test_a_failing_url_gives_one_line_exit_1_and_no_file(capsys, cfg, server, path, says):
    url = f"{server}{path}"
    code, out, err = run(capsys, cfg, "add", url, "--timeout", "0.5")
    assert code == 1
    assert err.strip() == f"dossier: {url}: {says}"
    assert out == ""
    assert added_files(cfg) == []  # nothing stored, not even a temp file


def test_bad_host_and_bad_scheme(capsys, cfg):
    code, _, err = run(capsys, cfg, "add", "http://no-such-host.invalid/page.html")
    assert (
        code == 1
        and err.strip() == "dossier: http://no-such-host.invalid/page.html: host not found"
    )
    code, _, err = run(capsys, cfg, "add", "ftp://example.org/a.html")
    assert code == 1 and "not an http(s) URL" in err


def test_a_list_shows_progress_and_a_summary_and_one_failure_never_stops_it(
    capsys, cfg, server, tmp_path, monkeypatch
):
    local = tmp_path / "elsewhere" / "saved page.html"
    write_files(local.parent, {local.name: page()})
    listing = "\n".join(
        [
            "# my reading list",
            f"{server}/missing.html",
            f"{server}/talks.html",
            "",
            f"{server}/notes.txt",
            str(local),
            str(tmp_path / "nowhere.html"),
        ]
    )
    monkeypatch.setattr("sys.stdin", __import__("io").StringIO(listing))
    code, out, err = run(capsys, cfg, "add", "--from", "-")
    assert code == 1
    assert "[1/5]" in err and "[5/5]" in err
    assert "HTTP 404" in err and "nowhere.html: cannot be read" in err
    assert out.splitlines()[-1] == "added 3 of 5 items; 2 failed"
    assert "added/notes  Notes" in out
    assert "added/saved page  Talks resume on the border question" in out
    facts = yaml.safe_load(
        (cfg.parent / "corpus" / ADDED_FOLDER / "saved page.html.meta.yaml").read_text()
    )
    assert facts["copied_from"] == str(local)
    code, out, _ = run(capsys, cfg, "show", "--all", "--jsonl")
    records = [json.loads(ln) for ln in out.splitlines()]
    assert sorted(r["id"] for r in records) == [
        "added/notes",
        "added/saved page",
        "added/talks-resume-on-the-border-question",
        "first",
    ]
    talks = next(r for r in records if r["id"].startswith("added/talks"))
    assert talks["url"] == f"{server}/talks.html"
    assert talks["source"] == "The Daily Example" and talks["author"] == "Ana Petrosyan"
    assert talks["date"] == "2023-05-05"
    assert talks["passages"][0]["text"] == FILLER
    assert talks["text"].startswith(FILLER + "\n\n")


def test_show_all_needs_jsonl_and_no_id(capsys, cfg):
    code, _, err = run(capsys, cfg, "show", "--all")
    assert code == 2 and "--all --jsonl" in err
    code, _, err = run(capsys, cfg, "show", "first", "--jsonl")
    assert code == 2 and "--all --jsonl" in err


def test_a_failed_write_leaves_no_file(capsys, cfg, server, monkeypatch):
    import index.atomic

    real = index.atomic.os.replace

    def full_disk(src, dst):
        if str(dst).endswith(".html"):
            raise OSError(28, "No space left on device")
        real(src, dst)

    monkeypatch.setattr(index.atomic.os, "replace", full_disk)
    code, _, err = run(capsys, cfg, "add", f"{server}/talks.html")
    assert code == 1 and "No space left on device" in err
    assert added_files(cfg) == []
