"""The `exact` field (folded, unstemmed words) is where prefix and fuzzy words are
expanded; the words found are searched as `text`'s stems. A fresh build's segments keep
one `exact` posting a word (its lexicon is what is read), except segments small enough
for an update to merge: a merge keeps only live passages' postings, and must not lose a
word that live passages still hold."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest

from index.build import update_index
from index.corpus import read_article, scan
from index.engine import segments, writer
from index.engine.analysis import stemmer_between
from index.engine.private import segments_of
from index.engine.writer import make_schema, open_at
from index.library import Library
from index.text import fold


def _words(settings) -> set[str]:
    out: set[str] = set()
    for src in scan(settings.corpus).files:
        for p in read_article(src, settings).passages:
            out.update(re.findall(r"\w+(?:[.'’]?\w+)*", p.text))
    return out


def test_the_stem_of_an_exact_word_is_the_text_stem_of_the_raw_word(bundled_settings):
    """What a prefix's words are searched as (Porter2 of the folded, variant-merged
    word) is what `text` indexed for the words they came from: every word of the
    bundled articles, and words with accents, capitals, curly apostrophes and spelling
    variants (some chained: a head that is another group's spelling)."""
    settings = replace(
        bundled_settings,
        variants=(
            *bundled_settings.variants,
            ("Mirzoyan", "Mirzoian", "Mirzoján"),
            ("Organisation", "Organization"),
            ("colour", "color"),
            ("hue", "colour"),
        ),
    )
    schema = make_schema(settings)
    plain = schema["exact"].analyzer[-1].uncached
    stems = schema["text"].analyzer[-1].uncached
    to_stem = stemmer_between(schema["exact"], schema["text"])
    assert to_stem is not None
    tricky = {"MIRZOJÁN", "Organizations", "colours", "Colour", "hues", "Łódź", "O’Brien's"}
    words = _words(settings) | tricky
    assert len(words) > 500
    assert [w for w in words if to_stem(plain(w)) != stems(w)] == []
    assert to_stem(plain("Organization")) == stems("organisation")
    assert plain(plain("color")) != plain("color")  # a chain: merging twice would differ


def test_fields_normalised_otherwise_have_no_stemmer(bundled_settings):
    schema = make_schema(bundled_settings)
    assert stemmer_between(schema["text"], schema["exact"]) is None  # the other way
    assert stemmer_between(schema["source"], schema["text"]) is None  # other variants
    assert stemmer_between(schema["pid"], schema["text"]) is None  # not ours


def _harbour_corpus(make_corpus):
    """Twelve articles of three passages; two hold 'shipwrights' (000, 001: the first
    part of a build) and two 'caulkers' (005, 006: a later, larger part)."""
    files = {}
    for i in range(12):
        extra = {0: "shipwrights", 1: "Shipwrights", 5: "caulkers", 6: "Caulkers"}.get(i, "")
        body = "\n\n".join(
            f"Paragraph {k} of report {i}: the harbour authority met the ferry company"
            f"{' and the ' + extra if k == 1 and extra else ''}."
            for k in range(3)
        )
        files[f"{i:03d}.md"] = f'---\ntitle: "Harbour report {i}"\ndate: 2024-01-01\n---\n{body}\n'
    return make_corpus(files)


def _titles(lib, query: str) -> set[str]:
    return {a.title for a in lib.engine.search(query, limit=50).articles}


@pytest.fixture
def small_parts(monkeypatch):
    """A build of parts of 6 passages, then 18; an update merges parts of 6 or fewer
    as soon as there is one."""
    monkeypatch.setattr(segments, "FIRST_SEGMENT", 6)
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 18)
    monkeypatch.setattr(segments, "MERGEABLE_PASSAGES", 6)
    monkeypatch.setattr(writer, "MERGEABLE_PASSAGES", 6)
    monkeypatch.setattr(writer, "MAX_SMALL_SEGMENTS", 1)


def test_a_prefix_finds_a_word_whose_first_passage_was_deleted(make_corpus, small_parts):
    """An update removes the article whose passage carried a word's `exact` posting,
    in the first (mergeable) part and in a later one, and merges the small parts: the
    prefix, the fuzzy word and the suggestion still find the article left."""
    settings = _harbour_corpus(make_corpus)
    update_index(settings)
    lib = Library(settings)
    assert _titles(lib, "shipwr*") == {"Harbour report 0", "Harbour report 1"}
    assert _titles(lib, "caulk*") == {"Harbour report 5", "Harbour report 6"}
    lib.engine.close()

    for name in ("000.md", "005.md"):
        (settings.corpus / name).unlink()
    assert update_index(settings).removed == 2
    # One more change, so that the update's new segment and the small one merge.
    make_corpus({"100.md": '---\ntitle: "Ferry news"\ndate: 2024-01-02\n---\nThe ferry.\n'})
    update_index(settings)

    lib = Library(settings)
    assert _titles(lib, "shipwr*") == {"Harbour report 1"}
    assert _titles(lib, "caulk*") == {"Harbour report 6"}
    assert _titles(lib, "shipwrihgts~1") == {"Harbour report 1"}
    assert _titles(lib, "caulkrs~1") == {"Harbour report 6"}
    assert "shipwrights" in lib.engine.search("shipwrigts").suggestions
    sizes = [s.doc_count_all() for s in segments_of(open_at(settings.index_dir))]
    assert sizes == [18, 12, 3 + 1]  # the first part's live passages merged with the new


def test_a_built_part_keeps_one_exact_posting_a_word(make_corpus, small_parts):
    settings = _harbour_corpus(make_corpus)
    update_index(settings)
    ix = open_at(settings.index_dir)
    with ix.reader() as r:
        subs = [sub for sub, _base in r.leaf_readers()]
        assert [s.doc_count_all() for s in subs] == [6, 18, 12]
        for sub in subs:
            per_word = [sub.doc_frequency("exact", t) for t in sub.lexicon("exact")]
            if sub.doc_count_all() > 6:
                assert set(per_word) == {1}
            else:
                assert max(per_word) == sub.doc_count_all()  # 'harbour' in every passage
    assert len(segments_of(ix)) == 3


def test_a_prefix_finds_the_other_forms_of_its_words(make_corpus):
    """`sharin*` expands to 'sharing', searched as its stem: "shares" is found too, and
    highlighted."""
    settings = make_corpus(
        {
            "a.md": '---\ntitle: "A"\ndate: 2024-01-01\n---\nThe sharing of water.\n',
            "b.md": '---\ntitle: "B"\ndate: 2024-01-01\n---\nShe shares the water.\n',
            "c.md": '---\ntitle: "C"\ndate: 2024-01-01\n---\nA sharp turn.\n',
        }
    )
    update_index(settings)
    lib = Library(settings)
    result = lib.engine.search("sharin*")
    assert {a.title for a in result.articles} == {"A", "B"}
    marked = {fold(p.text[s:e]) for p in result.passages for s, e in p.spans}
    assert marked == {"sharing", "shares"}
    assert {a.title for a in lib.engine.search("sharp~1").articles} >= {"C"}
    # `exact:` written out (where prefixes are expanded) is searched the same way.
    assert {a.title for a in lib.engine.search("exact:sharing").articles} == {"A", "B"}
