"""The fast scoring path (plain terms, AND, OR, expansions read straight from postings)
ranks and counts exactly as Whoosh's own matchers do, deletions and segments included."""

from __future__ import annotations

import pytest

from index.build import update_index
from index.engine import segments
from index.library import Library

# (query, whether the fast path answers it)
QUERIES = [
    ("Lachin", True),
    ("checkpoint", True),
    ("said", True),
    ("border OR corridor", True),
    ("negot*", True),  # a prefix expansion is an OR of terms
    ("Mirzoián~1", True),  # fuzzy, to a variant
    ("zzzz", True),  # no postings at all
    ("peace AND treaty", True),  # an AND of terms: the terms' scores summed
    ("peace agreement", True),  # two words: AND
    ("peace NOT treaty", True),  # the AND's passages without the NOT's words
    ("peace NOT (treaty OR corridor)", True),
    ("peace talks NOT treaty NOT border*", True),
    ("NOT treaty", False),  # every passage but: Whoosh's own matchers
    ('peace NOT "peace treaty"', False),
    ('"peace treaty"', True),  # a phrase: the AND, then the words' positions
    ('"peace treaty" AND Lachin', False),  # a phrase inside an AND: Whoosh's matchers
    ('title:"peace treaty"', True),
    ('"Lachin corridor"', True),
    ('"the Lachin corridor"', True),  # three words: read rarest first, in the others' passages
    ("(peace OR treaty) AND Lachin", False),
    ("check* OR peace*", True),  # expansions ORed together: one flat OR of words
]


def both(engine, q, fast_expected: bool = True):
    """(fast, slow) results for q; asserts whether the fast path answered it."""
    import index.engine.searcher as search_module

    taken: list[bool] = []
    flat_search = search_module.flat_search

    def spy(*args, **kwargs):
        ranked = flat_search(*args, **kwargs)
        taken.append(ranked is not None)
        return ranked

    search_module.flat_search = spy
    opened = engine._engine  # a search that fails is run again on the index reopened
    try:
        engine.fast_path = True
        fast = engine.search(q, limit=15)
        assert engine._engine is opened, f"{q}: the search failed, then ran on a reopened index"
        assert taken == [fast_expected], (q, taken)
        engine.fast_path = False
        slow = engine.search(q, limit=15)
        assert taken == [fast_expected], "the slow path never tries the fast one"
    finally:
        search_module.flat_search = flat_search
        engine.fast_path = True
    return fast, slow


def assert_same(fast, slow):
    assert fast.total == slow.total and fast.total_articles == slow.total_articles
    assert [(p.pid, round(p.score, 6)) for p in fast.passages] == [
        (p.pid, round(p.score, 6)) for p in slow.passages
    ]
    assert [(a.id, a.hits) for a in fast.articles] == [(a.id, a.hits) for a in slow.articles]


@pytest.mark.parametrize("q, fast", QUERIES)
def test_same_results_on_the_bundled_articles(bundled_library, q, fast):
    assert_same(*both(bundled_library.engine, q, fast))


def test_same_results_with_deletions_and_several_segments(make_corpus, monkeypatch):
    monkeypatch.setattr(segments, "POSTINGS_BLOCK", 4)  # postings in several blocks
    files = {
        f"a{i:02}.txt": f"Title {i}\n\nThe checkpoint on the corridor, item {i}.\n\n"
        f"Peace treaty talks said {'again ' * (i % 4)}progress.\n"
        for i in range(40)
    }
    settings = make_corpus(files)
    update_index(settings)
    for i in range(0, 40, 3):  # changed articles: deleted documents, a new segment
        (settings.corpus / f"a{i:02}.txt").write_text(
            f"Title {i}\n\nA corridor checkpoint, rewritten {i}.\n", encoding="utf-8"
        )
    update_index(settings)
    engine = Library(settings).engine
    assert (
        engine._engine._searcher.reader().has_deletions()
        or len(engine._engine._searcher.subsearchers or []) > 1
    )
    for q, fast_expected in [
        ("checkpoint", True),
        ("corridor AND checkpoint", True),
        ("peace OR rewritten", True),
        ("check*", True),
        ("said", True),
        ('"corridor checkpoint"', True),
        ('"peace treaty"', True),
        ("checkpoint NOT rewritten", True),
        ("talks NOT (again OR item)", True),
    ]:
        fast, slow = both(engine, q, fast_expected)
        assert fast.total > 0
        assert_same(fast, slow)


