"""The HTML briefing (`dossier export --format html`): one self-contained file, article
text, notes and memos escaped (hostile text is shown, never run), rendered by headless
Chromium (skipped where it is not installed) with its visible text checked and a
screenshot that is not blank; and the CSV byte-order mark."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import zlib
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest
from helpers_tags import copy_corpus

import tui.cli as cli
from index.library import Library
from index.tags import TagStore

A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"
HOSTILE_ID = "900_hostile"
HOSTILE_TITLE = "Talks </title><script>alert('title')</script>"
HOSTILE_BODY = (
    "The envoy wrote </mark><script>alert('body')</script> & <b>bold</b> in the "
    "communiqué about the Lachin corridor.\n\nA second paragraph, quiet."
)
NOTE = "Check <img src=x onerror=alert(1)> and </mark> — señor Aliyev's ‘quote’"
MEMO = "Memo </div><script>alert('memo')</script> on the treaty: ça avance"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="module")
def briefing(tmp_path_factory) -> tuple[Path, str]:
    """The bundled corpus plus a hostile article, tagged (passages, a span over two
    passages, notes, memos), exported through the command line."""
    root = tmp_path_factory.mktemp("briefing")
    settings = copy_corpus(root)
    (root / "articles" / f"{HOSTILE_ID}.md").write_text(
        f'---\ntitle: "{HOSTILE_TITLE}"\nsource: "Evil <Outlet>"\ndate: 2023-05-20\n'
        f"url: \"javascript:alert('url')\"\n---\n\n{HOSTILE_BODY}\n",
        encoding="utf-8",
    )
    (root / "articles" / "901_plain.md").write_text(
        "---\ntitle: Border commission meets\nsource: Daily Wire Service\ndate: 2023-07-02\n"
        "url: https://example.org/news/border-commission\n---\n\n"
        "The border commission met on Sunday to compare maps.\n",
        encoding="utf-8",
    )
    lib = Library(settings)
    lib.update()
    store = TagStore.open(replace(settings, coder="ana"), lib)
    store.add_passage(lib.article(A0), 8, ["border", "corridor"], NOTE)
    store.add_passage(lib.article(HOSTILE_ID), 1, ["corridor"], "hostile passage")
    a1 = lib.article(A1)
    p3, p4 = a1.passage(3), a1.passage(4)
    store.add(a1, p3.start + 10, p4.start + 20, ["treaty"])  # a span over two passages
    store.add_passage(lib.article("901_plain"), 1, ["border"])
    store.set_memo(MEMO, topic="treaty")
    store.set_memo("Memo on the article: <b>not bold</b>", article=A0)
    out = root / "briefing.html"
    assert (
        cli.main(["--config", str(settings.path), "export", "--format", "html", "-o", str(out)])
        == 0
    )
    return out, out.read_text(encoding="utf-8")


class Text(HTMLParser):
    """The text a reader sees (not inside style or title), and the tags met."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str]] = []
        self.styles: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self.attrs += [(k, v or "") for k, v in attrs]
        self._skip += tag in ("style", "title")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "title")

    def handle_data(self, data):
        if self.tags and self.tags[-1] == "style":
            self.styles.append(data)
        if not self._skip:
            self.parts.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


def read(html: str) -> Text:
    t = Text()
    t.feed(html)
    return t


def test_self_contained_and_escaped(briefing):
    _, html = briefing
    assert "<script" not in html.lower()  # the hostile scripts are text, not elements
    page = read(html)
    # self-contained: nothing is fetched (no src, no link, no url() or @import in CSS)
    assert not {"link", "iframe", "object", "img", "script"} & set(page.tags)
    assert not [k for k, _ in page.attrs if k in ("src", "srcset") or k.startswith("on")]
    assert not re.search(r"url\(|@import", " ".join(page.styles))
    hrefs = [v for k, v in page.attrs if k == "href"]
    assert hrefs and all(h.startswith(("#", "https://", "http://")) for h in hrefs)
    assert "script" not in page.tags and "img" not in page.tags and "b" not in page.tags
    shown = page.text
    for text in (HOSTILE_TITLE, NOTE, MEMO, "</mark><script>alert('body')</script> & <b>bold</b>"):
        assert " ".join(text.split()) in shown
    # every <mark> holds tagged words: A0#8 (twice: two topics), the hostile passage,
    # the span's two parts, 901#1
    assert page.tags.count("mark") == 6
    assert "Evil <Outlet>" in shown and "Memo on the article: <b>not bold</b>" in shown


