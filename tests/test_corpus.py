"""Ingest: finding files, decoding, front matter and sidecar metadata, title detection,
boilerplate removal, passages and their offsets, and files that are bad in some way."""

from __future__ import annotations

import dataclasses
import gzip
import os
import re
import time
import unicodedata

import pytest
from conftest import ARTICLES

from index.build import update_index
from index.corpus import load_corpus, scan
from index.library import Library
from index.metadata import load_sidecar

# The five bundled articles' titles, as a reader sees them at the head of each page.
TITLES = {
    "000_0d42f3f6a94791ae": "Important Progress Reported in Armenia-Azerbaijan Talks",
    "001_1a5c9ff20c0ee09c": "Armenia, Azerbaijan Make Progress On Difficult Issues At "
    "U.S.-Hosted Talks, Blinken Says",
    "002_e536400ab8bce265": "Peace Deal ‘Within Reach’ in Armenia-Azerbaijan Talks",
    "003_408a409204c2d65a": "Blinken: Armenia and Azerbaijan are making progress in peace "
    "talks hosted by the United States",
    "004_bd0bc0e79d4348b1": "US points to “significant progress” in “constructive” contacts "
    "between Armenia and Azerbaijan",
}
BOILERPLATE = [
    "cookies",
    "Leave a Reply",
    "Back to top",
    "Source link",
    "Read also",
    "See Also",
    "Related Articles",
    "Image:",
    "Share it",
    'Caucasus Watch" seeks',
    "Required fields",
    "• Home",
    "| News, Politics",
    "Tags",
]


@pytest.fixture(scope="module")
def bundled(request):
    from conftest import settings_for

    tmp = request.getfixturevalue("tmp_path_factory").mktemp("corpus")
    articles, warnings = load_corpus(settings_for(ARTICLES, tmp))
    return {a.id: a for a in articles}, warnings


def _one(settings):
    articles, warnings = load_corpus(settings)
    assert len(articles) == 1, (articles, warnings)
    return articles[0], warnings


def check_passages(article):
    """Passages in reading order, numbered from 1, each exactly text[start:end]."""
    assert [p.n for p in article.passages] == list(range(1, len(article.passages) + 1))
    last_end = 0
    for p in article.passages:
        assert p.start >= last_end and p.end > p.start
        assert article.text[p.start : p.end] == p.text
        assert p.text == p.text.strip() and p.text
        assert p.pid == f"{article.id}#{p.n}"
        last_end = p.end
    for r in article.removed:
        assert 0 <= r.start <= r.end <= len(article.text)


# ---------------------------------------------------------------- the bundled five


def test_bundled_titles(bundled):
    articles, warnings = bundled
    assert warnings == []
    assert {aid: a.title for aid, a in articles.items()} == TITLES


def test_bundled_passages_have_exact_offsets(bundled):
    for a in bundled[0].values():
        check_passages(a)
        assert len(a.passages) >= 10


def test_bundled_boilerplate_is_gone_from_passages_but_kept_as_removed(bundled):
    articles = bundled[0]
    for a in articles.values():
        for p in a.passages:
            for word in BOILERPLATE:
                assert word.lower() not in p.text.lower(), (p.pid, word)
            assert p.text != a.title  # the title is not a passage too
    removed = {
        aid: " ".join(a.text[r.start : r.end] for r in a.removed) for aid, a in articles.items()
    }
    assert "cookies" in removed["000_0d42f3f6a94791ae"]
    assert "Read also" in removed["000_0d42f3f6a94791ae"]
    assert "seeks local specialists" in removed["000_0d42f3f6a94791ae"]
    assert "• Home" in removed["001_1a5c9ff20c0ee09c"]
    assert "Image: Secretary Antony Blinken/Twitter" in removed["001_1a5c9ff20c0ee09c"]
    assert "Back to top button" in removed["002_e536400ab8bce265"]
    assert "Leave a Reply" in removed["003_408a409204c2d65a"]
    assert "Asia" in removed["004_bd0bc0e79d4348b1"]
    assert "May 5. (EUROPE PRESS)" in removed["004_bd0bc0e79d4348b1"]


