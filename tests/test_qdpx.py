"""QDPX and QDC export on the bundled corpus: the project validates against the shared
REFI-QDA schema, every selection cuts out exactly the tagged text of the source file,
topics nest, notes and memos are attached, each coding names its coder."""

from __future__ import annotations

import io
import zipfile
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace
from xml.etree import ElementTree as ET

import pytest
import xmlschema
import yaml
from helpers_tags import copy_corpus, make_article, open_store, plain_settings

import tui.cli as cli
from index.article_source import LibraryArticles
from index.config import Topic
from index.exports import write_export
from index.library import Library
from index.tags import TagStore
from index.tags.evidence import rows
from index.tags.exporters import ExportContext
from index.tags.qdpx import export_qdc, guid, hex_colour

XSD = Path(__file__).resolve().parents[2] / "shared" / "specs" / "refi-qda" / "Project.xsd"
Q = "{urn:QDA-XML:project:1.0}"
A0, A1, A2, A4 = (
    "000_0d42f3f6a94791ae",
    "001_1a5c9ff20c0ee09c",
    "002_e536400ab8bce265",
    "004_bd0bc0e79d4348b1",
)
LACHIN = Topic(
    "lachin", "Lachin checkpoint", "4", "#264653", "The checkpoint itself.", parent="corridor"
)


@pytest.fixture(scope="module")
def schema() -> xmlschema.XMLSchema:
    if not XSD.is_file():
        pytest.skip(f"REFI-QDA schema not found at {XSD}")
    return xmlschema.XMLSchema(str(XSD))


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    """The bundled corpus with a sub-topic (lachin under corridor) and tags by two
    coders: passages, a span, a span across a removed dateline, notes, memos, one tag
    whose text is gone."""
    base = copy_corpus(tmp_path_factory.mktemp("qdpx"))
    settings = replace(base, topics=(*base.topics, LACHIN))
    lib = Library(settings)
    alice = TagStore.open(replace(settings, coder="alice"), lib)
    a0, a1, a2, a4 = (lib.article(a) for a in (A0, A1, A2, A4))
    alice.add_passage(a0, 3, ["border", "treaty"], "a promise, not a plan")
    p = a1.passage(10)
    start = p.start + p.text.index("Lachin")
    alice.add(a1, start, start + len("Lachin corridor"), ["lachin"], "the place")
    alice.set_memo("The outlet quotes only officials.", article=A2)
    gone = alice.add_passage(a2, 2, ["treaty"])
    bob = TagStore.open(replace(settings, coder="bob"), lib)
    bob.add_passage(a2, 8, ["corridor", "treaty"])
    first, second = a4.passage(1), a4.passage(2)
    bob.add(a4, first.end - 12, second.start + 20, ["treaty"])  # across the dateline
    bob.set_memo("Delimitation means maps first.", topic="border")
    # The text of one tag changes under it: it is orphaned and left out.
    raw = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    for e in raw["entries"]:
        if e["id"] == gone.id:
            e["anchor"].update(exact="words this article never had", prefix="", suffix="")
    settings.tags_file.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    store = TagStore.open(settings, lib)
    context = ExportContext(
        articles=LibraryArticles(settings, lib),
        article_ids=tuple(lib.infos),
        memos=tuple(store.memos()),
    )
    target = settings.tags_file.parent / "study.qdpx"
    n = write_export(rows(store, lib.infos, settings), "qdpx", target, settings, context)
    return SimpleNamespace(
        settings=settings, lib=lib, store=store, target=target, n=n, context=context, gone=gone.id
    )


def project(target: Path) -> tuple[ET.Element, zipfile.ZipFile]:
    z = zipfile.ZipFile(target)
    return ET.fromstring(z.read("project.qde")), z


def source_text(z: zipfile.ZipFile, src: ET.Element) -> str:
    path = src.get("plainTextPath")
    assert path.startswith("internal://")
    return z.read("sources/" + path.removeprefix("internal://")).decode("utf-8")


def reader_text(article, start: int, end: int) -> str:
    """What the reader shows of canonical [start, end): the passages' pieces, joined by
    the blank line between passages (what cleaning removed between them is not shown)."""
    pieces = [
        p.text[max(start, p.start) - p.start : min(end, p.end) - p.start]
        for p in article.passages
        if p.start < end and start < p.end
    ]
    return "\n\n".join(pieces)


