"""`dossier agree`: percent agreement, Cohen's κ and Krippendorff's α per topic and overall,
checked against figures worked out by hand, then on two real tag files of the bundled
articles; and taking one side of a disagreement in the user's own tag file."""

from __future__ import annotations

import argparse
import json
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from helpers_tags import bundled, bundled_corpus

from index.agreement import (
    Table,
    agree,
    coder_name,
    compare,
    distinct_names,
    open_tag_file,
    table,
    take_side,
)
from index.article_source import LibraryArticles
from index.errors import NotFound
from index.library import Library
from index.tags import TagStore
from tui.cli import coverage as cli_coverage

__all__ = ["bundled", "bundled_corpus"]  # fixtures used below

A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"
A2 = "002_e536400ab8bce265"
KEYS = {"agreement", "kappa", "alpha", "both", "a_only", "b_only"}


def test_hand_computed_table():
    """Ten passages u1..u10. Coder A tags u1 u2 u3 u4, coder B tags u1 u2 u3 u5 u6.

    both = 3 (u1-u3), A only = 1 (u4), B only = 2 (u5, u6), neither = 4 (u7-u10).
    agreement p_o = (3 + 4) / 10 = 0.7
    Cohen: A tags 4/10 = 0.4, B tags 5/10 = 0.5;
           p_e = 0.4·0.5 + 0.6·0.5 = 0.2 + 0.3 = 0.5;  κ = (0.7 − 0.5) / (1 − 0.5) = 0.4
    Krippendorff (nominal): N = 2·10 = 20 values; tagged n₁ = 2·3 + 1 + 2 = 9, n₀ = 11;
           coincidences o₀₁ = o₁₀ = 1 + 2 = 3;  D_o = (3 + 3) / 20 = 0.3;
           D_e = (9·11 + 11·9) / (20·19) = 198/380;  α = 1 − 0.3·380/198 = 1 − 57/99 = 42/99
    """
    units = [f"u{i}" for i in range(1, 11)]
    t = table(units, {"u1", "u2", "u3", "u4"}, {"u1", "u2", "u3", "u5", "u6"})
    assert (t.both, t.a_only, t.b_only, t.neither) == (3, 1, 2, 4)
    assert t.agreement == pytest.approx(0.7)
    assert t.kappa == pytest.approx(0.4)
    assert t.alpha == pytest.approx(42 / 99)


def test_second_hand_table_perfect_and_chance():
    """Four passages. Perfect: both tag p1 p2 → p_o = 1, p_e = .5·.5 + .5·.5 = .5, κ = 1;
    α: n₁ = 4, n₀ = 4, no disagreement → α = 1 − 7·0/16 = 1.
    Opposite: A tags p1 p2, B tags p3 p4 → p_o = 0, p_e = .5, κ = (0 − .5)/.5 = −1;
    α: N = 8, n₁ = 4, n₀ = 4, A only + B only = 4 → α = 1 − 7·4/16 = −0.75."""
    units = ["p1", "p2", "p3", "p4"]
    same = table(units, {"p1", "p2"}, {"p1", "p2"})
    assert (same.kappa, same.alpha) == (pytest.approx(1.0), pytest.approx(1.0))
    opposite = table(units, {"p1", "p2"}, {"p3", "p4"})
    assert opposite.agreement == 0
    assert opposite.kappa == pytest.approx(-1.0)
    assert opposite.alpha == pytest.approx(-0.75)


def test_no_variance_is_undefined_and_left_out_of_the_means():
    """Both coders tag every passage for `a`: p_e = 1 and n₀ = 0, so κ and α are 0/0,
    reported as None and left out of the overall means; agreement is 1."""
    everywhere = Table(both=5, a_only=0, b_only=0, neither=0)
    assert everywhere.agreement == 1.0
    assert everywhere.kappa is None and everywhere.alpha is None
    units = ["x#1", "x#2", "x#3", "x#4"]
    result = compare(
        units, {"a": set(units), "b": {"x#1"}}, {"a": set(units), "b": {"x#2"}}, "A", "B"
    )
    data = result.to_json()
    assert data["topics"]["a"]["kappa"] is None and data["topics"]["a"]["alpha"] is None
    # b: both 0, A only 1, B only 1, neither 2: p_o = .5, p_e = .25·.25 + .75·.75 = .625
    b_kappa = (0.5 - 0.625) / (1 - 0.625)
    assert data["topics"]["b"]["kappa"] == pytest.approx(b_kappa)
    assert data["overall"]["kappa"] == pytest.approx(b_kappa)  # the mean of the defined one
    assert data["overall"]["agreement"] == pytest.approx((1 + 0.5) / 2)
    assert data["overall"]["a_only"] == 1 and data["overall"]["b_only"] == 1
    assert data["disagreements"] == [
        {"passage": "x#1", "topic": "b", "coder": "A"},
        {"passage": "x#2", "topic": "b", "coder": "B"},
    ]


def test_coder_names():
    entries = [
        SimpleNamespace(coder="ana"),
        SimpleNamespace(coder=""),
        SimpleNamespace(coder="ana"),
    ]
    assert coder_name(entries, Path("/x/first.yaml")) == "ana"
    assert coder_name([SimpleNamespace(coder="")], Path("/x/first.yaml")) == "first"
    assert coder_name([], Path("/x/b.yaml")) == "b"
    assert distinct_names("tags", "tags") == ("tags (A)", "tags (B)")


# --- two real tag files on the bundled articles ----------------------------------------