def test_bundled_reading_matter_is_kept(bundled):
    """Cleaning removes furniture, not the article: the first and last paragraphs a
    reader sees are the first and last passages."""
    a = bundled[0]
    first_last = {
        "000_0d42f3f6a94791ae": (
            "According to US Secretary of State",
            "RFE/RL's Armenian Service.",
        ),
        "001_1a5c9ff20c0ee09c": ("In their discussions in Washington", "Jake Sullivan."),
        "002_e536400ab8bce265": ("A peace deal to end", "told reporters on Tuesday."),
        "003_408a409204c2d65a": ("US Secretary of State Antony", "clashes along the border."),
        "004_bd0bc0e79d4348b1": ("Blinken stresses", "do not have place."),
    }
    for aid, (head, tail) in first_last.items():
        assert a[aid].passages[0].text.startswith(head), aid
        assert a[aid].passages[-1].text.endswith(tail), aid
    # "(RFE.RL) …" opens a paragraph of reading matter: it gives the outlet, stays text.
    assert any(
        p.text.startswith("(RFE.RL) Azerbaijan and Armenia made significant")
        for p in a["001_1a5c9ff20c0ee09c"].passages
    )


def test_bundled_outlets_and_dates(bundled):
    a = bundled[0]
    got = {aid: (x.source, x.date) for aid, x in a.items()}
    assert got == {
        "000_0d42f3f6a94791ae": ("Caucasus Watch", "2023-06-29"),  # sidecar
        "001_1a5c9ff20c0ee09c": ("RFE/RL", "2023-05-04"),  # credit line "(RFE.RL)"
        "002_e536400ab8bce265": (None, "2023-05-04"),  # no outlet anywhere: unknown
        "003_408a409204c2d65a": (None, "2023-06-29"),
        "004_bd0bc0e79d4348b1": ("Europa Press", "2023-05-05"),  # dateline via `outlets`
    }
    assert "basis" in a["000_0d42f3f6a94791ae"].meta  # other sidecar keys kept


def test_ingest_and_index_never_change_the_files(bundled_settings):
    before = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in ARTICLES.iterdir()}
    lib = Library(bundled_settings)
    lib.update()
    lib.article("004")
    lib.engine.search("Lachin")
    after = {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in ARTICLES.iterdir()}
    assert after == before


# ---------------------------------------------------------------- finding files


def test_reads_txt_and_md_recursively_and_notes_other_files(make_corpus):
    s = make_corpus(
        {
            "a.txt": "Title A\n\nBody a.\n",
            "deep/er/b.md": "Title B\n\nBody b.\n",
            "upper.TXT": "Title U\n\nBody u.\n",
            "photo.jpg": b"\xff\xd8\xff",
            "notes.docx": b"PK\x03\x04",
            ".hidden.txt": "Hidden\n\nNot read.\n",
        }
    )
    articles, warnings = load_corpus(s)
    assert sorted(a.id for a in articles) == ["a", "deep/er/b", "upper"]
    for name in ("photo.jpg", "notes.docx"):
        assert any(w.startswith(name) and "skipped" in w for w in warnings), warnings
    assert not any("metadata.yaml" in w for w in warnings)


def test_files_with_one_id_are_read_once_and_the_other_named(make_corpus):
    """`a/x.txt` and `a/x.md` would be one article: the second is skipped, naming the
    first; `b/x.txt` is another article. Each file listed is where it says, as it is."""
    s = make_corpus(
        {
            "a/x.md": "Title M\n\nBody m.\n",
            "a/x.txt": "Title T\n\nBody t.\n",
            "b/x.txt": "Title B\n\nBody bb.\n",
            "c.html.gz": gzip.compress(b"<html><title>Page C</title><p>Body c.</p></html>"),
        }
    )
    found = scan(s.corpus)
    assert [f.id for f in found.files] == ["c", "a/x", "b/x"]  # a folder's files first
    assert found.warnings == ["a/x.txt: skipped, same article id as a/x.md"]
    for f in found.files:
        st = os.stat(f.path)
        assert (f.size, f.mtime_ns) == (st.st_size, st.st_mtime_ns)
    assert [os.path.relpath(f.path, s.corpus) for f in found.files] == [
        "c.html.gz",
        "a/x.md",
        "b/x.txt",
    ]
    assert found.files[-1] == found.files[2] and len(found.files) == 3
    assert list(found.files) == [found.files[i] for i in range(3)]