def test_project_validates_against_the_refi_qda_schema(study, schema):
    _, z = project(study.target)
    schema.validate(z.read("project.qde").decode("utf-8"))
    assert z.namelist()[0] == "project.qde"
    assert all(n == "project.qde" or n.startswith("sources/") for n in z.namelist())


def test_every_selection_cuts_out_the_tagged_text(study):
    lib, store, context, gone = study.lib, study.store, study.context, study.gone
    root, z = project(study.target)
    by_sel = {guid("tag", a.entry.id): a for a in store.resolve_all()}
    checked = 0
    for src in root.iter(f"{Q}TextSource"):
        text = source_text(z, src)
        aid = next(a for a in lib.infos if guid("article", a) == src.get("guid"))
        article = lib.article(aid)
        assert text == "\n\n".join(p.text for p in article.passages)  # what the reader shows
        for sel in src.iter(f"{Q}PlainTextSelection"):
            tag = by_sel[sel.get("guid")]
            start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
            assert text[start:end] == reader_text(article, tag.start, tag.end)
            if len(tag.passages) == 1:
                assert text[start:end] == tag.entry.quote
            checked += 1
    assert checked == study.n == 4
    across = next(a for a in store.resolve_all() if a.entry.article == A4)
    assert "EUROPE PRESS" in across.entry.quote  # the removed dateline is not exported
    assert gone in context.left_out and "orphaned" in context.left_out[gone]
    assert sum(1 for _ in root.iter(f"{Q}PlainTextSelection")) == 4


def test_codes_nest_with_colour_and_description(study):
    root, _ = project(study.target)
    codes = root.find(f"{Q}CodeBook/{Q}Codes")
    top = {c.get("name"): c for c in codes.findall(f"{Q}Code")}
    assert list(top) == ["Border", "Corridor", "Peace treaty"]
    child = top["Corridor"].find(f"{Q}Code")
    assert child.get("name") == "Lachin checkpoint" and child.get("color") == "#264653"
    assert child.findtext(f"{Q}Description") == "The checkpoint itself."
    assert top["Border"].get("color") == "#e9c46a"


def test_codings_name_their_coder_and_notes_are_attached(study):
    root, _ = project(study.target)
    users = {u.get("name"): u.get("guid") for u in root.iter(f"{Q}User")}
    assert set(users) == {"alice", "bob"}
    notes = {n.get("guid"): n.findtext(f"{Q}PlainTextContent") for n in root.iter(f"{Q}Note")}
    codes = {c.get("guid"): c.get("name") for c in root.iter(f"{Q}Code")}
    seen = {}
    sels = {s.get("guid"): s for s in root.iter(f"{Q}PlainTextSelection")}
    for a in study.store.resolve_all():
        sel = sels.get(guid("tag", a.entry.id))
        if sel is None:
            continue
        codings = sel.findall(f"{Q}Coding")
        assert {c.get("creatingUser") for c in codings} == {users[a.entry.coder]}
        named = [codes[c.find(f"{Q}CodeRef").get("targetGUID")] for c in codings]
        attached = [notes[r.get("targetGUID")] for r in sel.findall(f"{Q}NoteRef")]
        seen[a.entry.article] = (named, attached)
    assert seen[A0] == (["Border", "Peace treaty"], ["a promise, not a plan"])
    assert seen[A1] == (["Lachin checkpoint"], ["the place"])
    assert seen[A2] == (["Corridor", "Peace treaty"], [])


def test_memos_are_notes_on_their_source_and_code(study):
    root, _ = project(study.target)
    notes = {n.get("guid"): n for n in root.iter(f"{Q}Note")}
    users = {u.get("guid"): u.get("name") for u in root.iter(f"{Q}User")}
    src = next(s for s in root.iter(f"{Q}TextSource") if s.get("guid") == guid("article", A2))
    (ref,) = src.findall(f"{Q}NoteRef")
    memo = notes[ref.get("targetGUID")]
    assert memo.findtext(f"{Q}PlainTextContent") == "The outlet quotes only officials."
    assert users[memo.get("creatingUser")] == "alice"
    border = next(c for c in root.iter(f"{Q}Code") if c.get("name") == "Border")
    (ref,) = border.findall(f"{Q}NoteRef")
    assert notes[ref.get("targetGUID")].findtext(f"{Q}PlainTextContent").startswith("Delimitation")


