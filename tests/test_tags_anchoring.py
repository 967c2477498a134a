"""Re-anchoring tags after an article changed, and exact offsets on non-ASCII text."""

from __future__ import annotations

import unicodedata

from helpers_tags import make_article, open_store, plain_settings

from index import tagfile
from index.anchoring import EXACT, FUZZY, MOVED, ORPHANED, make_anchor, resolve
from index.corpus import SourceFile, read_article

TEXT = (
    "Talks resume in Washington\n\n"
    "Foreign ministers met on Thursday to discuss the draft peace treaty.\n\n"
    "Azerbaijan set up a checkpoint on the Lachin corridor in April, "
    "cutting the only road between Armenia and Karabakh.\n\n"
    "The border commissions will meet again next month to discuss delimitation.\n"
)
QUOTE = "set up a checkpoint on the Lachin corridor in April"


def _tag_quote(tmp_path, text=TEXT, quote=QUOTE):
    settings = plain_settings(tmp_path)
    art = make_article(settings, text)
    start = art.text.index(quote)
    store = open_store(settings, art)
    entry = store.add(art, start, start + len(quote), ["corridor"], note="key claim")
    return settings, art, entry


def _reopen(settings, text):
    """The same article with a new text, and a fresh store reading the saved file."""
    art = make_article(settings, text)
    return art, open_store(settings, art)


def test_unchanged_article_anchors_exact(tmp_path):
    settings, art, entry = _tag_quote(tmp_path)
    _, store = _reopen(settings, TEXT)
    [a] = store.for_article(art)
    assert (a.status, a.start, a.end) == (EXACT, entry.start, entry.end)
    assert a.passage_n == 2 and a.passages == (2,)


def test_text_inserted_before_moves_the_anchor(tmp_path):
    settings, _, entry = _tag_quote(tmp_path)
    before = tagfile.real_path(settings.tags_file).read_bytes()
    insert = "An extra paragraph, added by the editors later on.\n\n"
    changed = TEXT.replace("Foreign ministers", insert + "Foreign ministers")
    art, store = _reopen(settings, changed)
    assert art.content_hash != entry.article_hash
    [a] = store.for_article(art)
    assert a.status == MOVED
    assert (a.start, a.end) == (entry.start + len(insert), entry.end + len(insert))
    assert art.text[a.start : a.end] == QUOTE
    assert a.passage_n == 3
    # resolving is in memory: the file is not rewritten
    assert settings.tags_file.read_bytes() == before
    assert store.entries()[0].start == entry.start


def test_crlf_line_endings_keep_the_anchor_exact(tmp_path):
    settings = plain_settings(tmp_path)
    lf = tmp_path / "lf.txt"
    lf.write_bytes(TEXT.encode("utf-8"))
    art = read_article(SourceFile("lf", str(lf), 0, 0), settings)
    start = art.text.index(QUOTE)
    store = open_store(settings, art)
    store.add(art, start, start + len(QUOTE), ["corridor"])
    # the file is saved again with Windows line endings (and a BOM)
    lf.write_bytes(b"\xef\xbb\xbf" + TEXT.replace("\n", "\r\n").encode("utf-8"))
    crlf = read_article(SourceFile("lf", str(lf), 0, 0), settings)
    assert crlf.content_hash == art.content_hash
    [a] = open_store(settings, crlf).for_article(crlf)
    assert (a.status, a.start, a.end) == (EXACT, start, start + len(QUOTE))
    assert crlf.text[a.start : a.end] == QUOTE


def test_typo_fixed_inside_the_quote_anchors_fuzzy(tmp_path):
    typo = TEXT.replace("checkpoint", "chekpoint")
    settings, _, _ = _tag_quote(tmp_path, typo, QUOTE.replace("checkpoint", "chekpoint"))
    art, store = _reopen(settings, TEXT)
    [a] = store.for_article(art)
    assert a.status == FUZZY
    assert art.text[a.start : a.end] == QUOTE
    assert 0.8 <= a.score < 1.0


