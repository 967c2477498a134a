"""The tag store at scale: a file read from its cache keeps each article's tags packed
until they are asked for, so a change to one article's tags unpacks and dumps only those;
what is written is still byte for byte a whole dump; the backup is the old file itself."""

from __future__ import annotations

import os

import yaml
from helpers_tags import make_article, open_store, plain_settings

from index import tagfile
from index.tagdoc import Packed
from index.tags import TagStore

TEXT = "A title\n\n" + "\n\n".join(f"Passage {i} about the border talks." for i in range(1, 7))


def setup_many(tmp_path, n_articles: int = 6):
    settings = plain_settings(tmp_path)
    arts = [make_article(settings, TEXT, f"art{i}") for i in range(n_articles)]
    store = open_store(settings, *arts)
    for a in arts:
        for n in (1, 3, 5):
            store.toggle_passage_topic(a, n, "border")
    return settings, arts


def whole_dump(path) -> bytes:
    return tagfile.dump(tagfile.parse(path, path.read_bytes())).encode("utf-8")


def test_a_change_unpacks_only_its_article_and_writes_a_whole_dump(tmp_path):
    settings, arts = setup_many(tmp_path)
    store = open_store(settings, *arts)  # from the cache: every article packed
    assert all(isinstance(g, Packed) for g in store._snap.doc.groups.values())
    store.toggle_passage_topic(arts[2], 2, "treaty")
    groups = store._snap.doc.groups
    assert [a for a, g in groups.items() if not isinstance(g, Packed)] == ["art2"]
    e = store.passage_entry(arts[4], 3)
    store.set_note(e.id, "a note\nover two lines")
    store.toggle_passage_topic(arts[0], 1, "border")  # off: art0's first tag goes
    assert settings.tags_file.read_bytes() == whole_dump(settings.tags_file)
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    assert len(data["entries"]) == 18 - 1 + 1
    assert [r["note"] for r in data["entries"] if r["id"] == e.id] == ["a note\nover two lines"]
    # counts per article come from the packed ids
    assert TagStore.open(settings).counts() == {
        "art0": 2,
        "art1": 3,
        "art2": 4,
        "art3": 3,
        "art4": 3,
        "art5": 3,
    }


def test_another_writers_change_is_noticed_for_its_article_only(tmp_path):
    settings, arts = setup_many(tmp_path)
    reader = open_store(settings, *arts)
    cli = open_store(settings, *arts)
    cli.toggle_passage_topic(arts[3], 2, "corridor")
    diff = reader.poll()
    assert diff is not None and diff.articles == frozenset({"art3"})
    groups = reader._snap.doc.groups  # the others were told apart without unpacking
    assert [a for a, g in groups.items() if not isinstance(g, Packed)] == ["art3"]
    assert [e.topics for e in diff.after.values()] == [("corridor",)]
    # entries looked up by id without knowing their article
    entry = next(iter(diff.after.values()))
    assert reader.entry(entry.id) == entry and reader.entry(entry.id[:12]) == entry


def test_the_backup_is_the_previous_file_even_when_it_was_that_file_already(tmp_path):
    settings, arts = setup_many(tmp_path, 2)
    store = open_store(settings, *arts)
    before = settings.tags_file.read_bytes()
    store.toggle_passage_topic(arts[1], 2, "treaty")
    backup = tagfile.backup_path(settings.tags_file)
    assert backup.read_bytes() == before != settings.tags_file.read_bytes()
    # a writer killed between the backup and the save leaves the backup = the file
    os.unlink(backup)
    os.link(settings.tags_file, backup)
    now = settings.tags_file.read_bytes()
    store.toggle_passage_topic(arts[1], 4, "treaty")
    assert backup.read_bytes() == now
    assert [n for n in os.listdir(tmp_path) if ".tmp-" in n] == []


def test_a_file_with_dates_in_an_entry_is_parsed_each_time_and_still_written_whole(tmp_path):
    settings, arts = setup_many(tmp_path, 2)
    text = settings.tags_file.read_text(encoding="utf-8")
    text = text.replace("  article_hash:", "  reviewed: 2024-05-01\n  article_hash:", 1)
    settings.tags_file.write_text(text, encoding="utf-8")
    store = open_store(settings, *arts)
    store.toggle_passage_topic(arts[1], 2, "treaty")
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    assert str(data["entries"][0]["reviewed"]) == "2024-05-01"
    assert settings.tags_file.read_bytes() == whole_dump(settings.tags_file)


def test_after_a_hand_edit_untouched_entries_keep_their_text(tmp_path):
    """The first write after a hand edit copies the text of the entries it does not
    change (as the user wrote them), instead of dumping every entry again."""
    settings, arts = setup_many(tmp_path, 3)
    text = settings.tags_file.read_text(encoding="utf-8")
    first_note = text.index("  note: ''")
    text = text[:first_note] + '  note: "by hand"  # checked\n' + text[first_note + 11 :]
    settings.tags_file.write_text(text, encoding="utf-8")
    store = open_store(settings, *arts)
    assert next(e.note for e in store.entries()) == "by hand"
    store.toggle_passage_topic(arts[2], 2, "treaty")
    after = settings.tags_file.read_text(encoding="utf-8")
    assert '  note: "by hand"  # checked\n' in after
    assert next(e.note for e in open_store(settings, *arts).entries()) == "by hand"
    assert len(yaml.safe_load(after)["entries"]) == 10


def test_one_read_per_command_and_a_read_again_when_the_file_changed(tmp_path, monkeypatch):
    settings, arts = setup_many(tmp_path, 2)
    reads = []
    real = tagfile._read_bytes
    monkeypatch.setattr(tagfile, "_read_bytes", lambda p: reads.append(p) or real(p))
    store = open_store(settings, *arts)
    store.toggle_passage_topic(arts[0], 2, "treaty")
    store.toggle_passage_topic(arts[0], 4, "treaty")
    assert len(reads) == 1  # the open; each change trusts what it read or wrote
    other = open_store(settings, *arts)
    other.toggle_passage_topic(arts[1], 2, "corridor")
    reads.clear()
    store.toggle_passage_topic(arts[0], 6, "treaty")  # the file is another version now
    assert len(reads) == 1
    topics = {(e.article, tuple(e.topics)) for e in TagStore.open(settings).entries()}
    assert ("art1", ("corridor",)) in topics and ("art0", ("treaty",)) in topics
