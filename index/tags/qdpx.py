"""REFI-QDA exchange: the tags as a QDPX project, the codebook as a QDC file.

A .qdpx is a zip holding `project.qde` (QDA-XML, urn:QDA-XML:project:1.0) and
`sources/<guid>.txt`, one per article: its reading text (index/reading_text.py), so a
QDA tool shows what the reader shows. Each tag is a PlainTextSelection whose offsets
(code points, end exclusive) cut out the tagged passage or span in that text; each of
its topics is a Coding naming its coder (a User) and pointing at a Code; topics are
Codes nested by `parent:`; a tag's note is a Note the selection refers to (NoteRef);
memos are Notes referred to from their article's source, their topic's code, or the
project. Tags whose text is gone (orphaned) or was all removed by cleaning are left
out and listed in the report. Every GUID is a uuid5 of what it stands for, and no
clock is read, so exporting the same tags twice gives the same bytes.
"""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from ..config import Settings, Topic
from ..model import Article
from ..reading_text import ReadingText, reading_text
from ..topics import tree
from .model import short

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
ORIGIN = "dossier"
_GUIDS = uuid.uuid5(uuid.NAMESPACE_URL, "urn:dossier:qdpx")
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # fixed, so the same tags give the same file
UNKNOWN_CODER = "unknown"
Progress = Callable[[str, int, int], None]  # (phase, done, total)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text: str) -> str:
    """Untrusted text (titles, notes) without the characters XML 1.0 cannot hold."""
    return _NOT_XML.sub("", text)


def guid(kind: str, key: str) -> str:
    """The GUID of one thing (an article, a topic, a tag...), the same every export."""
    return str(uuid.uuid5(_GUIDS, f"{kind}:{key}"))


@dataclass
class QdpxReport:
    """What an export left out: tag id -> why (orphaned, removed by cleaning...)."""

    left_out: dict[str, str] = field(default_factory=dict)
    sources: int = 0
    selections: int = 0


def hex_colour(colour: str) -> str | None:
    """#rrggbb for the colour forms a QDA tool reads (#rgb, #rrggbb, with or without
    alpha; rgb()); None for a colour name (then the code has no colour)."""
    c = colour.strip().lower()
    if c.startswith("#") and len(c) in (4, 5):
        c = "#" + "".join(ch * 2 for ch in c[1:4])
    if c.startswith("#") and len(c) in (7, 9):
        return c[:7]
    if c.startswith("rgb"):
        parts = c[c.find("(") + 1 : c.rfind(")")].split(",")[:3]
        try:
            nums = [p.strip() for p in parts]
            vals = [
                round(float(n[:-1]) * 2.55) if n.endswith("%") else round(float(n)) for n in nums
            ]
        except ValueError:
            return None
        return "#" + "".join(f"{max(0, min(255, v)):02x}" for v in vals)
    return None


# --- codes ---------------------------------------------------------------------------


def _codes(parent: ET.Element, ns: str, topics: list[Topic], notes_of: dict[str, list[str]]):
    """Codes for the topics, nested by parent (Description, NoteRef, Code, in that order)."""
    made: dict[str, ET.Element] = {}
    for t, _depth in tree(topics):
        where = made.get(t.parent) if t.parent else None
        attrs = {"guid": guid("topic", t.id), "name": xml_text(t.label), "isCodable": "true"}
        colour = hex_colour(t.colour)
        if colour:
            attrs["color"] = colour
        code = ET.SubElement(where if where is not None else parent, f"{{{ns}}}Code", attrs)
        if t.description:
            ET.SubElement(code, f"{{{ns}}}Description").text = xml_text(t.description)
        for note in notes_of.get(t.id, ()):
            ET.SubElement(code, f"{{{ns}}}NoteRef", targetGUID=note)
        made[t.id] = code
    return made


def codebook_topics(settings: Settings, used: Iterable[str] = ()) -> list[Topic]:
    """The codebook's topics, then any topic id a tag uses that the codebook lacks."""
    known = {t.id for t in settings.topics}
    extra = [Topic(t, t, "", "") for t in dict.fromkeys(used) if t not in known]
    return [*settings.topics, *extra]