def test_exporting_again_gives_the_same_bytes(study):
    settings, lib, store, target = study.settings, study.lib, study.store, study.target
    again = target.with_name("again.qdpx")
    heard = []
    context = ExportContext(
        LibraryArticles(settings, lib),
        tuple(lib.infos),
        tuple(store.memos()),
        progress=lambda *said: heard.append(said),
    )
    write_export(rows(store, lib.infos, settings), "qdpx", again, settings, context)
    assert again.read_bytes() == target.read_bytes()
    assert heard == [("reading articles", 0, 5), ("writing the zip", 0, 1)]


def test_codebook_alone_as_qdc(study, schema):
    data = export_qdc(study.settings)
    root = ET.fromstring(data)
    assert root.tag == "{urn:QDA-XML:codebook:1.0}CodeBook"
    # No Codebook.xsd is shared: check the codes against the project schema's CodeType by
    # moving them into a project.
    text = data.decode("utf-8").replace("urn:QDA-XML:codebook:1.0", "urn:QDA-XML:project:1.0")
    inner = text[text.index("<Codes") : text.rindex("</CodeBook>")]
    schema.validate(
        '<Project xmlns="urn:QDA-XML:project:1.0" name="p"><CodeBook>'
        + inner
        + "</CodeBook></Project>"
    )
    names = [c.get("name") for c in root.iter("{urn:QDA-XML:codebook:1.0}Code")]
    assert names == ["Border", "Corridor", "Lachin checkpoint", "Peace treaty"]


def test_cli_export_qdpx_reports_what_it_left_out(study, monkeypatch, capsys, tmp_path):
    monkeypatch.setattr(cli, "load_settings", lambda path: study.settings)
    assert cli.main(["export", "--format", "qdpx"]) == 2
    assert "give -o FILE.qdpx" in capsys.readouterr().err
    out_file = tmp_path / "s.qdpx"
    assert cli.main(["export", "--format", "qdpx", "-o", str(out_file)]) == 0
    out = capsys.readouterr().out
    assert "4 tags exported" in out and "left out 1 tag:" in out and study.gone in out
    assert zipfile.is_zipfile(io.BytesIO(out_file.read_bytes()))


def test_hostile_text_still_makes_a_valid_project(tmp_path, schema):
    """Control characters XML cannot hold, in a title, a note and a label, are dropped
    from the XML; the source text keeps every character, and offsets still match."""
    settings = replace(
        plain_settings(tmp_path),
        topics=(Topic("t\x01", "Bell\x07 topic", "1", "#abc", "<desc> & \x0b"),),
    )
    text = "Title\x07 here\n\nA bell \x07 rings <b>&amp;</b> “here”.\n\nSecond passage."
    article = make_article(settings, text)
    store = open_store(settings, article)
    p = article.passage(1)
    store.add(article, p.start, p.end, ["t\x01"], "note \x00 with NUL")
    context = ExportContext(articles={article.id: article}.get, article_ids=(article.id,))
    target = tmp_path / "x.qdpx"
    assert write_export(rows(store, None, settings), "qdpx", target, settings, context) == 1
    root, z = project(target)
    schema.validate(z.read("project.qde").decode("utf-8"))
    src = next(root.iter(f"{Q}TextSource"))
    sel = next(src.iter(f"{Q}PlainTextSelection"))
    body = source_text(z, src)
    assert body[int(sel.get("startPosition")) : int(sel.get("endPosition"))] == p.text
    assert "\x07" in body


def test_colours_as_qda_xml_takes_them():
    assert hex_colour("#E9C46A") == "#e9c46a"
    assert hex_colour("#abc") == "#aabbcc"
    assert hex_colour("#2a9d8f80") == "#2a9d8f"  # alpha dropped
    assert hex_colour("rgb(255, 0, 10)") == "#ff000a"
    assert hex_colour("teal") is None  # a name: the code goes without a colour