@pytest.mark.parametrize("block", [segments.POSTINGS_BLOCK, 16])
def test_every_match_counted_on_a_larger_corpus(make_corpus, monkeypatch, block):
    """Whoosh's collector skips matches that cannot reach the top results unless told
    not to: on a corpus of some size, both paths must count every matching passage.
    Phrases count only where their words stand side by side, in order. (With blocks of
    16 postings, each word's postings span a dozen blocks.)"""
    import random

    monkeypatch.setattr(segments, "POSTINGS_BLOCK", block)

    rnd = random.Random(3)
    words = ["oil", "gas", "grain", "steel", "bank", "rate", "export", "market"]
    passages: list[tuple[set[str], str]] = []
    files = {}
    for i in range(150):
        paras = [set(rnd.sample(words, rnd.randint(1, 4))) for _ in range(5)]
        texts = [
            " ".join(sorted(p) * rnd.randint(1, 3)) + f" item {i} {j}." for j, p in enumerate(paras)
        ]
        passages += zip(paras, texts, strict=True)
        files[f"n{i:03}.txt"] = f"Report {i}\n\n" + "\n\n".join(texts) + "\n"
    engine = Library(update_and(make_corpus(files))).engine

    def expected(test) -> int:
        return sum(1 for p, text in passages if test(p, f" {text} "))

    for q, test in [
        ("oil OR gas", lambda p, t: "oil" in p or "gas" in p),
        ("oil AND gas", lambda p, t: "oil" in p and "gas" in p),
        ("(oil OR gas) AND bank", lambda p, t: ("oil" in p or "gas" in p) and "bank" in p),
        ("oil NOT gas", lambda p, t: "oil" in p and "gas" not in p),
        (
            "bank rate NOT (oil OR gas)",
            lambda p, t: {"bank", "rate"} <= p and not {"oil", "gas"} & p,
        ),
        ('"bank oil"', lambda p, t: " bank oil " in t),
        ('"steel bank"', lambda p, t: " steel bank " in t),  # across a repetition
        ('"oil oil"', lambda p, t: " oil oil " in t),  # one word twice
        ('"bank oil rate"', lambda p, t: " bank oil rate " in t),
    ]:
        assert expected(test), q
        for fast in (True, False):
            engine.fast_path = fast
            assert engine.search(q, limit=5).total == expected(test), (q, fast)
    engine.fast_path = True


@pytest.mark.parametrize("searched_before", [[], ["gas"], ["oil", "rate"], ["bank", "gas"]])
def test_an_and_counted_whole_with_words_kept_or_not(make_corpus, searched_before):
    """An AND counted whole reads its rarest word whole, each other one only in the
    passages holding the words before it, or takes a word kept whole by an earlier
    search: the same passages, scores and counts as Whoosh in every case."""
    import random

    rnd = random.Random(5)
    words = ["oil", "gas", "bank", "rate", "grain"]
    files = {
        f"n{i:03}.txt": f"Report {i}\n\n"
        + "\n\n".join(" ".join(rnd.sample(words, rnd.randint(1, 4))) + "." for _ in range(4))
        for i in range(80)
    }
    settings = update_and(make_corpus(files))
    engine = Library(settings).engine  # nothing kept from another test's searches
    for word in searched_before:
        engine.search(word)
    for q in ("bank AND oil AND gas", "gas AND rate", "oil AND bank AND rate AND grain"):
        fast, slow = both(engine, q)
        assert fast.total > 0, q
        assert_same(fast, slow)


def update_and(settings):
    update_index(settings)
    return settings


def test_scores_kept_for_typing_are_dropped_with_a_newer_index(make_corpus):
    """And passages removed by an update are gone after refresh (Whoosh's own
    searcher.refresh() kept a reused segment's old deletions: 7 found, not 6)."""
    files = {f"a{i:02}.txt": f"Title {i}\n\nThe corridor checkpoint, item {i}.\n" for i in range(6)}
    settings = make_corpus(files)
    update_index(settings)
    engine = Library(settings).engine
    assert engine.search("corridor").total == 6
    assert engine.search("corridor checkpoint").total == 6  # `corridor` from the cache
    make_corpus({"a00.txt": "Title 0\n\nNothing here now.\n", "b.txt": "B\n\ncorridor\n"})
    update_index(settings)
    assert engine.refresh()
    assert engine.search("corridor").total == 6  # a00 lost it, b gained it
    assert engine.search("corridor checkpoint").total == 5
    assert_same(*both(engine, "corridor checkpoint"))