def test_content(briefing):
    _, html = briefing
    shown = read(html).text
    for want in (
        "Border (2)",
        "Corridor (2)",
        "Peace treaty (1)",
        "Coverage over time",
        "Caucasus Watch",
        "2023-06-29",
        "Sources",
        "Note: Check",
        "— ana",
    ):
        assert want in shown, want
    assert "<svg" in html and "<rect" in html
    assert 'href="https://example.org/news/border-commission"' in html  # a source, its URL
    assert "Border commission meets https://example.org/news/border-commission Daily Wire" in shown


def png_pixels_vary(png: bytes) -> int:
    """The number of distinct byte values in the decompressed image data (a blank page
    has 2 or 3: the filter byte and white)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, data = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind = png[pos + 4 : pos + 8]
        if kind == b"IDAT":
            data += png[pos + 8 : pos + 8 + length]
        pos += 12 + length
    return len(set(zlib.decompress(data)))


def chromium(*args: str, tmp: Path) -> subprocess.CompletedProcess:
    profile = tmp / "profile"
    profile.mkdir(exist_ok=True)
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={profile}", *args]  # fmt: skip
    return subprocess.run(cmd, capture_output=True, text=True, timeout=60)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium)")
def test_rendered_in_chromium(briefing, tmp_path):
    path, _ = briefing
    done = chromium("--dump-dom", path.as_uri(), tmp=tmp_path)
    assert done.returncode == 0, done.stderr[-2000:]
    page = read(done.stdout)
    assert "script" not in page.tags  # nothing hostile became an element in the browser
    shown = page.text
    assert "Evidence briefing" in shown and "Peace treaty (1)" in shown
    assert " ".join(NOTE.split()) in shown and " ".join(MEMO.split()) in shown
    assert page.tags.count("mark") == 6
    shot = tmp_path / "briefing.png"
    done = chromium("--window-size=1000,1400", f"--screenshot={shot}", path.as_uri(), tmp=tmp_path)
    assert shot.is_file(), done.stderr[-2000:]
    assert png_pixels_vary(shot.read_bytes()) > 20


def test_csv_bom_keeps_accents(briefing, tmp_path, capsys):
    path, _ = briefing
    config = str(path.parent / "config.yaml")
    out = tmp_path / "tags.csv"
    assert cli.main(["--config", config, "export", "--format", "csv", "--bom", "-o", str(out)]) == 0
    data = out.read_bytes()
    assert data[:3] == b"\xef\xbb\xbf"
    text = data[3:].decode("utf-8")
    assert "señor Aliyev" in text and "communiqué" in text
    assert cli.main(["--config", config, "export", "--format", "csv", "-o", str(out)]) == 0
    assert out.read_bytes()[:2] == b"id"  # without --bom, none
    capsys.readouterr()
    assert cli.main(["--config", config, "export", "--format", "md", "--bom"]) == 2
    assert "--bom is for --format csv" in capsys.readouterr().err


def test_topics_as_a_tree():
    """Topics with `parent:` nest under their parent (read with getattr: the codebook's
    hierarchy), siblings in codebook order; an unknown parent makes a root."""
    from types import SimpleNamespace

    from index.briefing import _topic_tree

    def topic(tid, parent=None):
        return SimpleNamespace(
            id=tid, label=tid.title(), colour="teal", description="", parent=parent
        )

    topics = [topic("border"), topic("maps", "border"), topic("corridor"), topic("lost", "x")]
    topics.insert(2, topic("troops", "border"))
    html = _topic_tree(SimpleNamespace(topics=topics), {"maps": 2})
    page = read(html)
    assert page.tags.count("ul") == 2  # one nested list: border's children
    assert page.text == "Border (0) Maps (2) Troops (0) Corridor (0) Lost (0)"
    assert html.index("Maps") > html.index('<ul class="tree"><li>', html.index("Border"))


def test_one_source_is_counted_in_the_singular(tmp_path):
    settings = copy_corpus(tmp_path)
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article(A0), 8, ["border"])
    out = tmp_path / "one.html"
    argv = ["--config", str(settings.path), "export", "--format", "html", "-o", str(out)]
    assert cli.main(argv) == 0
    text = read(out.read_text(encoding="utf-8")).text
    assert "1 tagged passage or span in 1 source ·" in text
