"""The tag store: changes, undo and redo, the file format, bad files, lookup, search and
suggestions on the bundled corpus."""

from __future__ import annotations

import pytest
import yaml
from helpers_tags import TEXT, bundled, bundled_corpus, make_article, open_store, plain_settings

from index import tagfile
from index.errors import DossierError, NotFound, TagFileError
from index.library import Library
from index.suggestions import suggestions
from index.tags import TagError, TagStore

__all__ = ["bundled", "bundled_corpus"]  # fixtures used below


@pytest.fixture
def setup(tmp_path):
    settings = plain_settings(tmp_path)
    art = make_article(settings, TEXT)
    return settings, art, open_store(settings, art)


def _load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_add_writes_a_readable_versioned_entry(setup):
    settings, art, store = setup
    p = art.passage(1)
    entry = store.add(art, p.start + 4, p.start + 14, ["corridor", "corridor"], note="n1")
    data = _load(settings.tags_file)
    assert data["version"] == 1
    [raw] = data["entries"]
    assert list(raw) == [
        "id",
        "article",
        "topics",
        "note",
        "anchor",
        "article_hash",
        "coder",
        "created",
        "updated",
    ]
    assert raw["coder"] == settings.coder == entry.coder != ""
    assert list(raw["anchor"]) == ["start", "end", "prefix", "exact", "suffix"]
    assert raw["id"] == entry.id and raw["article"] == "a1"
    assert raw["topics"] == ["corridor"] and raw["note"] == "n1"
    assert raw["anchor"]["exact"] == "checkpoint" == art.text[entry.start : entry.end]
    assert raw["anchor"]["prefix"] == art.text[max(0, entry.start - 32) : entry.start]
    assert raw["anchor"]["suffix"] == art.text[entry.end : entry.end + 32]
    assert raw["article_hash"] == art.content_hash
    assert raw["created"].endswith("Z") and "T" in raw["created"]
    # stable: writing what was read gives the same bytes
    doc = tagfile.read(settings.tags_file)
    assert tagfile.dump(doc).encode() == settings.tags_file.read_bytes()


def test_change_undo_redo(setup):
    settings, art, store = setup
    assert store.undo() is None and store.redo() is None
    e = store.toggle_passage_topic(art, 1, "corridor")
    assert store.topics_of_passage(art, 1) == ["corridor"]
    e = store.toggle_passage_topic(art, 1, "border")
    assert e.topics == ("corridor", "border")
    store.set_note(e.id, "closed for a week")
    span = store.add(art, art.passage(2).start, art.passage(2).start + 11, ["treaty"])
    store.remove(span.id)
    assert [x.id for x in store.entries()] == [e.id]

    assert "removed" in store.undo()  # the span is back
    assert {x.id for x in store.entries()} == {e.id, span.id}
    assert store.undo().startswith("tagged treaty")  # and gone again
    assert store.undo().startswith("note")
    assert store.entry(e.id).note == ""
    assert store.redo().startswith("note")
    assert store.entry(e.id).note == "closed for a week"
    # the file holds what the store shows, every step
    assert [r["note"] for r in _load(settings.tags_file)["entries"]] == ["closed for a week"]
    # a new change clears redo
    store.undo()
    store.set_topics(e.id, ["treaty"])
    assert store.redo() is None
    assert store.set_topics(e.id, []).id == e.id  # empty list removes
    assert store.entries() == []
    store.undo()
    assert store.entry(e.id).topics == ("treaty",)
    # toggling the last topic off removes the entry
    assert store.toggle_passage_topic(art, 1, "treaty") is None
    assert store.entries() == []


def test_unknown_topic_and_bad_span_are_refused(setup):
    settings, art, store = setup
    with pytest.raises(TagError, match=r"no topic 'lachin'.*border, corridor, treaty"):
        store.add(art, 0, 5, ["lachin"])
    with pytest.raises(TagError):
        store.add(art, 5, 5, ["border"])
    with pytest.raises(TagError):
        store.add(art, 0, len(art.text) + 1, ["border"])
    with pytest.raises(NotFound):
        store.toggle_passage_topic(art, 9, "border")
    with pytest.raises(NotFound):
        store.remove("nope")
    assert isinstance(TagError("x"), DossierError)
    assert not settings.tags_file.exists()


