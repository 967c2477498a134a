"""The Whoosh internals the search fast path reads (index/engine/private.py) are still
there and still mean what they meant: this fails loudly when an installed Whoosh
changes them (issue 10 item 7), instead of searches quietly taking the slow path."""

from __future__ import annotations

from whoosh import query as wq

from index.engine import private as wp
from index.engine.wordscores import term_scores


def test_field_lengths_match_whoosh(bundled_library):
    searcher = bundled_library.engine._engine._searcher
    for sub, _ in searcher.reader().leaf_readers():
        lengths = wp.field_lengths(sub, "text")
        assert lengths is not None, "Whoosh no longer keeps lengths as the 2.7 codec did"
        assert lengths == [sub.doc_field_length(d, "text", 1) for d in range(sub.doc_count_all())]


def test_article_column_read_at_once_matches_whoosh(make_corpus):
    """Each passage's article, read in one go per segment (a new process's first search
    reads every passage's): the same as Whoosh's reader, names with accents included,
    over several segments."""
    from index.library import Library

    lib = Library(make_corpus({"Łódź/café.md": "One.\n\nTwo.\n", "b.md": "Three.\n"}))
    lib.update()
    make_corpus({"añadido/ß.txt": "Four.\n\nFive.\n"})  # an update: a second segment
    lib.update()
    reader = lib.engine._engine._searcher.reader()
    subs = [sub for sub, _ in reader.leaf_readers()]
    assert len(subs) == 2
    for sub in subs:
        quick = wp.column_texts(sub, "article")
        assert quick is not None, "Whoosh's VarBytesColumn reader lost _lengths/_basepos"
        assert quick == list(sub.column_reader("article"))
    ids = lib.engine._engine.articles_of_docs()
    assert set(ids.names) == {"b", "añadido/ß", "Łódź/café"}
    assert [ids[d] for d in range(len(ids))] == [
        a for sub in subs for a in wp.column_texts(sub, "article")
    ]


def test_article_column_with_stored_offsets_matches_whoosh(tmp_path):
    """A column of more values than VarBytesColumn's cutoff is written with each value's
    offset too (another layout at the file's end): read at once, still Whoosh's values."""
    from whoosh import fields
    from whoosh.columns import VarBytesColumn
    from whoosh.filedb.filestore import FileStorage

    schema = fields.Schema(article=fields.ID(stored=False, sortable=VarBytesColumn()))
    schema["article"].column_type = VarBytesColumn(write_offsets_cutoff=4)
    ix = FileStorage(str(tmp_path)).create_index(schema)
    with ix.writer() as w:
        for name in ["a", "b", "", "Łódź/café", "b", "c" * 300, "d"]:
            w.add_document(article=name)
    with ix.reader() as reader:
        (sub, _), *_ = reader.leaf_readers()
        column = sub._perdoc.column_reader("article", schema["article"].column_type)
        assert column.had_stored_offsets
        quick = wp.column_texts(sub, "article")
        assert quick is not None
        assert quick == [v.decode() for v in sub.column_reader("article", translate=False)]


def test_posting_blocks_match_whoosh(bundled_library):
    reader = bundled_library.engine._engine._searcher.reader()
    for sub, _ in reader.leaf_readers():
        btext = sub.schema["text"].to_bytes("lachin")
        blocks = wp.posting_blocks(sub, "text", btext)
        assert blocks is not None, "Whoosh's block matcher lost _read_ids/_read_weights"
        ids = [d for block, _ in blocks for d in block]
        assert ids == [d for d, _ in sub.postings("text", btext).items_as("weight")]
        assert ids


def test_fast_scores_equal_whoosh_scores(bundled_library):
    searcher = bundled_library.engine._engine._searcher
    term = wq.Term("text", "peac")
    fast = {}
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        scores = term_scores(sub, offset, term, searcher.weighting)
        assert scores is not None
        fast.update(scores)
    slow = {hit.docnum: hit.score for hit in searcher.search(term, limit=None)}
    assert fast.keys() == slow.keys() and fast
    assert all(abs(fast[d] - slow[d]) < 1e-6 for d in fast)


def test_prefix_expansion_and_segments(bundled_library):
    reader = bundled_library.engine._engine._searcher.reader()
    words = wp.expansion_words(wq.Prefix("exact", "negot"), reader)
    assert words and all(w.startswith(b"negot") for w in words)
    assert wp.segment_count(bundled_library.engine._engine._ix) >= 1