def test_a_cap_for_typing_reads_a_common_word_only_so_far_and_says_so(make_corpus):
    """issue 10 item 5: as one types, a word in very many passages is ranked and
    counted among its first `cap`; without a cap (the command line) every match counts."""
    files = {f"a{i:02}.txt": f"T {i}\n\nThe said item {i}.\n\nOther said {i}.\n" for i in range(40)}
    files["z.txt"] = "Zed\n\nRare word quokka said.\n"
    settings = make_corpus(files)
    update_index(settings)
    engine = Library(settings).engine
    capped = engine.search("said", limit=5, cap=10)
    assert not capped.complete and capped.cap == 10
    assert capped.total == 10 and len(capped.passages) == 5
    exact = engine.search("said", limit=5)
    assert exact.complete and exact.total == 81  # not answered from the capped read
    assert engine.search("said", limit=5, cap=10).complete  # once read whole, kept whole
    engine.refresh()
    engine._engine._scores = type(engine._engine._scores)()  # forget what was read
    rare = engine.search("quokka said", cap=10)  # an AND with a capped word: said so too
    assert not rare.complete
    small = engine.search("quokka", cap=10)  # under the cap: read whole, exact
    assert small.complete and small.total == 1
    assert_same(engine.search("said", limit=5, cap=1000), exact)


def test_a_capped_prefix_reads_its_words_up_to_the_cap_in_all(make_corpus):
    """A prefix's words share the cap as one types: the rare ones read whole, the
    common ones an equal share of the rest, `cap` passages in all, and said so."""
    files = {f"a{i:02}.txt": f"T {i}\n\nShares fell {i}.\n\nShared view {i}.\n" for i in range(30)}
    files["z.txt"] = "Zed\n\nA sharp rise.\n"
    engine = Library(update_and(make_corpus(files))).engine
    engine.warm()
    capped = engine.search("shar*", limit=5, cap=21)
    assert not capped.complete and capped.total == 21  # sharp whole, 10 each of the rest
    assert "z" in [a.id for a in capped.articles]
    exact = engine.search("shar*", limit=5)
    assert exact.complete and exact.total == 61
    engine._engine._scores = type(engine._engine._scores)()  # forget what was read
    wide = engine.search("shar*", limit=5, cap=61)  # all of them fit: read whole
    assert_same(wide, exact)


def test_a_capped_phrase_says_so_and_the_whole_count_is_exact(make_corpus):
    """A phrase of common words as one types: counted among its words' first `cap`
    passages, and said so; without a cap every passage holding the phrase counts."""
    files = {f"a{i:02}.txt": f"T {i}\n\nLast year item {i}.\n\nYear last {i}.\n" for i in range(40)}
    engine = Library(update_and(make_corpus(files))).engine
    capped = engine.search('"last year"', limit=5, cap=10)
    assert not capped.complete and 0 < capped.total <= 10
    exact = engine.search('"last year"', limit=5)
    assert exact.complete and exact.total == 40  # "year last" is not the phrase


def test_a_capped_phrase_reads_each_word_only_to_its_share(make_corpus, monkeypatch):
    """The rarer word of a capped phrase is read first and the other only in its
    passages, but each still only as far as its share of the cap, over several
    segments: the phrase is counted among each word's first passages, not further."""
    from index.engine import segments

    monkeypatch.setattr(segments, "FIRST_SEGMENT", 6)
    monkeypatch.setattr(segments, "SEGMENT_PASSAGES", 6)
    files = {f"a{i:02}.txt": f"T {i}\n\nDelta alone {i}.\n\nGamma delta {i}.\n" for i in range(40)}
    engine = Library(update_and(make_corpus(files))).engine
    assert len(engine._engine._searcher.subsearchers or []) > 3
    # cap 20: gamma (40 passages) and delta (80) read 10 each; delta's first 10 are
    # the first 5 articles' two passages, so 5 of gamma's first 10 hold the phrase
    capped = engine.search('"gamma delta"', limit=5, cap=20)
    assert not capped.complete and capped.total == 5
    assert engine.search('"gamma delta"', limit=5).total == 40