def test_missing_corpus_folder_is_a_warning(tmp_path):
    found = scan(tmp_path / "nope")
    assert found.files == [] and "not found" in found.warnings[0]


# ---------------------------------------------------------------- front matter, metadata


def test_markdown_front_matter(make_corpus):
    s = make_corpus(
        {
            "x.md": (
                "---\ntitle: The Real Title\nsource: Daily Planet\ndate: 2021-03-04\n"
                "url: https://example.org/x\nauthor: Lois Lane\ntopics: [a, b]\n---\n"
                "Not The Title Line\n\nFirst paragraph.\n\nSecond paragraph.\n"
            )
        }
    )
    a, warnings = _one(s)
    assert warnings == []
    assert a.title == "The Real Title"
    assert (a.source, a.date, a.url) == ("Daily Planet", "2021-03-04", "https://example.org/x")
    assert a.meta["author"] == "Lois Lane" and a.meta["topics"] == "a, b"  # lists joined
    assert [p.text for p in a.passages] == [
        "Not The Title Line",
        "First paragraph.",
        "Second paragraph.",
    ]
    assert a.removed[0].reason == "front matter" and a.removed[0].start == 0
    check_passages(a)


def test_front_matter_outlet_key_and_alias(make_corpus):
    s = make_corpus({"x.md": "---\ntitle: T\noutlet: EUROPE PRESS\ndate: 5 May 2023\n---\nBody.\n"})
    a, _ = _one(s)
    assert (a.source, a.date) == ("Europa Press", "2023-05-05")


def test_bad_front_matter_is_reported_read_leniently_and_text_kept(make_corpus):
    s = make_corpus({"x.md": "---\ntitle: [unclosed\n---\nA Heading\n\nThe body stays.\n"})
    a, warnings = _one(s)
    assert any(w.startswith("x:") and "front matter line 2" in w for w in warnings), warnings
    assert a.title == "[unclosed"  # read as `key: value`, nothing guessed
    assert [p.text for p in a.passages] == ["A Heading", "The body stays."]


def test_sidecar_gives_metadata_front_matter_wins(make_corpus):
    s = make_corpus(
        {
            "metadata.yaml": "a:\n  source: Side Outlet\n  date: 2020-01-02\n  desk: world\n"
            "b:\n  source: Side B\n",
            "a.txt": "Title\n\nBody.\n",
            "b.md": "---\nsource: Front B\n---\nTitle B\n\nBody.\n",
        }
    )
    articles, _ = load_corpus(s)
    got = {a.id: (a.source, a.date, a.meta.get("desk")) for a in articles}
    assert got == {"a": ("Side Outlet", "2020-01-02", "world"), "b": ("Front B", None, None)}


def test_broken_sidecar_is_a_warning(make_corpus):
    s = make_corpus({"metadata.yaml": "a: [", "a.txt": "T\n\nBody.\n"})
    _, note = load_sidecar(s.corpus)
    assert note and "metadata.yaml" in note
    articles, warnings = load_corpus(s)
    assert len(articles) == 1 and any("metadata.yaml" in w for w in warnings)


@pytest.mark.parametrize(
    "line, source, date",
    [
        ("May 5. (EUROPE PRESS) –", "Europa Press", "2023-05-05"),  # the file's year
        ("(RFE/RL) Something happened in the capital today, officials said.", "RFE/RL", None),
        ("YEREVAN, May 4, 2023 (Reuters) - Talks ended.", "Reuters", "2023-05-04"),
    ],
)
def test_dateline_gives_outlet_and_date(make_corpus, line, source, date):
    s = make_corpus({"x.txt": f"Some Headline About Talks\n\n{line}\n\nBody paragraph.\n"})
    june_2023 = 1_686_000_000
    os.utime(s.corpus / "x.txt", (june_2023, june_2023))
    a, _ = _one(s)
    assert (a.source, a.date) == (source, date)