def run(settings, *argv) -> int:
    parser = argparse.ArgumentParser(prog="dossier")
    sub = parser.add_subparsers(dest="command")
    cli_coverage.register(sub)
    args = parser.parse_args(list(argv))
    return args.run(settings, args) or 0


def _coder_file(settings, path: Path, lib: Library, tagging) -> TagStore:
    """Tags made by coder `path.stem` (config.yaml's `coder:`), recorded on each entry."""
    mine = replace(settings, tags_file=path, coder=path.stem)
    store = TagStore.open(mine, LibraryArticles(settings, lib))
    for fn in tagging:
        fn(store, lib)
    return store


def _passage(aid, n, *topics):
    return lambda store, lib: store.add_passage(lib.article(aid), n, list(topics))


def _span_over(aid, n, *topics):
    """A span from the middle of passage n to the middle of passage n + 1."""

    def tag(store, lib):
        art = lib.article(aid)
        p, q = art.passage(n), art.passage(n + 1)
        store.add(art, (p.start + p.end) // 2, (q.start + q.end) // 2, list(topics))

    return tag


@pytest.fixture
def two_coders(bundled, tmp_path):
    lib = Library(bundled)
    a = tmp_path / "ana.yaml"
    b = tmp_path / "ben.yaml"  # the coders' names are in the entries, not only the stems
    _coder_file(
        bundled,
        a,
        lib,
        [
            _passage(A0, 8, "border", "corridor"),
            _passage(A0, 10, "border"),
            _span_over(A1, 3, "treaty"),
        ],
    )
    _coder_file(
        bundled,
        b,
        lib,
        [_passage(A0, 8, "border"), _passage(A1, 3, "treaty"), _passage(A2, 5, "corridor")],
    )
    return bundled, lib, a, b


def test_agree_on_two_tag_files(two_coders, capsys):
    """ana: A0#8 border+corridor, A0#10 border, a span over A1#3–#4 treaty.
    ben: A0#8 border, A1#3 treaty, A2#5 corridor.
    border: both {A0#8}, ana only {A0#10}; corridor: ana only {A0#8}, ben only {A2#5};
    treaty: both {A1#3}, ana only {A1#4} (the span counts for both its passages)."""
    settings, lib, a, b = two_coders
    assert run(settings, "agree", str(a), str(b), "--json") == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"topics", "overall", "disagreements"}
    assert list(data["topics"]) == ["border", "corridor", "treaty"]
    for figures in [*data["topics"].values(), data["overall"]]:
        assert set(figures) == KEYS
    counts = {t: (f["both"], f["a_only"], f["b_only"]) for t, f in data["topics"].items()}
    assert counts == {"border": (1, 1, 0), "corridor": (0, 1, 1), "treaty": (1, 1, 0)}
    n = sum(info.passages for info in lib.infos.values())
    border = table(range(n), {0, 1}, {0})  # the same shape over as many passages
    assert data["topics"]["border"]["kappa"] == pytest.approx(border.kappa)
    assert data["topics"]["border"]["agreement"] == pytest.approx((n - 1) / n)
    assert data["overall"]["both"] == 2 and data["overall"]["a_only"] == 3
    assert data["disagreements"] == [
        {"passage": f"{A0}#8", "topic": "corridor", "coder": "ana"},
        {"passage": f"{A0}#10", "topic": "border", "coder": "ana"},
        {"passage": f"{A1}#4", "topic": "treaty", "coder": "ana"},
        {"passage": f"{A2}#5", "topic": "corridor", "coder": "ben"},
    ]
    b.rename(b.with_name("second-coder.yaml"))  # the name comes from the entries
    b = b.with_name("second-coder.yaml")
    assert run(settings, "agree", str(a), str(b)) == 0
    out = capsys.readouterr().out
    assert "4 disagreements" in out and f"{A2}#5  corridor  only ben" in out


def test_missing_file_is_a_clear_error(two_coders, tmp_path):
    settings, lib, _, _ = two_coders
    with pytest.raises(NotFound, match="no such tag file"):
        open_tag_file(settings, tmp_path / "nope.yaml", lib)


def test_taking_a_side_changes_my_file_and_undoes(two_coders):
    """The user's own file is ana's: taking ben's side on each disagreement leaves none;
    undo brings every one back."""
    settings, lib, a, b = two_coders
    articles = LibraryArticles(settings, lib)
    mine = open_tag_file(settings, a, articles)
    theirs = open_tag_file(settings, b, articles)
    their_bytes = b.read_bytes()
    before = agree(mine, theirs, lib.infos).disagreements
    assert len(before) == 4
    for d in before:
        aid, _, n = d.passage.rpartition("#")
        take_side(mine, lib.article(aid), int(n), d.topic, tagged=d.coder == "ben")
    assert agree(mine, theirs, lib.infos).disagreements == []
    assert b.read_bytes() == their_bytes  # only my own file changes
    while mine.can_undo:
        mine.undo()
    again = open_tag_file(settings, a, articles)
    assert agree(again, theirs, lib.infos).disagreements == before


def test_agree_table_shows_a_long_label_whole(two_coders, capsys):
    settings, _, a, b = two_coders
    long = "Lachin checkpoint and road"
    topics = tuple(replace(t, label=long) if t.id == "border" else t for t in settings.topics)
    assert run(replace(settings, topics=topics), "agree", str(a), str(b)) == 0
    rows = capsys.readouterr().out.splitlines()
    assert any(ln.startswith(f"{long} ") for ln in rows)