def test_same_span_twice_merges_into_one_entry(setup):
    _, art, store = setup
    a = store.add(art, 10, 30, ["border"], note="one")
    b = store.add(art, 10, 30, ["treaty"], note="two")
    assert a.id == b.id and b.topics == ("border", "treaty") and b.note == "one\ntwo"
    assert len(store.entries()) == 1


def test_backup_keeps_the_previous_version(setup):
    settings, art, store = setup
    store.add(art, 10, 30, ["border"])
    first = settings.tags_file.read_bytes()
    store.add(art, 40, 50, ["border"])
    assert (settings.tags_file.parent / "tags.yaml.bak").read_bytes() == first
    assert store.backup_path.read_bytes() == first


def test_unknown_keys_are_kept(setup):
    settings, art, store = setup
    e = store.add(art, 10, 30, ["border"])
    data = _load(settings.tags_file)
    data["project"] = {"name": "caucasus", "owner": "me"}
    data["entries"][0]["confidence"] = "high"
    data["entries"][0]["anchor"]["selector"] = "TextQuoteSelector"
    data["dismissed"] = [{"article": "a1", "passage": 3, "topic": "treaty", "by": "me"}]
    settings.tags_file.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    store = open_store(settings, art)
    store.set_note(e.id, "edited")
    store.add(art, 40, 50, ["treaty"])
    store.undo()
    out = _load(settings.tags_file)
    assert out["project"] == {"name": "caucasus", "owner": "me"}
    [raw] = out["entries"]
    assert raw["confidence"] == "high" and raw["note"] == "edited"
    assert raw["anchor"]["selector"] == "TextQuoteSelector"
    assert out["dismissed"][0]["by"] == "me"
    assert store.is_dismissed("a1", 3, "treaty")
    # removing and undoing the removal brings the unknown keys back too
    store.remove(e.id)
    store.undo()
    assert _load(settings.tags_file)["entries"][0]["confidence"] == "high"


@pytest.mark.parametrize(
    "content, where",
    [
        (b"version: 1\nentries: []\nnote: a: b\n", "line 3: not valid YAML"),
        (b"version: 7\nentries: []\n", "unknown version 7"),
        (b"entries: []\n", "no 'version' key"),
        (b"version: 1\nentries:\n  - id: a\n    article: b\n    anchor: {start: 1}\n", "line 5"),
        (b"<<<<<<< HEAD\nversion: 1\n=======\nversion: 1\n>>>>>>> other\n", "tags.yaml"),
        (b"\xff\xfe garbage", "not UTF-8"),
    ],
)
def test_bad_file_is_refused_and_left_byte_for_byte(tmp_path, content, where):
    settings = plain_settings(tmp_path)
    settings.tags_file.write_bytes(content)
    art = make_article(settings, TEXT)
    with pytest.raises(TagFileError, match=r"tags\.yaml") as info:
        open_store(settings, art)
    assert where in str(info.value)
    store = TagStore.open_or_disabled(settings, {"a1": art}.get)
    assert store.read_only and store.entries() == [] and store.for_article(art) == []
    assert store.lookup("border") == set()
    with pytest.raises(TagFileError):
        store.add(art, 0, 5, ["border"])
    with pytest.raises(TagFileError):
        store.dismiss(art, 1, "border")
    assert settings.tags_file.read_bytes() == content
    assert not (tmp_path / "tags.yaml.bak").exists()


def test_file_broken_while_open_is_not_overwritten(setup):
    settings, art, store = setup
    store.add(art, 10, 30, ["border"])
    broken = b"version: 1\nentries: [\n"
    settings.tags_file.write_bytes(broken)
    with pytest.raises(TagFileError, match="line"):
        store.add(art, 40, 50, ["border"])
    assert settings.tags_file.read_bytes() == broken
    # fixed by the user: saving works again and keeps what the file holds
    settings.tags_file.write_bytes(b"version: 1\nentries: []\n")
    store.add(art, 40, 50, ["border"])
    assert len(_load(settings.tags_file)["entries"]) == 1


