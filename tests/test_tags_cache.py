"""The tag file's parsed cache and the reuse of each entry's text on write: the file is
always the truth (a hand edit, a stale or broken cache change nothing), and what is
written is byte for byte what a whole dump of the same tags gives."""

from __future__ import annotations

import os

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


def _six_articles(tmp_path):
    settings = plain_settings(tmp_path)
    arts = [make_article(settings, TEXT, f"art{i}") for i in range(6)]
    store = open_store(settings, *arts)
    for a in arts:
        for n in (1, 3, 5):
            store.toggle_passage_topic(a, n, "border")
    return settings, arts


def _tags(settings, arts) -> dict[str, tuple]:
    return {
        e.id: (e.article, e.start, e.end, e.topics) for e in open_store(settings, *arts).entries()
    }


def test_a_change_appends_to_the_cache_what_changed_and_the_file_stays_the_truth(tmp_path):
    settings, arts = _six_articles(tmp_path)
    cache = tagcache.cache_path(settings.tags_file)
    store = open_store(settings, *arts)  # every article packed, read from the cache
    before = cache.read_bytes()
    store.toggle_passage_topic(arts[2], 2, "treaty")
    after = cache.read_bytes()
    assert after.startswith(before)  # nothing written over
    assert len(after) - len(before) < len(before) / 2  # one article's blob and a header
    parsed = tagfile.parse(settings.tags_file, settings.tags_file.read_bytes())
    assert _tags(settings, arts) == {
        str(r["id"]): (r["article"], r["anchor"]["start"], r["anchor"]["end"], tuple(r["topics"]))
        for r in parsed.entries
    }
    assert len(_tags(settings, arts)) == 19


def test_a_cache_mostly_of_old_versions_is_written_afresh_and_open_readers_keep_theirs(
    tmp_path, monkeypatch
):
    settings, arts = _six_articles(tmp_path)
    monkeypatch.setattr(tagcache, "_SLACK", 0)
    cache = tagcache.cache_path(settings.tags_file)
    early = open_store(settings, *arts)  # its articles stay packed in this version
    inode, sizes = cache.stat().st_ino, []
    writer = open_store(settings, *arts)
    for n in (2, 4, 6, 2, 4, 6):
        writer.toggle_passage_topic(arts[0], n, "treaty")
        sizes.append(cache.stat().st_size)
    assert cache.stat().st_ino != inode  # replaced, not grown without end
    assert min(sizes[1:]) < max(sizes)
    assert [a.entry.topics for a in early.for_article(arts[5])] == [("border",)] * 3
    assert len(_tags(settings, arts)) == 18


def test_a_cached_article_whose_bytes_changed_is_read_from_the_tag_file(tmp_path):
    """Bytes of the cache written over in place (by something other than dossier) are
    never taken for an article's tags: its CRC fails and its text in the tag file is
    parsed instead."""
    settings, arts = _six_articles(tmp_path)
    truth = {
        a.id: [e.id for e in open_store(settings, *arts).entries() if e.article == a.id]
        for a in arts
    }
    store = open_store(settings, *arts)
    groups = store._snap.doc.groups
    one, two = groups["art1"].blob, groups["art2"].blob
    assert one.size == two.size  # same shape: the other article's blob is valid marshal
    cache = tagcache.cache_path(settings.tags_file)
    with open(cache, "r+b") as fh:
        fh.seek(one.at)
        blob = fh.read(one.size)
        fh.seek(two.at)
        fh.write(blob)  # art2's place now holds art1's tags
    assert [e.entry.id for e in store.for_article(arts[2])] == truth["art2"]
    store.toggle_passage_topic(arts[4], 2, "treaty")  # a save copies art2 from its text
    assert [e.entry.id for e in open_store(settings, *arts).for_article(arts[2])] == truth["art2"]


def test_an_open_reads_the_cache_header_then_only_the_articles_asked_for(tmp_path, monkeypatch):
    settings, arts = _six_articles(tmp_path)
    reads: list[int] = []
    real = os.pread
    monkeypatch.setattr(os, "pread", lambda fd, n, at: reads.append(n) or real(fd, n, at))
    store = open_store(settings, *arts)
    assert len(reads) == 2  # the trailer and the header
    blob = store._snap.doc.groups["art3"].blob
    reads.clear()
    assert [a.entry.topics for a in store.for_article(arts[3])] == [("border",)] * 3
    assert reads == [blob.size]  # its blob, nothing else
