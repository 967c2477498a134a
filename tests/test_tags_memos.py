"""Coders and memos: who made each tag (config `coder:`), and notes on an article or a
topic without a tag (the tag file's `memos:`), kept as safely as the tags."""

from __future__ import annotations

import getpass
from dataclasses import replace

import pytest
import yaml
from helpers_tags import TEXT, make_article, open_store, plain_settings

from index import tagfile
from index.config import load_settings
from index.errors import ConfigError, TagFileError
from index.tags import TagError, TagStore
from index.tags.model import Memo


@pytest.fixture
def setup(tmp_path):
    settings = replace(plain_settings(tmp_path), coder="alice")
    art = make_article(settings, TEXT)
    return settings, art, open_store(settings, art)


def _load(path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --- coders ------------------------------------------------------------------------


def test_coder_defaults_to_the_system_user(tmp_path):
    (tmp_path / "config.yaml").write_text("theme: textual-dark\n", encoding="utf-8")
    assert load_settings(tmp_path / "config.yaml").coder == getpass.getuser()


def test_coder_is_unknown_when_there_is_no_user_name(tmp_path, monkeypatch):
    def no_user() -> str:
        raise OSError("no user name")

    monkeypatch.setattr(getpass, "getuser", no_user)
    (tmp_path / "config.yaml").write_text("theme: textual-dark\n", encoding="utf-8")
    assert load_settings(tmp_path / "config.yaml").coder == "unknown"


def test_coder_from_config(tmp_path):
    (tmp_path / "config.yaml").write_text("coder: '  Ana P. '\n", encoding="utf-8")
    assert load_settings(tmp_path / "config.yaml").coder == "Ana P."


@pytest.mark.parametrize(
    "text, says",
    [
        ("theme: x\ncoder: ''\n", "name on one line"),
        ("theme: x\ncoder: [a, b]\n", "must be text"),
        ('theme: x\ncoder: "a\\nb"\n', "name on one line"),
        ("theme: x\ncodr: ana\n", "did you mean 'coder'"),
    ],
)
def test_a_bad_coder_names_the_line(tmp_path, text, says):
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        load_settings(tmp_path / "config.yaml")
    assert says in str(info.value) and "line 2" in str(info.value)


def test_every_new_tag_records_its_coder(setup):
    settings, art, store = setup
    store.toggle_passage_topic(art, 1, "border")
    store.add_passage(art, 2, ["treaty"])
    p = art.passage(3)
    store.add(art, p.start, p.start + 6, ["border"])
    assert [e.coder for e in store.entries()] == ["alice"] * 3
    assert [raw["coder"] for raw in _load(settings.tags_file)["entries"]] == ["alice"] * 3


def test_another_coder_adding_a_topic_keeps_the_first_coder(setup):
    settings, art, store = setup
    store.toggle_passage_topic(art, 1, "border")
    bob = open_store(replace(settings, coder="bob"), art)
    bob.toggle_passage_topic(art, 1, "treaty")
    [entry] = bob.entries()
    assert entry.coder == "alice" and set(entry.topics) == {"border", "treaty"}


def test_entries_without_coder_stay_valid_and_keep_unknown_keys(setup):
    settings, art, store = setup
    p = art.passage(1)
    old = {
        "version": 1,
        "entries": [
            {
                "id": "old1",
                "article": "a1",
                "topics": ["border"],
                "note": "",
                "anchor": {"start": p.start, "end": p.end, "exact": p.text},
                "their_tool": {"x": 1},
            }
        ],
        "memos": [{"id": "m0", "topic": "border", "text": "why", "colour_in_tool": "red"}],
        "project": "kept",
    }
    settings.tags_file.write_text(yaml.safe_dump(old), encoding="utf-8")
    store = open_store(settings, art)
    assert store.entry("old1").coder == ""
    store.add_passage(art, 2, ["treaty"])
    data = _load(settings.tags_file)
    [kept] = [e for e in data["entries"] if e["id"] == "old1"]
    assert kept["their_tool"] == {"x": 1} and "coder" not in kept
    assert data["memos"] == [
        {"id": "m0", "topic": "border", "text": "why", "colour_in_tool": "red"}
    ]
    assert data["project"] == "kept"


# --- memos -------------------------------------------------------------------------


def test_a_memo_on_an_article_needs_no_tag(setup):
    settings, _art, store = setup
    memo = store.set_memo("Compare with the Reuters piece.", article="a1")
    assert isinstance(memo, Memo)
    assert (memo.article, memo.topic, memo.coder) == ("a1", None, "alice")
    assert store.entries() == []
    data = _load(settings.tags_file)
    assert data["entries"] == []
    [raw] = data["memos"]
    assert list(raw) == ["id", "article", "text", "coder", "created", "updated"]
    assert raw["text"] == "Compare with the Reuters piece." and raw["id"] == memo.id
    assert TagStore.open(settings).memos() == [memo]


def test_one_memo_per_subject_edited_in_place_and_undone_step_by_step(setup):
    settings, _art, store = setup
    first = store.set_memo("first", article="a1")
    second = store.set_memo("second\nwith two lines", article="a1")
    assert second.id == first.id and [m.text for m in store.memos()] == ["second\nwith two lines"]
    assert store.undo() == "memo on a1"
    assert [m.text for m in TagStore.open(settings).memos()] == ["first"]
    store.undo()
    assert TagStore.open(settings).memos() == [] and "memos" not in _load(settings.tags_file)
    store.redo()
    assert [m.text for m in TagStore.open(settings).memos()] == ["first"]


def test_memos_on_topics_and_on_a_topic_in_an_article(setup):
    _settings, _art, store = setup
    store.set_memo("the corridor in general", topic="corridor")
    store.set_memo("corridor here", article="a1", topic="corridor")
    store.set_memo("the article", article="a1")
    assert [m.label for m in store.memos()] == ["topic corridor", "article a1", "a1 · corridor"]
    assert [m.text for m in store.memos(topic="corridor")] == [
        "the corridor in general",
        "corridor here",
    ]
    assert [m.text for m in store.memos(article="a1")] == ["the article", "corridor here"]
    assert store.memo(topic="corridor").text == "the corridor in general"
    with pytest.raises(TagError, match="no topic 'nope'"):
        store.set_memo("x", topic="nope")
    with pytest.raises(TagError, match="article or a topic"):
        store.set_memo("x")


def test_removing_a_memo_is_one_undoable_step(setup):
    settings, _art, store = setup
    store.set_memo("keep me", topic="border")
    gone = store.remove_memo(topic="border")
    assert gone.text == "keep me" and store.memos() == []
    store.undo()
    assert TagStore.open(settings).memos() == [gone]
    assert store.set_memo("   ", topic="border") is None  # empty text removes
    assert store.memos() == []


def test_memos_of_two_writers_merge_under_the_lock(setup):
    settings, art, reader = setup
    cli = open_store(replace(settings, coder="bob"), art)  # opened before the reader wrote
    reader.set_memo("reader's", article="a1")
    cli.set_memo("cli's", topic="treaty")
    reader.toggle_passage_topic(art, 1, "border")  # reader never saw the cli's memo
    memos = TagStore.open(settings).memos()
    assert [(m.label, m.coder) for m in memos] == [("topic treaty", "bob"), ("article a1", "alice")]
    cli.undo()  # takes back only the cli's memo
    assert [m.text for m in TagStore.open(settings).memos()] == ["reader's"]


def test_memos_come_back_through_the_cache(setup, monkeypatch):
    settings, _art, store = setup
    store.set_memo("cached", article="a1")

    def no_parse(*_args):
        raise AssertionError("parsed the YAML again")

    monkeypatch.setattr(tagfile, "parse", no_parse)
    assert [m.text for m in TagStore.open(settings).memos()] == ["cached"]


@pytest.mark.parametrize(
    "memos, says, line",
    [
        ("memos: {a: 1}\n", "'memos' must be a list", 4),
        ("memos:\n- id: m1\n  text: no subject\n", "needs 'article' or 'topic'", 5),
        ("memos:\n- id: m1\n  article: a1\n", "memo needs 'text'", 5),
        ("memos:\n- id: m1\n  article: [a1]\n  text: t\n", "memo 'article' must be text", 6),
        ("memos:\n- article: a1\n  text: t\n", "memo needs 'id'", 5),
        (
            "memos:\n- id: m1\n  article: a1\n  text: t\n- id: m1\n  topic: b\n  text: u\n",
            "memo id 'm1' is used twice (also line 5)",
            8,
        ),
    ],
)
def test_a_broken_memo_is_refused_with_its_line(setup, memos, says, line):
    settings, _art, _ = setup
    text = "version: 1\nentries: []\ndismissed: []\n" + memos
    settings.tags_file.write_text(text, encoding="utf-8")
    with pytest.raises(TagFileError) as info:
        TagStore.open(settings)
    assert says in str(info.value) and f"line {line}" in str(info.value)
    store = TagStore.open_or_disabled(settings)
    with pytest.raises(TagFileError):
        store.set_memo("x", article="a1")
    assert settings.tags_file.read_text(encoding="utf-8") == text  # never written over