def test_two_stores_on_one_file_keep_each_others_changes(setup):
    settings, art, one = setup
    two = open_store(settings, art)
    a = one.add(art, 10, 20, ["border"])
    b = two.add(art, 30, 40, ["treaty"])  # two never saw a
    one.set_note(a.id, "from one")
    two.set_topics(b.id, ["treaty", "corridor"])
    ids = {r["id"] for r in _load(settings.tags_file)["entries"]}
    assert ids == {a.id, b.id}
    two.remove(b.id)
    assert one.reload() is True
    assert [e.id for e in one.entries()] == [a.id] and one.entry(a.id).note == "from one"


def test_lookup_counts_spans_for_their_passage(setup):
    _, art, store = setup
    p2 = art.passage(2)
    store.add(art, p2.start + 4, p2.start + 9, ["treaty"])
    store.toggle_passage_topic(art, 3, "border")
    assert store.lookup("treaty") == {"a1#2"}
    assert store.lookup("border") == {"a1#3"}
    assert store.lookup("corridor") == set()
    assert store.lookup("nonsense") is None
    # a span across two passages counts for both
    store.add(art, p2.start + 4, art.passage(3).start + 3, ["corridor"])
    assert store.lookup("corridor") == {"a1#2", "a1#3"}


def test_tag_search_end_to_end(bundled):
    lib = Library(bundled)
    store = TagStore.open(bundled, lib)
    with_cp = lib.article("001_1a5c9ff20c0ee09c")
    store.toggle_passage_topic(with_cp, 10, "corridor")
    other = lib.article("004_bd0bc0e79d4348b1")
    p = other.passage(12)
    store.add(other, p.start, p.start + 20, ["corridor"])  # a span
    store.toggle_passage_topic(other, 13, "border")
    eng = lib.engine
    assert eng.matching_pids("tag:corridor", tags=store.lookup) == {
        "001_1a5c9ff20c0ee09c#10",
        "004_bd0bc0e79d4348b1#12",
    }
    assert eng.matching_pids("tag:corridor AND checkpoint", tags=store.lookup) == {
        "001_1a5c9ff20c0ee09c#10"
    }
    not_border = eng.matching_pids("NOT tag:border", tags=store.lookup)
    assert len(not_border) == eng.passage_count - 1
    assert "004_bd0bc0e79d4348b1#13" not in not_border
    result = eng.search("tag:corridor", tags=store.lookup)
    assert result.total == 2 and result.message is None
    assert "no topic 'lachin'" in eng.search("tag:lachin", tags=store.lookup).message
    # a tag whose text is gone does not count
    store.undo()
    store.undo()
    assert eng.matching_pids("tag:corridor", tags=store.lookup) == {"001_1a5c9ff20c0ee09c#10"}


def test_suggestions_accept_and_dismiss(bundled):
    lib = Library(bundled)
    store = TagStore.open(bundled, lib)
    art = lib.article("000_0d42f3f6a94791ae")
    found = suggestions(art, lib.engine, store)
    assert found[8] == ["border"] and "treaty" in found[7]
    store.accept(art, 8, "border")
    store.dismiss(art, 7, "treaty")
    after = suggestions(art, lib.engine, store)
    assert 8 not in after and 7 not in after
    assert set(after) == set(found) - {7, 8}
    # remembered in the file, with the passage's opening words
    again = TagStore.open(bundled, lib)
    assert again.is_dismissed(art, 7, "treaty") and again.is_dismissed(art.id, 7, "treaty")
    [d] = _load(bundled.tags_file)["dismissed"]
    assert d["article"] == art.id and d["passage"] == 7 and d["topic"] == "treaty"
    assert art.passage(7).text.startswith(d["quote"])
    assert 7 not in suggestions(art, lib.engine, again)
    again.dismiss(art, 7, "treaty")  # twice is once
    assert len(_load(bundled.tags_file)["dismissed"]) == 1
    # undo brings the suggestion back
    assert store.undo().startswith("dismissed")
    store.reload()
    assert 7 in suggestions(art, lib.engine, store)