def test_no_metadata_means_unknown(make_corpus):
    a, _ = _one(make_corpus({"x.txt": "A Headline\n\nJust a body, with no credit line.\n"}))
    assert (a.source, a.date, a.url) == (None, None, None)


# ---------------------------------------------------------------- title detection, cleaning


def test_title_skips_breadcrumbs_section_labels_and_category_lines(make_corpus):
    s = make_corpus(
        {
            "x.txt": (
                "• Home\n  • World\n\nAsia\n\n| News, Politics\n\n"
                "Leaders Meet For Border Talks\n\nThe leaders met on Monday.\n"
            )
        }
    )
    a, _ = _one(s)
    assert a.title == "Leaders Meet For Border Talks"
    assert [p.text for p in a.passages] == ["The leaders met on Monday."]
    reasons = {a.text[r.start : r.end]: r.reason for r in a.removed}
    assert reasons["Asia"] == "section label"
    assert reasons["| News, Politics"] == "navigation"


def test_short_title_before_a_paragraph_is_the_title(make_corpus):
    """A two-word headline is a title, not a section label, when a paragraph of reading
    matter (not another heading) follows it — even one hard-wrapped over lines."""
    s = make_corpus(
        {"x.txt": "Markets Slump\n\nShares fell sharply on Monday as\ninvestors took fright.\n"}
    )
    a, _ = _one(s)
    assert a.title == "Markets Slump"
    assert [p.text for p in a.passages] == [
        "Shares fell sharply on Monday as\ninvestors took fright."
    ]


def test_markdown_heading_title(make_corpus):
    a, _ = _one(make_corpus({"x.md": "# A Markdown Headline\n\nBody text.\n"}))
    assert a.title == "A Markdown Headline"
    assert [p.text for p in a.passages] == ["Body text."]


BOILERPLATE_CASES = [
    "We use cookies to improve your experience. Accept all cookies",
    "Subscribe to our newsletter for daily updates",
    "The Daily Planet seeks local writers. Send your CV to jobs@example.org",
    "Share it...",
    "Share this article",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Back to top button",
    "Source link",
    "Image: Reuters/John Smith",
    "Photo credit: AFP",
]


@pytest.mark.parametrize("junk", BOILERPLATE_CASES)
def test_boilerplate_lines_removed(make_corpus, junk):
    s = make_corpus(
        {"x.txt": f"Headline Of The Story\n\nFirst paragraph.\n\n{junk}\n\nSecond paragraph.\n"}
    )
    a, _ = _one(s)
    assert [p.text for p in a.passages] == ["First paragraph.", "Second paragraph."]
    assert any(a.text[r.start : r.end] == junk for r in a.removed)


@pytest.mark.parametrize(
    "opener", ["Read also:", "Read more:", "See Also", "Related Articles", "Tags"]
)
def test_link_blocks_removed_with_their_headlines(make_corpus, opener):
    s = make_corpus(
        {
            "x.txt": (
                "Headline Of The Story\n\nFirst paragraph.\n\n"
                f"{opener}\n\nAnother Story Headline Here\n\nOne More Linked Headline\n\n"
                "Back to reading: this paragraph is a sentence.\n"
            )
        }
    )
    a, _ = _one(s)
    assert [p.text for p in a.passages] == [
        "First paragraph.",
        "Back to reading: this paragraph is a sentence.",
    ]


def test_cleaning_follows_config_patterns(make_corpus):
    """The rules are the config's: a new boilerplate pattern removes its lines, and
    emptying the list keeps lines the default rules would drop."""
    text = "Headline Here\n\nReal paragraph.\n\nAdvertisement\n\nSource link\n"
    s = make_corpus({"x.txt": text})
    extra = (*s.cleaning.boilerplate, re.compile("^advertisement$", re.I))
    a, _ = _one(dataclasses.replace(s, cleaning=dataclasses.replace(s.cleaning, boilerplate=extra)))
    assert [p.text for p in a.passages] == ["Real paragraph."]
    a, _ = _one(dataclasses.replace(s, cleaning=dataclasses.replace(s.cleaning, boilerplate=())))
    assert [p.text for p in a.passages] == ["Real paragraph.", "Advertisement", "Source link"]


