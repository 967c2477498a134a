"""The codebook: `parent:` validated, the tree, edits written back to config.yaml with
its comments kept, QDC import merging codes, invalid results refused."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import pytest
from helpers_tags import copy_corpus

from index.codebook import CodebookError, TopicChange, edit_topics, import_changes, read_codes
from index.config import load_settings
from index.errors import ConfigError
from index.library import Library
from index.tags import TagStore
from index.tags.evidence import rows
from index.tags.exporters import export_md
from index.tags.qdpx import export_qdc
from index.topics import path_label, tree
from tui.cli import codebook as cli_codebook
from tui.cli.config import check_reader_keys

ROOT = Path(__file__).resolve().parents[1]
LACHIN = """  - id: lachin
    label: Lachin checkpoint
    key: "4"
    colour: "#264653"
    parent: {parent}
"""


def config_with(tmp_path: Path, extra: str) -> Path:
    """The bundled config.yaml with `extra` topics appended to its topics list."""
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    cut = text.index("\n# Spellings")
    path = tmp_path / "config.yaml"
    path.write_text(text[:cut] + "\n" + extra + text[cut:], encoding="utf-8")
    return path


def test_parent_builds_the_tree(tmp_path):
    settings = load_settings(config_with(tmp_path, LACHIN.format(parent="corridor")))
    assert [(t.id, d) for t, d in tree(settings.topics)] == [
        ("border", 0),
        ("corridor", 0),
        ("lachin", 1),
        ("treaty", 0),
    ]
    assert path_label(settings.topics, "lachin") == "Corridor › Lachin checkpoint"
    assert path_label(settings.topics, "border") == "Border"


def test_unknown_parent_names_the_near_one_and_the_line(tmp_path):
    path = config_with(tmp_path, LACHIN.format(parent="coridor"))
    with pytest.raises(ConfigError) as err:
        load_settings(path)
    line = path.read_text(encoding="utf-8").splitlines().index("    parent: coridor") + 1
    assert err.value.line == line
    assert "did you mean 'corridor'" in err.value.message


def test_a_cycle_of_parents_is_refused(tmp_path):
    extra = LACHIN.format(parent="checkpoint") + (
        '  - id: checkpoint\n    label: Checkpoint\n    key: "5"\n    parent: lachin\n'
    )
    with pytest.raises(ConfigError) as err:
        load_settings(config_with(tmp_path, extra))
    assert "own ancestors" in err.value.message and "lachin → checkpoint → lachin" in (
        err.value.message
    )


def test_edits_keep_every_comment_and_line_of_the_file(tmp_path):
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", path)
    before = path.read_text(encoding="utf-8")
    assert not edit_topics(path, [TopicChange("border", {"label": "Border"})]).changed
    assert path.read_text(encoding="utf-8") == before  # nothing to change: not rewritten
    result = edit_topics(
        path,
        [
            TopicChange("border", {"label": "Border line", "colour": "#ff0000"}),
            TopicChange("lachin", {"label": "Lachin", "key": "4", "parent": "corridor"}),
        ],
    )
    after = path.read_text(encoding="utf-8")
    assert result.changes == (
        "changed topic 'border': label Border → Border line, colour #e9c46a → #ff0000",
        "added topic 'lachin' (Lachin) under 'corridor'",
    )
    old = [ln for ln in before.splitlines() if "label: Border" not in ln and "#e9c46a" not in ln]
    new = after.splitlines()
    assert [ln for ln in new if ln in old] == old  # every other line kept, in order
    assert sum(1 for ln in before.splitlines() if ln.lstrip().startswith("#")) == sum(
        1 for ln in new if ln.lstrip().startswith("#")
    )
    settings = load_settings(path)
    assert settings.topic("border").label == "Border line"
    assert settings.topic("lachin").parent == "corridor"


def test_a_new_topic_goes_in_its_place_and_comments_stay_with_their_key(tmp_path):
    """A sub-topic follows its parent's family; a topic added at the end leaves the
    comment lines that stood above `variants:` above it (ruamel keeps them on the list's
    last item)."""
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", path)
    edit_topics(path, [TopicChange("lachin", {"label": "Lachin", "parent": "corridor"})])
    edit_topics(path, [TopicChange("aid", {"label": "Humanitarian aid"})])
    edit_topics(path, [TopicChange("gate", {"label": "Gate", "parent": "lachin"})])
    lines = path.read_text(encoding="utf-8").splitlines()
    ids = [ln.split("id: ")[1] for ln in lines if ln.startswith("  - id: ")]
    assert ids == ["border", "corridor", "lachin", "gate", "treaty", "aid"]
    at = lines.index("variants:")
    assert lines[at - 2].startswith("# Spellings of one name")
    assert lines[at - 3] == ""
    assert lines[at - 4] == "    label: Humanitarian aid"  # the new topic's last line


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (TopicChange("border", {"colour": "bleu"}), "is not a colour"),
        (TopicChange("border", {"key": "2"}), "used twice"),
        (TopicChange("border", {"parent": "nowhere"}), "no topic 'nowhere'"),
        (TopicChange("new", {"key": "9"}), "needs a label"),
    ],
)
def test_an_edit_that_would_break_the_config_is_refused(tmp_path, change, reason):
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", path)
    before = path.read_text(encoding="utf-8")
    with pytest.raises(CodebookError) as err:
        edit_topics(path, [change], check_reader_keys)
    assert reason in err.value.message
    assert path.read_text(encoding="utf-8") == before


def test_a_key_that_shadows_a_reading_key_is_refused(tmp_path):
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", path)
    with pytest.raises(CodebookError) as err:
        edit_topics(path, [TopicChange("border", {"key": "j"})], check_reader_keys)
    assert "already the key" in err.value.message


def qdc_with_child(settings, tmp_path: Path) -> Path:
    """The codebook as QDC, with Border renamed in case and a new code under Corridor."""
    text = export_qdc(settings).decode("utf-8")
    text = text.replace('name="Border"', 'name="border"')
    anchor = "<Description>The Lachin corridor and the checkpoint on it.</Description>"
    text = text.replace(
        anchor,
        anchor + '<Code guid="11111111-1111-1111-1111-111111111111" name="Lachin checkpoint" '
        'isCodable="true" color="#264653"><Description>The checkpoint.</Description></Code>',
    )
    path = tmp_path / "book.qdc"
    path.write_text(text, encoding="utf-8")
    return path


def run(settings, *argv) -> int:
    parser = argparse.ArgumentParser(prog="dossier")
    cli_codebook.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(list(argv))
    return args.run(settings, args) or 0


def test_codebook_import_merges_codes(tmp_path, capsys):
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", path)
    settings = load_settings(path)
    qdc = qdc_with_child(settings, tmp_path)
    assert run(settings, "codebook", "import", str(qdc)) == 0
    out = capsys.readouterr().out
    assert "changed topic 'border': label Border → border" in out
    assert "added topic 'lachin-checkpoint' (Lachin checkpoint) under 'corridor'" in out
    after = load_settings(path)
    assert [t.id for t in after.topics] == ["border", "corridor", "lachin-checkpoint", "treaty"]
    new = after.topic("lachin-checkpoint")
    assert (new.colour, new.description, new.parent, new.key) == (
        "#264653",
        "The checkpoint.",
        "corridor",
        "4",
    )
    # Again: matched by id and label, nothing duplicated, nothing changed.
    assert run(after, "codebook", "import", str(qdc)) == 0
    assert "already has them all" in capsys.readouterr().out
    assert len(load_settings(path).topics) == 4


def test_import_matches_by_label_and_refuses_non_codebooks(tmp_path):
    settings = load_settings(ROOT / "config.yaml")
    qdc = tmp_path / "b.qdc"
    qdc.write_text(
        '<CodeBook xmlns="urn:QDA-XML:codebook:1.0"><Codes>'
        '<Code guid="11111111-1111-1111-1111-111111111111" name="PEACE TREATY" isCodable="true"/>'
        "</Codes></CodeBook>",
        encoding="utf-8",
    )
    (change,) = import_changes(settings, read_codes(qdc))
    assert change.id == "treaty" and change.fields["label"] == "PEACE TREATY"
    bad = tmp_path / "x.qdc"
    bad.write_text("<notes/>", encoding="utf-8")
    with pytest.raises(CodebookError, match="no CodeBook"):
        read_codes(bad)
    bad.write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><CodeBook/>', encoding="utf-8")
    with pytest.raises(CodebookError, match="DOCTYPE"):
        read_codes(bad)


def test_a_label_rename_keeps_the_topics_tags(tmp_path):
    settings = copy_corpus(tmp_path)
    lib = Library(settings)
    store = TagStore.open(settings, lib)
    store.add_passage(lib.article("000_0d42"), 3, ["corridor"])
    result = edit_topics(settings.path, [TopicChange("corridor", {"label": "Lachin road"})])
    renamed = TagStore.open(result.settings, lib)
    (row,) = rows(renamed, lib.infos, result.settings)
    assert (row["topic"], row["topic_label"]) == ("corridor", "Lachin road")


# What Taguette 1.5.2 writes as its REFI-QDA codebook (export.codebook_xml): flat codes,
# upper-case GUIDs, an empty Sets.
TAGUETTE_QDC = (
    '<?xml version="1.0" encoding="utf-8"?>\n<CodeBook xmlns="urn:QDA-XML:codebook:1.0" '
    'origin="Taguette 1.5.2"><Codes>'
    '<Code guid="4D6BEF9D-7E55-5DEB-9745-4FBD49EB3FF5" name="Corridor" isCodable="true"/>'
    '<Code guid="3B2EAE26-301A-5684-9445-CAE782D00391" name="Lachin checkpoint" '
    'isCodable="true"/>'
    '<Code guid="4B3CDC66-20F7-5243-926C-F65179574494" name="Refugees" isCodable="true"/>'
    "</Codes><Sets/></CodeBook>"
)


def test_a_flat_codebook_from_taguette_keeps_the_tree(tmp_path, capsys):
    path = config_with(tmp_path, LACHIN.format(parent="corridor"))
    qdc = tmp_path / "taguette.qdc"
    qdc.write_text(TAGUETTE_QDC, encoding="utf-8")
    assert run(load_settings(path), "codebook", "import", str(qdc)) == 0
    assert capsys.readouterr().out.splitlines()[0] == "added topic 'refugees' (Refugees)"
    after = load_settings(path)
    assert after.topic("lachin").parent == "corridor"  # matched by label, left nested
    refugees = after.topic("refugees")
    assert refugees.key == "5" and refugees.colour not in {t.colour for t in after.topics[:-1]}


def test_a_topic_without_a_key_is_tagged_through_the_picker_only(tmp_path):
    path = tmp_path / "config.yaml"
    shutil.copy(ROOT / "config.yaml", path)
    result = edit_topics(path, [TopicChange("border", {"key": ""})], check_reader_keys)
    assert result.changes == ("changed topic 'border': key 1 → (none)",)
    settings = load_settings(path)
    assert settings.topic("border").key == ""
    check_reader_keys(settings)  # no key is not a clash


def test_exports_name_sub_topics_by_their_path(tmp_path):
    settings = copy_corpus(tmp_path)
    settings = edit_topics(
        settings.path, [TopicChange("lachin", {"label": "Lachin", "parent": "corridor"})]
    ).settings
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article("001_1a5c"), 10, ["lachin", "border"])
    found = rows(TagStore.open(settings, lib), lib.infos, settings)
    assert [r["topic_label"] for r in found] == ["Border", "Corridor › Lachin"]
    md = export_md(found, settings)
    assert "## Corridor › Lachin (1)" in md


def test_a_linked_config_stays_a_link(tmp_path):
    real = tmp_path / "real.yaml"
    shutil.copy(ROOT / "config.yaml", real)
    link = tmp_path / "config.yaml"
    link.symlink_to(real)
    edit_topics(link, [TopicChange("border", {"label": "Frontier"})])
    assert link.is_symlink() and load_settings(real).topic("border").label == "Frontier"
