"""Quitting the reader while it warms the index up ends the warm-up: at 100k articles
reading the word tables takes 10-20 s, and the reader's process waited for it after
its window had closed (q took 9.9 s). The app passes `warm` a stop that its quit sets
(tried in tmux at 100k: q 19 s after start, 9.9 -> 3.2 s)."""

from __future__ import annotations

import pytest

from index.build import update_index
from index.engine import termtable
from index.errors import StopAsked
from index.library import Library


def test_warming_stops_between_the_segments_of_a_word_table(make_corpus, monkeypatch):
    files = {f"a{i:02}.txt": f"Title {i}\n\nWord{i} at the checkpoint.\n" for i in range(30)}
    settings = make_corpus(files)
    update_index(settings)
    for i in range(0, 30, 3):  # a second segment
        (settings.corpus / f"a{i:02}.txt").write_text(f"Title {i}\n\nNew word{i}.\n")
    update_index(settings)
    reads = []
    real = termtable.field_rows

    def counted(sub, field):
        rows = real(sub, field)
        return None if rows is None else lambda: reads.append(field) or rows()

    monkeypatch.setattr(termtable, "field_rows", counted)
    engine = Library(settings).engine
    assert len(engine._engine._searcher.subsearchers or []) > 1
    with pytest.raises(StopAsked):
        engine.warm(stopped=lambda: len(reads) >= 1)  # asked to stop once one is read
    assert reads == ["exact"]  # not the other segments, nor the other table
    assert "exact" not in engine._engine._tables
    engine.warm()  # stopped once, it warms up whole later
    assert {"exact", "text"} <= engine._engine._tables.keys()
    assert engine.search("word3*").total >= 1
