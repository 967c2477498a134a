"""Editing the codebook in config.yaml: add topics, change their label, colour, key,
description or parent, written back with the file's comments and layout kept
(ruamel.yaml round trip). One function, edit_topics, serves the QDC import
(`dossier codebook import`) and the app's topic editor.

The edited text is checked as a whole config (config.settings_from_text, plus the
caller's check, e.g. the reader's key checks) before it replaces the file, atomically:
an edit that would make config.yaml invalid is refused with the reason and the file is
left as it was. Topic ids are never changed here: tags hold topic ids, so a rename is a
label change and every tag keeps its topic.
"""

from __future__ import annotations

import copy
import io
import re
import threading
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree as ET

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from .atomic import write_atomic
from .config import Settings, settings_from_text
from .errors import ConfigError, DossierError

FIELDS = ("label", "key", "colour", "description", "parent")
_KEEP = object()  # a field a change leaves as it is
_EDITING = threading.Lock()  # one read-change-write of config.yaml at a time (the app's workers)


class CodebookError(DossierError):
    """A codebook edit or import that cannot be made (the file is left as it was)."""

    exit_code = 2


@dataclass(frozen=True, slots=True)
class TopicChange:
    """A topic to add (id not in the codebook) or to change (only the fields given;
    parent=None or key="" removes that key)."""

    id: str
    fields: dict = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class CodebookResult:
    settings: Settings  # the config as written (or as it was when nothing changed)
    changes: tuple[str, ...]  # what changed, one line each, for the user

    @property
    def changed(self) -> bool:
        return bool(self.changes)


def _yaml() -> YAML:
    y = YAML(typ="rt")
    y.preserve_quotes = True
    y.width = 4096  # never fold a long regular expression
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def _new_topic(change: TopicChange) -> CommentedMap:
    topic = CommentedMap()
    topic["id"] = change.id
    for name in FIELDS:
        value = change.fields.get(name)
        if value not in (None, ""):
            topic[name] = value
    return topic


def _insert(topics: CommentedSeq, new: CommentedMap, parent: str | None) -> None:
    """A sub-topic goes after its parent's last descendant, a topic at the end. The
    comment lines that follow the list (above the next key) are held by its last item:
    they move to the new last item, so they stay above that key."""
    at = len(topics)
    if parent:
        family = {parent}
        for i, t in enumerate(topics):
            if isinstance(t, dict) and (str(t.get("id")) in family or t.get("parent") in family):
                family.add(str(t.get("id")))
                at = i + 1
    if at == len(topics) and topics and isinstance(topics[-1], CommentedMap) and topics[-1]:
        last = topics[-1]
        key = list(last)[-1]
        token = (last.ca.items.get(key) or [None, None, None])[2]
        if token is not None and "\n" in token.value:
            own, _, after = token.value.partition("\n")
            if after.strip():
                token.value = own + "\n"
                moved = copy.copy(token)
                moved.value = "\n" + after
                new.ca.items[list(new)[-1]] = [None, None, moved, None]
    topics.insert(at, new)


def _apply(topics: CommentedSeq, change: TopicChange) -> str | None:
    """Apply one change to the YAML topics; the line saying what changed, or None."""
    item = next((t for t in topics if isinstance(t, dict) and str(t.get("id")) == change.id), None)
    if item is None:
        if not change.fields.get("label"):
            raise CodebookError(f"new topic '{change.id}' needs a label")
        parent = change.fields.get("parent")
        _insert(topics, _new_topic(change), parent)
        return f"added topic '{change.id}' ({change.fields['label']})" + (
            f" under '{parent}'" if parent else ""
        )
    said = []
    for name in FIELDS:
        new = change.fields.get(name, _KEEP)
        if new is _KEEP:
            continue
        old = item.get(name)
        old_text = "" if old is None else str(old)
        new_text = "" if new is None else str(new)
        if old_text == new_text:
            continue
        if new_text:
            item[name] = new_text
        else:
            del item[name]
        said.append(f"{name} {old_text or '(none)'} → {new_text or '(none)'}")
    return f"changed topic '{change.id}': " + ", ".join(said) if said else None


def edit_topics(
    config: Path,
    changes: Iterable[TopicChange],
    check: Callable[[Settings], None] | None = None,
) -> CodebookResult:
    """Apply the changes to config.yaml's topics and write it back (comments kept),
    after checking the result is a valid config (and passes `check`). Raises
    CodebookError (nothing written) with the reason when it would not be."""
    with _EDITING:
        return _edit_topics(Path(config), list(changes), check)


def _edit_topics(
    config: Path, changes: list[TopicChange], check: Callable[[Settings], None] | None
) -> CodebookResult:
    try:
        text = config.read_text(encoding="utf-8")
    except OSError as exc:
        raise CodebookError(f"{config}: cannot read it ({exc.strerror})") from None
    y = _yaml()
    try:
        data = y.load(text)
    except YAMLError as exc:
        raise CodebookError(f"{config}: not valid YAML ({exc})") from None
    if data is None:
        data = CommentedMap()
    if not isinstance(data, dict):
        raise CodebookError(f"{config}: the file must be a mapping of settings")
    if data.get("topics") is None:
        data["topics"] = CommentedSeq()
    topics = data["topics"]
    if not isinstance(topics, list):
        raise CodebookError(f"{config}: `topics` must be a list")
    said = [line for c in changes if (line := _apply(topics, c))]
    if not said:
        return CodebookResult(settings_from_text(config.resolve(), text), ())
    out = io.StringIO()
    y.dump(data, out)
    new_text = out.getvalue()
    try:
        settings = settings_from_text(config.resolve(), new_text)
        if check:
            check(settings)
    except ConfigError as exc:
        raise CodebookError(
            f"not changed: config.yaml would become invalid: {exc.reason}"
            + (f" (at {exc.key})" if exc.key else "")
        ) from None
    _write(config.resolve(), new_text)  # a linked config.yaml stays a link
    return CodebookResult(settings, tuple(said))


