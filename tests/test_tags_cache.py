"""The tag file's parsed cache and the reuse of each entry's text on write: the file is
always the truth (a hand edit, a stale or broken cache change nothing), and what is
written is byte for byte what a whole dump of the same tags gives."""

from __future__ import annotations

import yaml
from helpers_tags import make_article, open_store, plain_settings

from index import tagcache, tagfile

TEXT = "A title\n\n" + "\n\n".join(f"Passage {i} about the border talks." for i in range(1, 9))


def whole_dump(path) -> bytes:
    """The file's tags dumped in one piece from a fresh parse (no cache, no reuse)."""
    doc = tagfile.parse(path, path.read_bytes())
    return tagfile.dump(doc).encode("utf-8")


def test_written_text_equals_a_whole_dump_after_many_changes(tmp_path):
    settings = plain_settings(tmp_path)
    art = make_article(settings, TEXT)
    store = open_store(settings, art)
    for n in range(1, 9):
        store.toggle_passage_topic(art, n, "border")
    e = store.passage_entry(art, 3)
    store.set_note(e.id, 'a "quoted"\nnote: with a colon')
    store.toggle_passage_topic(art, 5, "treaty")
    store.toggle_passage_topic(art, 2, "border")
    store.dismiss(art, 7, "corridor")
    assert settings.tags_file.read_bytes() == whole_dump(settings.tags_file)
    on_disk = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))["entries"]
    assert {r["id"]: (tuple(r["topics"]), r["note"]) for r in on_disk} == {
        e.id: (e.topics, e.note) for e in store.entries()
    }
    assert len(on_disk) == 7 and on_disk[1]["note"] == 'a "quoted"\nnote: with a colon'
    assert on_disk[3]["topics"] == ["border", "treaty"]
    assert tagcache.cache_path(settings.tags_file).exists()


def test_a_hand_edit_is_read_not_the_cache(tmp_path):
    settings = plain_settings(tmp_path)
    art = make_article(settings, TEXT)
    store = open_store(settings, art)
    store.toggle_passage_topic(art, 1, "border")
    text = settings.tags_file.read_text(encoding="utf-8")
    settings.tags_file.write_text(text.replace("note: ''", "note: by hand"), encoding="utf-8")
    again = open_store(settings, art)
    assert [e.note for e in again.entries()] == ["by hand"]
    again.toggle_passage_topic(art, 2, "treaty")  # written from what was read
    notes = [e["note"] for e in yaml.safe_load(settings.tags_file.read_text())["entries"]]
    assert notes == ["by hand", ""]


def test_a_broken_or_foreign_cache_is_ignored(tmp_path):
    settings = plain_settings(tmp_path)
    art = make_article(settings, TEXT)
    store = open_store(settings, art)
    store.toggle_passage_topic(art, 1, "border")
    cache = tagcache.cache_path(settings.tags_file)
    for junk in (b"", b"\x00garbage", cache.read_bytes()[:-7]):
        cache.write_bytes(junk)
        again = open_store(settings, art)
        assert [e.topics for e in again.entries()] == [("border",)]
    # a cache of other bytes: the file wins
    other = tmp_path / "other"
    other.mkdir()
    s2 = plain_settings(other)
    open_store(s2, art).toggle_passage_topic(art, 4, "treaty")
    cache.write_bytes(tagcache.cache_path(s2.tags_file).read_bytes())
    assert [e.topics for e in open_store(settings, art).entries()] == [("border",)]


def test_values_yaml_has_but_the_cache_cannot_keep_are_not_cached(tmp_path):
    settings = plain_settings(tmp_path)
    art = make_article(settings, TEXT)
    open_store(settings, art).toggle_passage_topic(art, 1, "border")
    text = settings.tags_file.read_text(encoding="utf-8")
    settings.tags_file.write_text(text + "reviewed: 2024-05-01\n7: seven\n", encoding="utf-8")
    store = open_store(settings, art)
    assert not tagcache.cache_path(settings.tags_file).exists()
    store.toggle_passage_topic(art, 2, "treaty")
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    assert str(data["reviewed"]) == "2024-05-01" and data[7] == "seven"