def export_qdc(settings: Settings) -> bytes:
    """The codebook alone as QDC (urn:QDA-XML:codebook:1.0)."""
    ET.register_namespace("", CODEBOOK_NS)
    root = ET.Element(f"{{{CODEBOOK_NS}}}CodeBook", origin=ORIGIN)
    codes = ET.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    _codes(codes, CODEBOOK_NS, list(settings.topics), {})
    return _xml(root)


# --- the project ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Tag:
    id: str
    article: str
    topics: tuple[str, ...]
    note: str
    start: int
    end: int
    coder: str
    created: str
    updated: str


def _tags(rows: list[dict]) -> tuple[list[_Tag], dict[str, str]]:
    """Rows (one per tag and topic) as tags, and the orphaned ones left out."""
    out: dict[str, _Tag] = {}
    left_out: dict[str, str] = {}
    for r in rows:
        if r["status"] == "orphaned" or r["start"] is None:
            where = r.get("pid") or r["article"]
            quote = short(r["quote"] or "", 50)
            left_out[r["id"]] = f"orphaned in {where}: “{quote}” is no longer there"
            continue
        have = out.get(r["id"])
        topics = (*have.topics, r["topic"]) if have else (r["topic"],)
        out[r["id"]] = _Tag(
            r["id"],
            r["article"],
            tuple(dict.fromkeys(topics)),
            r.get("note") or "",
            r["start"],
            r["end"],
            r.get("coder") or UNKNOWN_CODER,
            r.get("created") or "",
            r.get("updated") or "",
        )
    return list(out.values()), left_out


def _stamp(value: str) -> dict[str, str]:
    """creationDateTime when the stamp is a full ISO date-time (xsd:dateTime)."""
    return {"creationDateTime": value} if value and "T" in value else {}