def test_scores_kept_are_bounded_and_results_unchanged(make_corpus):
    """The scores kept for typing are bounded by how many they hold (a common word at
    100k articles has 100,000): the oldest words go first, results stay the same."""
    from index.engine.wordscores import ScoreCache

    files = {f"a{i:02}.txt": f"T {i}\n\nThe corridor item {i}.\n\nPeace {i}.\n" for i in range(30)}
    engine = Library(update_and(make_corpus(files))).engine
    exact = {q: engine.search(q, limit=5) for q in ("corridor", "peace", "item")}
    cache = engine._engine._scores = ScoreCache(scores=45)
    for q in ("corridor", "peace", "item", "corridor"):
        assert_same(engine.search(q, limit=5), exact[q])
        assert cache._kept <= 45 and cache._kept == sum(s.size for s in cache._scores.values())
    assert [k[1] for k in cache._scores] == ["corridor"]  # 30 + 30 > 45: one kept


def test_a_prefix_expands_from_the_word_table_as_the_index_expands_it(bundled_library):
    """After warming, a prefix is expanded from the in-memory word table (bisection)
    instead of the index's merged word lists: the same words, in the same order."""
    from index import querymodel as qm
    from index.engine.private import expansion_words
    from index.engine.queries import _pattern

    engine = bundled_library.engine
    engine.warm()
    words = engine._engine.words
    reader = engine._engine._searcher.reader()
    table = words.table("exact")
    heads = {w[:n] for w in table.ordered[::7] for n in (1, 2, 3, 5)} | {"zzzz", "ü", "'"}
    assert len(heads) > 100
    for head in sorted(heads):
        node = qm.Prefix("exact", head)
        whoosh = [b.decode() for b in expansion_words(_pattern(node), reader)]
        assert words.matching(node) == whoosh, head


def test_a_word_is_looked_up_in_each_segment_as_whoosh_looks_it_up(make_corpus):
    """The term table's hash lookup by positioned reads (private.term_info) finds every
    word of every segment with Whoosh's own term info, and no word a segment lacks."""
    from index.engine import private

    files = {f"a{i:02}.txt": f"Title {i}\n\nWord{i} and checkpoint {i * 7}.\n" for i in range(30)}
    settings = make_corpus(files)
    update_index(settings)
    (settings.corpus / "a03.txt").write_text("Title\n\nA rewritten corridor.\n", encoding="utf-8")
    update_index(settings)
    searcher = Library(settings).engine._engine._searcher
    subs = [s.reader() for s, _ in searcher.subsearchers or [(searcher, 0)]]
    assert len(subs) > 1
    checked = 0
    for reader in subs:
        assert private._hash_lookup(reader._terms._tindex) is not None
        for fieldname, btext in reader._terms.terms():
            mine = private.term_info(reader, fieldname, btext)
            theirs = reader._terms.term_info(fieldname, btext)
            assert vars(mine) == vars(theirs), (fieldname, btext)
            checked += 1
        for absent in (b"zzzz", b"", b"word999", b"checkpoint" * 20):
            assert private.term_info(reader, "text", absent) is None
            assert private.term_info(reader, "nofield", b"checkpoint") is None
    assert checked > 200


def test_same_results_with_deletions_in_a_later_segment(make_corpus):
    """Passages deleted from a segment that is not the first (their document numbers
    shifted by the segments before it): words in more passages of that segment than
    it has deletions, and in fewer."""
    files = {
        f"a{i:02}.txt": f"Title {i}\n\nThe checkpoint on the corridor, item {i}.\n"
        for i in range(40)
    }
    settings = make_corpus(files)
    update_index(settings)
    for rewrite, every in enumerate((3, 6)):  # the second deletes half the first's
        for i in range(0, 40, every):
            extra = " An extra clause." if i in (3, 6, 9) and not rewrite else ""
            (settings.corpus / f"a{i:02}.txt").write_text(
                f"Title {i}\n\nA corridor checkpoint, rewritten {i} {rewrite}.{extra}\n",
                encoding="utf-8",
            )
        update_index(settings)
    engine = Library(settings).engine
    searcher = engine._engine._searcher
    later = [sub for sub, offset in searcher.subsearchers or [] if offset]
    assert any(sub.reader().has_deletions() for sub in later)
    for q in ["checkpoint", "rewritten", "clause", "corridor AND clause"]:
        fast, slow = both(engine, q)
        assert fast.total > 0
        assert_same(fast, slow)
    assert engine.search("clause").total == 2