def _write(path: Path, text: str) -> None:
    try:
        write_atomic(path, text)  # keeps the file's permissions
    except OSError as exc:
        raise CodebookError(f"{path}: cannot write ({exc.strerror})") from None


# Colours offered to a new topic, the first one no topic has yet.
# Light enough to read as a margin mark on a dark theme, dark enough on a light one.
NEW_COLOURS = ("#4cc9f0", "#f4a261", "#8ab17d", "#b5838d", "#a98bd4", "#5fa8d3", "#e63946")
FREE_KEYS = "1234567890"  # digits never shadow a reading key


def new_topic(settings: Settings, label: str, parent: str | None = None) -> TopicChange:
    """A topic to add under `label`: its id the label's slug (made unique), the first
    free digit as its key (none when all are taken), an unused colour."""
    label = " ".join(label.split())
    if not label:
        raise CodebookError("a topic needs a label")
    ids = {t.id for t in settings.topics}
    base = slug(label)
    new, n = base, 2
    while new in ids:
        new, n = f"{base}-{n}", n + 1
    keys = {t.key for t in settings.topics}
    colours = {t.colour.lower() for t in settings.topics}
    fields: dict = {"label": label, "parent": parent}
    fields["key"] = next((k for k in FREE_KEYS if k not in keys), "")
    fields["colour"] = next((c for c in NEW_COLOURS if c not in colours), NEW_COLOURS[0])
    return TopicChange(new, fields)


# --- QDC import ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Code:
    name: str
    colour: str
    description: str
    parent: Code | None


def slug(name: str) -> str:
    """A topic id from a code's name: lower case, words joined by '-'."""
    return re.sub(r"[^\w]+", "-", name.strip().lower()).strip("-_") or "topic"


def read_codes(path: Path) -> list[Code]:
    """The codes of a .qdc codebook (or of a .qdpx project's codebook), parents first.
    Raises CodebookError for a file that is not one."""
    try:
        data = path.read_bytes()
        if zipfile.is_zipfile(path):
            with zipfile.ZipFile(path) as z:
                data = z.read("project.qde")
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise CodebookError(f"{path}: cannot read a codebook from it ({exc})") from None
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        raise CodebookError(f"{path}: refused: the XML declares a DOCTYPE or entities")
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise CodebookError(f"{path}: not XML ({exc})") from None
    ns = root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    codes_el = root.find(f"{ns}Codes") if root.tag == f"{ns}CodeBook" else None
    if codes_el is None:
        codes_el = root.find(f"{ns}CodeBook/{ns}Codes")
    if codes_el is None:
        raise CodebookError(f"{path}: no CodeBook/Codes in it (is it a REFI-QDA .qdc?)")
    out: list[Code] = []

    def walk(el: ET.Element, parent: Code | None) -> None:
        for c in el.findall(f"{ns}Code"):
            name = (c.get("name") or "").strip()
            if not name:
                raise CodebookError(f"{path}: a code has no name")
            code = Code(name, c.get("color") or "", (c.findtext(f"{ns}Description") or ""), parent)
            out.append(code)
            walk(c, code)

    walk(codes_el, None)
    return out


def import_changes(settings: Settings, codes: list[Code]) -> list[TopicChange]:
    """The changes that merge `codes` into the codebook: a code matches the topic with
    its slug as id or its name as label (any case) and updates it; others are added
    with a free digit key while there is one, and an unused colour when they have none.
    A nested code sets its topic's parent; a top-level one leaves the parent as it is
    (a flat codebook, as Taguette writes, does not undo the tree)."""
    by_label = {t.label.casefold(): t.id for t in settings.topics}
    ids = {t.id for t in settings.topics}
    keys = {t.key for t in settings.topics}
    free = [k for k in FREE_KEYS if k not in keys]
    colours = [c for c in NEW_COLOURS if c not in {t.colour.lower() for t in settings.topics}]
    id_of: dict[int, str] = {}
    out: list[TopicChange] = []
    for code in codes:
        known = slug(code.name) if slug(code.name) in ids else by_label.get(code.name.casefold())
        fields: dict = {"label": code.name}
        if code.parent:
            fields["parent"] = id_of[id(code.parent)]
        if code.colour:
            fields["colour"] = code.colour
        elif known is None and colours:
            fields["colour"] = colours.pop(0)
        if code.description:
            fields["description"] = code.description
        if known is None:
            new, n = slug(code.name), 2
            while new in ids:
                new, n = f"{slug(code.name)}-{n}", n + 1
            ids.add(new)
            if free:
                fields["key"] = free.pop(0)
            known = new
        id_of[id(code)] = known
        out.append(TopicChange(known, fields))
    return out