def export_qdpx(
    rows: list[dict],
    settings: Settings,
    articles: Callable[[str], Article | None],
    article_ids: Iterable[str] = (),
    memos: Iterable = (),
    project: str = "dossier",
    progress: Progress | None = None,
) -> tuple[bytes, QdpxReport]:
    """The QDPX zip of the tags in `rows` (evidence rows), with a source for every
    article of article_ids and of the tags; memos are tagstore Memo objects. progress
    (phase, done, total) hears each phase start and every 250 articles read."""
    report = QdpxReport()
    tell = progress or (lambda _phase, _done, _total: None)
    tags, report.left_out = _tags(rows)
    memos = list(memos)
    ET.register_namespace("", PROJECT_NS)
    q = f"{{{PROJECT_NS}}}"

    # Articles: their reading text; a tag outside it is left out.
    texts: dict[str, tuple[Article, ReadingText]] = {}
    wanted = sorted({*article_ids, *(t.article for t in tags)})
    for i, aid in enumerate(wanted):
        if i % 250 == 0:
            tell("reading articles", i, len(wanted))
        art = articles(aid)
        if art is not None:
            texts[aid] = (art, reading_text(art))
    spans: dict[str, tuple[int, int]] = {}
    for t in tags:
        if t.article not in texts:
            report.left_out[t.id] = f"article {t.article} is not in the corpus any more"
            continue
        span = texts[t.article][1].span(t.start, t.end)
        if span is None:
            report.left_out[t.id] = f"{t.article}: the tagged text was removed by cleaning"
            continue
        spans[t.id] = span
    tags = [t for t in tags if t.id in spans]

    coders = sorted(
        {t.coder for t in tags} | {getattr(m, "coder", "") or UNKNOWN_CODER for m in memos}
    )
    project_el = ET.Element(f"{q}Project", name=project, origin=ORIGIN)
    stamps = [t.updated for t in tags] + [getattr(m, "updated", "") for m in memos]
    if latest := max((s for s in stamps if s and "T" in s), default=""):
        project_el.set("creationDateTime", latest)
    if coders:
        users = ET.SubElement(project_el, f"{q}Users")
        for c in coders:
            ET.SubElement(users, f"{q}User", guid=guid("user", c), name=xml_text(c))

    # Memos: on an article, a topic, or the project.
    memo_notes: dict[tuple[str, str], list[str]] = {}
    for m in memos:
        article, topic = getattr(m, "article", None), getattr(m, "topic", None)
        key = ("article", article) if article else ("topic", topic) if topic else ("project", "")
        memo_notes.setdefault(key, []).append(guid("memo", str(m.id)))

    topics = codebook_topics(settings, (x for t in tags for x in t.topics))
    if topics:
        book = ET.SubElement(project_el, f"{q}CodeBook")
        codes = ET.SubElement(book, f"{q}Codes")
        topic_notes = {k[1]: v for k, v in memo_notes.items() if k[0] == "topic"}
        _codes(codes, PROJECT_NS, topics, topic_notes)

    files: dict[str, str] = {}
    if texts:
        sources = ET.SubElement(project_el, f"{q}Sources")
        by_article: dict[str, list[_Tag]] = {}
        for t in sorted(tags, key=lambda t: (spans[t.id], t.id)):
            by_article.setdefault(t.article, []).append(t)
        for aid, (art, rt) in texts.items():
            sguid = guid("article", aid)
            files[f"sources/{sguid}.txt"] = rt.text
            src = ET.SubElement(
                sources,
                f"{q}TextSource",
                guid=sguid,
                name=xml_text(art.title or aid),
                plainTextPath=f"internal://{sguid}.txt",
            )
            about = " · ".join(x for x in (art.source, art.date, art.url, aid) if x)
            ET.SubElement(src, f"{q}Description").text = xml_text(about)
            report.sources += 1
            for t in by_article.get(aid, ()):
                _selection(src, t, spans[t.id], rt.text, q)
                report.selections += 1
            for note in memo_notes.get(("article", aid), ()):
                ET.SubElement(src, f"{q}NoteRef", targetGUID=note)

    notes = [(guid("note", t.id), t.coder, t.created, f"Note on {t.article}", t.note) for t in tags]
    notes = [n for n in notes if n[4]]
    for m in memos:
        about = getattr(m, "article", None) or getattr(m, "topic", None) or "the project"
        notes.append(
            (
                guid("memo", str(m.id)),
                getattr(m, "coder", "") or UNKNOWN_CODER,
                getattr(m, "created", "") or "",
                f"Memo on {about}",
                getattr(m, "text", "") or "",
            )
        )
    if notes:
        notes_el = ET.SubElement(project_el, f"{q}Notes")
        for ng, coder, created, name, text in notes:
            note = ET.SubElement(
                notes_el,
                f"{q}Note",
                guid=ng,
                name=xml_text(name),
                creatingUser=guid("user", coder),
                **_stamp(created),
            )
            ET.SubElement(note, f"{q}PlainTextContent").text = xml_text(text)
    for note in memo_notes.get(("project", ""), ()):
        ET.SubElement(project_el, f"{q}NoteRef", targetGUID=note)

    tell("writing the zip", 0, 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        _put(z, "project.qde", _xml(project_el))
        for name, text in files.items():
            _put(z, name, text.encode("utf-8"))
    return buf.getvalue(), report


def _selection(src: ET.Element, t: _Tag, span: tuple[int, int], text: str, q: str) -> None:
    user = guid("user", t.coder)
    sel = ET.SubElement(
        src,
        f"{q}PlainTextSelection",
        guid=guid("tag", t.id),
        name=xml_text(short(text[span[0] : span[1]], 50)),
        startPosition=str(span[0]),
        endPosition=str(span[1]),
        creatingUser=user,
        **_stamp(t.created),
    )
    for topic in t.topics:
        coding = ET.SubElement(
            sel,
            f"{q}Coding",
            guid=guid("coding", f"{t.id}:{topic}"),
            creatingUser=user,
            **_stamp(t.updated or t.created),
        )
        ET.SubElement(coding, f"{q}CodeRef", targetGUID=guid("topic", topic))
    if t.note:
        ET.SubElement(sel, f"{q}NoteRef", targetGUID=guid("note", t.id))


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _put(z: zipfile.ZipFile, name: str, data: bytes) -> None:
    info = zipfile.ZipInfo(name, _ZIP_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    z.writestr(info, data)