def test_a_few_deletions_among_many_postings_are_not_found(make_corpus):
    """A word in many passages of a later segment, a few of them deleted (the deleted
    are looked up in its postings, not each posting checked): at the start, the middle
    and the end of its postings, and one deleted passage without the word."""
    settings = make_corpus(
        {f"b{i:02}.txt": f"Other {i}\n\nA quiet border, {i}.\n" for i in range(60)}
    )
    update_index(settings)
    make_corpus(
        {f"a{i:03}.txt": f"Title {i}\n\nThe checkpoint report number {i}.\n" for i in range(120)}
    )
    update_index(settings)
    for name in ("a000.txt", "a060.txt", "a119.txt", "b05.txt"):
        (settings.corpus / name).write_text(
            f"Moved\n\nThe border report, {name}.\n", encoding="utf-8"
        )
    update_index(settings)
    engine = Library(settings).engine
    searcher = engine._engine._searcher
    later = [sub for sub, offset in searcher.subsearchers or [] if offset]
    assert any(sub.reader().has_deletions() for sub in later)
    for q, total in [("checkpoint", 117), ('"checkpoint report"', 117), ("report", 121)]:
        fast, slow = both(engine, q)
        assert_same(fast, slow)
        assert fast.total == total, q


def test_a_word_table_built_before_an_update_is_not_kept_after_it(make_corpus):
    """The warm-up builds the word table without holding the engine; if an update is
    picked up meanwhile, that table (the older commit's words) is dropped: a prefix
    then finds the new words."""
    from index import querymodel as qm

    settings = update_and(make_corpus({"a.txt": "Alpha\n\nThe alpha release.\n"}))
    engine = Library(settings).engine
    searcher = engine._engine
    build, built_for = searcher.unbuilt_table("exact"), searcher.generation
    (settings.corpus / "b.txt").write_text("Beta\n\nAlphabetic order.\n", encoding="utf-8")
    update_index(settings)
    assert engine.refresh()
    engine._engine.keep_table("exact", build(), built_for)
    assert "alphabetic" in engine._engine.words.matching(qm.Prefix("exact", "alpha"))
    assert engine.search("alpha*").total == 2


def test_an_or_of_many_words_is_read_after_warming_as_whoosh_reads_it(make_corpus, monkeypatch):
    """After the warm-up, each field's word counts are read whole: a prefix's words are
    counted from them and looked up in each segment together, in one piece of its term
    table; the results are still Whoosh's, deletions and several segments included."""
    from index.engine import wordscores

    files = {
        f"a{i:02}.txt": f"Title {i}\n\nWord{i} and word{i * 7} at the checkpoint.\n\n"
        f"Worded {'again ' * (i % 3)}{i}.\n"
        for i in range(40)
    }
    settings = make_corpus(files)
    update_index(settings)
    for i in range(0, 40, 3):  # deleted documents, a new segment
        (settings.corpus / f"a{i:02}.txt").write_text(
            f"Title {i}\n\nA rewritten word{i + 1} checkpoint.\n", encoding="utf-8"
        )
    update_index(settings)
    engine = Library(settings).engine
    engine.warm()
    searcher = engine._engine._searcher
    assert len(searcher.subsearchers or []) > 1 and searcher.reader().has_deletions()
    for field in ("exact", "text"):
        counts = engine._engine._tables[field].counts
        words = engine._engine._tables[field].ordered
        assert len(words) > 40
        assert [counts.docs[w] for w in words] == [
            searcher.reader().doc_frequency(field, w) for w in words
        ]
        lexicon = engine._engine.words  # what the query reader and highlights ask
        for w in [*words[::5], "zzzz", "word", "word1000"]:
            assert lexicon.has(field, w) == ((field, w) in searcher.reader()), w
            assert lexicon.doc_frequency(field, w) == searcher.reader().doc_frequency(field, w)
    together = []
    real = wordscores.term_infos
    monkeypatch.setattr(wordscores, "term_infos", lambda *a: together.append(a[2]) or real(*a))
    for q in ("word*", "word1*", "check* OR word*"):
        fast, slow = both(engine, q)
        assert fast.total > 0
        assert_same(fast, slow)
    assert together and max(map(len, together)) > 8
