"""Two writers on one tag file (the reader and `dossier tag`, or two readers): each change
is merged into the file as it is now, one entry per passage whatever the writer, undo
takes back only what this writer did; a file that cannot be written keeps the change."""

from __future__ import annotations

import errno

import pytest
import yaml
from helpers_tags import TEXT, make_article, open_store, plain_settings

from index import tagfile
from index.errors import DossierError, TagFileError


@pytest.fixture
def two(tmp_path):
    """The reader's store (a) and a store opened earlier by another writer (b)."""
    settings = plain_settings(tmp_path)
    art = make_article(settings, TEXT)
    b = open_store(settings, art)
    a = open_store(settings, art)
    return settings, art, a, b


def on_disk(settings) -> list[dict]:
    return yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))["entries"]


def topics_on_disk(settings) -> list[set[str]]:
    return [set(e["topics"]) for e in on_disk(settings)]


def test_reader_cli_reader_keeps_all_three_topics_in_one_entry(two):
    settings, art, reader, cli = two
    reader.toggle_passage_topic(art, 2, "border")
    cli.add_passage(art, 2, ["corridor"])  # opened before the reader's change
    reader.toggle_passage_topic(art, 2, "treaty")  # never saw corridor
    assert topics_on_disk(settings) == [{"border", "corridor", "treaty"}]


def test_a_removal_by_the_cli_is_not_undone_by_the_reader(two):
    settings, art, reader, cli = two
    reader.toggle_passage_topic(art, 2, "border")
    reader.toggle_passage_topic(art, 2, "corridor")
    cli.reload()
    entry = cli.passage_entry(art, 2)
    cli.set_topics(entry.id, ["border"])  # `dossier untag ID --topic corridor`
    reader.toggle_passage_topic(art, 2, "treaty")  # still shows corridor
    assert topics_on_disk(settings) == [{"border", "treaty"}]
    reader.set_note(entry.id, "seen")  # a note sets the note only
    assert topics_on_disk(settings) == [{"border", "treaty"}]


def test_toggle_after_the_cli_made_the_entry_removes(two):
    settings, art, reader, cli = two
    cli.add_passage(art, 2, ["border"])  # the reader never saw this entry
    reader.toggle_passage_topic(art, 2, "border")
    assert on_disk(settings) == []
    reader.toggle_passage_topic(art, 2, "corridor")
    cli.toggle_passage_topic(art, 2, "treaty")  # cli's view: nothing there any more
    assert topics_on_disk(settings) == [{"corridor", "treaty"}]


def test_two_writers_tagging_one_span_make_one_entry(two):
    settings, art, reader, cli = two
    p = art.passage(3)
    reader.add(art, p.start, p.start + 11, ["treaty"])
    cli.add(art, p.start, p.start + 11, ["border"], note="from the cli")
    [entry] = on_disk(settings)
    assert set(entry["topics"]) == {"treaty", "border"} and entry["note"] == "from the cli"


def test_undo_takes_back_only_this_writers_topics(two):
    settings, art, reader, cli = two
    reader.toggle_passage_topic(art, 2, "border")
    cli.add_passage(art, 2, ["corridor"])
    assert reader.undo().startswith("tagged border")
    assert topics_on_disk(settings) == [{"corridor"}]
    assert reader.redo()
    assert topics_on_disk(settings) == [{"border", "corridor"}]
    # undoing a removal puts the entry back even though the other writer changed it
    cli.reload()
    cli.remove(cli.passage_entry(art, 2).id)
    reader.toggle_passage_topic(art, 2, "treaty")
    assert topics_on_disk(settings) == [{"treaty"}]
    cli.undo()
    assert topics_on_disk(settings) == [{"border", "corridor", "treaty"}]


def test_several_topics_and_several_removals_are_one_undo_step(two):
    settings, art, reader, _ = two
    reader.change_passage(art, 2, add=["border", "treaty"])
    assert topics_on_disk(settings) == [{"border", "treaty"}]
    reader.change_passage(art, 2, add=["corridor"], remove=["border", "treaty"])
    assert topics_on_disk(settings) == [{"corridor"}]
    reader.undo()
    assert topics_on_disk(settings) == [{"border", "treaty"}]
    reader.undo()
    assert on_disk(settings) == []
    p = art.passage(3)
    one = reader.add(art, p.start, p.start + 5, ["border"])
    other = reader.add(art, p.start + 20, p.start + 30, ["treaty"])
    reader.remove_entries([one.id, other.id])
    assert on_disk(settings) == []
    reader.undo()
    assert len(on_disk(settings)) == 2


def test_merge_conflict_markers_say_merge_conflict_and_how(tmp_path):
    settings = plain_settings(tmp_path)
    text = b"version: 1\nentries:\n<<<<<<< HEAD\n- id: a\n=======\n- id: b\n>>>>>>> theirs\n"
    settings.tags_file.write_bytes(text)
    with pytest.raises(TagFileError) as info:
        open_store(settings)
    message = str(info.value)
    assert "merge conflict" in message and "line 3" in message
    assert "delete the three marker lines" in message
    assert settings.tags_file.read_bytes() == text


def _disk_full(*_args, **_kwargs):
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_keeps_the_change_in_memory_and_saves_it_later(two, monkeypatch):
    settings, art, reader, _ = two
    reader.toggle_passage_topic(art, 2, "border")
    before = settings.tags_file.read_bytes()
    monkeypatch.setattr(tagfile, "_write_replace", _disk_full)
    with pytest.raises(DossierError, match=r"No space left.*kept in memory"):
        reader.toggle_passage_topic(art, 3, "treaty")
    assert settings.tags_file.read_bytes() == before
    assert reader.topics_of_passage(art, 3) == ["treaty"]  # still shown
    assert reader.unsaved
    monkeypatch.undo()
    assert reader.retry() is True
    assert sorted(map(sorted, topics_on_disk(settings))) == [["border"], ["treaty"]]
    assert not reader.unsaved and reader.save_error is None


def test_a_read_only_tag_file_is_not_written_and_nothing_is_dropped(two):
    settings, art, reader, _ = two
    reader.toggle_passage_topic(art, 2, "border")
    settings.tags_file.chmod(0o444)
    before = settings.tags_file.read_bytes()
    with pytest.raises(DossierError, match="read-only"):
        reader.toggle_passage_topic(art, 2, "corridor")
    assert settings.tags_file.read_bytes() == before
    settings.tags_file.chmod(0o644)
    reader.toggle_passage_topic(art, 3, "border")  # the next change saves both
    assert sorted(map(sorted, topics_on_disk(settings))) == [["border"], ["border", "corridor"]]