# ---------------------------------------------------------------- canonical text, offsets


def test_crlf_bom_nfd_give_canonical_text_and_exact_offsets(make_corpus):
    nfd = unicodedata.normalize("NFD", "Mirzoián crossed the Lachín corridor.")
    raw = (
        "\ufeffTitle Of The Piece\r\n\r\nLine one of a paragraph\r\nline two.\r\n\r\n"
        f"{nfd}\r\n\r\n\r\nLast one.\r\n"
    )
    s = make_corpus({"x.txt": raw.encode("utf-8")})
    a, warnings = _one(s)
    assert warnings == []
    assert a.text[0] != "\ufeff" and "\r" not in a.text
    assert a.text == unicodedata.normalize("NFC", a.text)
    assert a.title == "Title Of The Piece"
    assert [p.text for p in a.passages] == [
        "Line one of a paragraph\nline two.",
        "Mirzoián crossed the Lachín corridor.",
        "Last one.",
    ]
    check_passages(a)


def test_old_mac_line_endings(make_corpus):
    a, _ = _one(make_corpus({"x.txt": b"Title Here\r\rBody one.\r\rBody two.\r"}))
    assert [p.text for p in a.passages] == ["Body one.", "Body two."]
    check_passages(a)


# ---------------------------------------------------------------- bad files


def test_invalid_utf8_is_decoded_with_a_warning_naming_the_file(make_corpus):
    s = make_corpus({"bad.txt": b"A Title\n\nPrice \xa3100 paid.\n", "good.txt": "G\n\nOk.\n"})
    articles, warnings = load_corpus(s)
    bad = next(a for a in articles if a.id == "bad")
    assert bad.passages[0].text == "Price £100 paid."
    assert [w for w in warnings if w.startswith("bad:") and "UTF-8" in w]
    assert len(articles) == 2


@pytest.mark.parametrize("content", [b"", b"   \n\n  ", b"\x00\x01\x02\x03binary\x00"])
def test_empty_and_binary_files_are_skipped_with_a_warning(make_corpus, content):
    s = make_corpus({"junk.txt": content, "good.txt": "Good Title\n\nGood body.\n"})
    articles, warnings = load_corpus(s)
    assert [a.id for a in articles] == ["good"]
    assert [w for w in warnings if w.startswith("junk:") and "skipped" in w]


def test_symlink_loop_does_not_hang(make_corpus):
    s = make_corpus({"sub/a.txt": "Title A\n\nBody.\n", "b.txt": "Title B\n\nBody.\n"})
    os.symlink(s.corpus, s.corpus / "sub" / "loop")
    os.symlink(s.corpus / "sub", s.corpus / "sub" / "self")
    t0 = time.monotonic()
    articles, warnings = load_corpus(s)
    assert time.monotonic() - t0 < 5
    assert sorted(a.id for a in articles) == ["b", "sub/a"]
    assert any("link" in w for w in warnings)


def test_dangling_symlink_is_a_warning(make_corpus):
    s = make_corpus({"a.txt": "Title A\n\nBody.\n"})
    os.symlink(s.corpus / "gone.txt", s.corpus / "dangling.txt")
    articles, warnings = load_corpus(s)
    assert [a.id for a in articles] == ["a"]
    assert any(w.startswith("dangling") for w in warnings)


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads files whatever their mode"
)
def test_unreadable_file_is_a_warning(make_corpus):
    s = make_corpus({"locked.txt": "Title\n\nSecret.\n", "ok.txt": "Title\n\nFine.\n"})
    os.chmod(s.corpus / "locked.txt", 0)
    try:
        articles, warnings = load_corpus(s)
    finally:
        os.chmod(s.corpus / "locked.txt", 0o644)
    assert [a.id for a in articles] == ["ok"]
    assert any(w.startswith("locked") and "cannot be read" in w for w in warnings)