def test_phrase_duplicated_elsewhere_keeps_its_own_occurrence(tmp_path):
    settings, _, _ = _tag_quote(tmp_path)
    # the same phrase now also stands earlier, in another context, which shifts the
    # original: prefix and suffix must pick the original occurrence, not the first one
    dup = TEXT.replace(
        "the draft peace treaty.", "the draft peace treaty. Critics say Baku " + QUOTE + " too."
    )
    art, store = _reopen(settings, dup)
    occurrences = [i for i in range(len(art.text)) if art.text.startswith(QUOTE, i)]
    assert len(occurrences) == 2
    [a] = store.for_article(art)
    assert a.status == MOVED
    assert a.start == occurrences[1]
    assert art.text[a.start - 13 : a.start] == "\n\nAzerbaijan "


def test_duplicate_nearer_the_old_offset_loses_to_matching_context(tmp_path):
    text = "x" * 40 + " alpha beta gamma " + "y" * 40 + " alpha beta gamma " + "z" * 40
    anchor = make_anchor(text, text.rindex("alpha"), text.rindex("gamma") + 5)
    shifted = "w" * 100 + text.replace("x" * 40, "q" * 40)
    res = resolve(anchor, shifted)
    assert res.status == MOVED and res.start == shifted.rindex("alpha")


def test_deleted_passage_is_orphaned_and_kept(tmp_path):
    settings, _, entry = _tag_quote(tmp_path)
    before = settings.tags_file.read_bytes()
    para = (
        "Azerbaijan set up a checkpoint on the Lachin corridor in April, "
        "cutting the only road between Armenia and Karabakh.\n\n"
    )
    art, store = _reopen(settings, TEXT.replace(para, ""))
    [a] = store.for_article(art)
    assert a.status == ORPHANED and a.start is None and a.passage_n is None
    assert a.entry.quote == QUOTE and a.entry.note == "key claim"
    assert [o.entry.id for o in store.orphans()] == [entry.id]
    assert store.lookup("corridor") == set()
    # orphaned entries stay in the file; other changes do not drop them either
    assert settings.tags_file.read_bytes() == before
    store.add(art, 0, 5, ["border"])
    assert entry.id in {e.id for e in open_store(settings, art).entries()}


def test_unrelated_rewrite_is_not_matched_approximately():
    text = "The ministers agreed to meet again in the spring to go over the maps."
    anchor = make_anchor(text, 4, len(text) - 1)
    other = "Protesters gathered outside parliament on Sunday demanding new elections now."
    assert resolve(anchor, other).status == ORPHANED


def test_offsets_exact_on_accented_text(tmp_path):
    settings = plain_settings(tmp_path)
    # decomposed accents (NFD) in the source become NFC in the canonical text
    raw = (
        "Títle\n\nArarat Mirzoia\u0301n met Jeyhun Bayramov in Almaty 🇦🇲🇦🇿.\n\n"
        "Nikol Pashinián and İlham Əliyev spoke of the Laçın corridor.\n"
    )
    art = make_article(settings, raw)
    assert art.text == unicodedata.normalize("NFC", raw)
    names = ["Mirzoián", "Pashinián", "İlham Əliyev", "Laçın corridor"]
    store = open_store(settings, art)
    for name in names:
        s = art.text.index(name)
        store.add(art, s, s + len(name), ["corridor"])
    # code points, not bytes or UTF-16 units: the flag emoji before the second passage
    # would shift either of those
    reread = open_store(settings, art)
    anchored = reread.for_article(art)
    assert [art.text[a.start : a.end] for a in anchored] == names
    assert all(a.status == EXACT for a in anchored)
    raw_file = tagfile.read(settings.tags_file)
    for raw_entry, name in zip(
        sorted(raw_file.entries, key=lambda e: e["anchor"]["start"]), names, strict=True
    ):
        anc = raw_entry["anchor"]
        assert anc["exact"] == name == art.text[anc["start"] : anc["end"]]
        assert len(anc["prefix"]) == min(32, anc["start"])