def test_unreadable_file_even_as_root(make_corpus):
    """A path that cannot be opened (a folder named like an article) is reported and the
    rest still read, whoever runs the tests."""
    s = make_corpus({"ok.txt": "Title\n\nFine.\n"})
    (s.corpus / "folder.txt").mkdir()
    (s.corpus / "folder.txt" / "inner.txt").write_text("Inner\n\nText.\n")
    fifo = s.corpus / "pipe.txt"
    os.mkfifo(fifo)
    t0 = time.monotonic()
    articles, warnings = load_corpus(s)
    assert time.monotonic() - t0 < 5
    assert sorted(a.id for a in articles) == ["folder.txt/inner", "ok"]
    assert any(w.startswith("pipe") for w in warnings), warnings


def test_one_bad_file_never_stops_the_rest(make_corpus):
    files: dict[str, str | bytes] = {f"a{i:02}.txt": f"Title {i}\n\nBody {i}.\n" for i in range(10)}
    files.update({"a03.txt": b"\x00\x00", "a05.txt": b"", "a07.txt": b"T\n\n\xff\xfe oops\n"})
    articles, warnings = load_corpus(make_corpus(files))
    assert len(articles) + 2 == 10
    assert len(warnings) == 3


@pytest.mark.slow
def test_five_megabyte_article_indexes_and_searches(make_corpus):
    para = (
        "The delegations met again in Geneva to discuss the corridor, and the "
        "talks went on late into the night without any agreement being reached. "
    )
    paras = [f"{para * 3}Paragraph marker zq{i}x." for i in range(12_000)]
    text = "A Very Long Article\n\n" + "\n\n".join(paras) + "\n\nThe final word is zebra.\n"
    assert len(text.encode()) > 5_000_000
    s = make_corpus({"big.txt": text})
    lib = Library(s)
    report = lib.update()
    assert report.articles == 1 and report.passages == 12_001
    assert lib.engine.search("zebra").passages[0].pid == "big#12001"
    assert lib.engine.search("zq5000x").passages[0].pid == "big#5001"


def test_utf16_with_a_byte_order_mark_is_read(make_corpus):
    """Notepad's "Unicode" files are UTF-16 with a BOM: read, not skipped as binary."""
    settings = make_corpus({})
    text = "Talks in Brussels\n\nThe ministers met on the Lachin corridor.\n"
    (settings.corpus / "notepad.txt").write_bytes(text.encode("utf-16"))
    report = update_index(settings)
    assert report.articles == 1 and report.warnings == []
    assert Library(settings).engine.search("Lachin").total == 1


def test_editing_metadata_yaml_updates_the_articles_it_changes(make_corpus):
    """A user fixes an outlet or a date in metadata.yaml: the next update re-reads the
    articles whose entry changed (their files did not), and only those."""
    from index.library import Library

    files = {
        "a.txt": "Harbour talks resume.\n\nThe ferry company met the port.\n",
        "b.txt": "Harbour strike ends.\n\nDockers return.\n",
        "metadata.yaml": "a:\n  source: Wire Won\n  date: 2024-01-02\nb:\n  source: Wire Two\n",
    }
    settings = make_corpus(files)
    lib = Library(settings)
    lib.update()
    assert lib.infos["a"].source == "Wire Won"
    fixed = files["metadata.yaml"].replace("Wire Won", "Wire One").replace("01-02", "01-03")
    make_corpus({"metadata.yaml": fixed})
    report = lib.update()
    assert report.reindexed == 1 and not report.rebuilt, report.summary()
    assert (lib.infos["a"].source, lib.infos["a"].date) == ("Wire One", "2024-01-03")
    assert lib.engine.search('outlet:"Wire One"').total == 2  # the index knows it too
    assert lib.engine.search('outlet:"Wire Won"').total == 0
    assert lib.update().reindexed == 0  # and then nothing more to do
