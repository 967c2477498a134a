"""`dossier stats`: every count agrees with what `dossier tags --json` (and `show --json`
for the passages' offsets) say of the same tag file; filters; the CSV holds the JSON's
figures; weeks and months."""

from __future__ import annotations

import csv
import io
import json

import pytest
import yaml
from helpers_stats import expected_from_tags
from helpers_tags import bundled, bundled_corpus

import tui.cli as cli
from index.library import Library
from index.stats import Filters, period_of, timeline

__all__ = ["bundled", "bundled_corpus"]  # fixtures used below

A0 = "000_0d42f3f6a94791ae"  # Caucasus Watch, 2023-06-29
A1 = "001_1a5c9ff20c0ee09c"  # RFE/RL, 2023-05-04
A2 = "002_e536400ab8bce265"
A4 = "004_bd0bc0e79d4348b1"  # Europa Press, 2023-05-05


@pytest.fixture
def dossier(bundled, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_settings", lambda path: bundled)

    def call(*argv: str):
        capsys.readouterr()
        code = cli.main(list(argv))
        out = capsys.readouterr()
        assert code == 0, out.err
        return out.out

    return call


@pytest.fixture
def tagged(dossier, bundled):
    """Passages, two tags on one passage, a span over two passages and an orphan."""
    dossier("tag", f"{A0}#8", "border,corridor")
    dossier("tag", f"{A0}#10", "border")
    dossier("tag", f"{A1}#10", "corridor")
    dossier("tag", f"{A1}#3", "treaty")
    dossier("tag", f"{A4}#3", "corridor,treaty")
    dossier("tag", f"{A2}#2", "treaty")
    doc = yaml.safe_load(bundled.tags_file.read_text(encoding="utf-8"))
    a0 = json.loads(dossier("show", A0, "--json"))
    p7, p8 = a0["passages"][6], a0["passages"][7]
    span = dict(doc["entries"][0])  # A0#8, re-made as a span from #7 into #8 with one topic
    span["id"] = "span000000000a"
    span["topics"] = ["treaty"]
    span["anchor"] = {
        "start": p7["end"] - 20,
        "end": p8["start"] + 15,
        "prefix": "",
        "exact": Library(bundled).article(A0).text[p7["end"] - 20 : p8["start"] + 15],
        "suffix": "",
    }
    orphan = {**dict(doc["entries"][1]), "id": "orphan00000000a", "topics": ["border"]}
    orphan["anchor"] = {"start": 5, "end": 30, "exact": "words no article has ever had"}
    orphan["article_hash"] = ""
    doc["entries"] += [span, orphan]
    bundled.tags_file.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    return dossier


def test_stats_agrees_with_tags_json(tagged):
    want = expected_from_tags(tagged)
    got = json.loads(tagged("stats", "--json"))
    assert got["orphaned"] == want["orphans"] == 1
    assert [t["id"] for t in got["topics"]] == ["border", "corridor", "treaty"]
    for t in got["matrix"]:
        for outlet, cell in got["matrix"][t].items():
            passages, articles = want["matrix"][t][outlet]
            assert (cell["passages"], cell["articles"]) == (passages, len(articles)), (t, outlet)
        assert got["totals"][t]["passages"] == sum(c[0] for c in want["matrix"][t].values())
        for u, n in got["cooccurrence"][t].items():
            assert n == want["co"][t][u], (t, u)
        for period, cell in got["over_time"][t].items():
            passages, articles = want["time"][t][period]
            assert (cell["passages"], cell["articles"]) == (passages, len(articles))
    # what the fixture made, said plainly: the span puts treaty on A0#7 and A0#8
    assert got["matrix"]["treaty"]["Caucasus Watch"] == {"passages": 2, "articles": 1}
    assert got["cooccurrence"]["border"]["treaty"] == 1  # A0#8 (border, corridor + span)
    assert got["cooccurrence"]["corridor"]["treaty"] == 2  # A0#8 and A4#3
    assert got["periods"] == ["2023-05", "2023-06"]
    assert got["over_time"]["treaty"]["2023-05"]["passages"] == 3  # A1#3, A2#2, A4#3
    assert got["outlets"]["Europa Press"] == {"articles": 1}


def test_csv_holds_the_json_figures(tagged):
    data = json.loads(tagged("stats", "--json", "--by", "week"))
    rows = list(csv.DictReader(io.StringIO(tagged("stats", "--csv", "--by", "week"))))
    seen = 0
    for r in rows:
        t, col = r["topic"], r["column"]
        if r["table"] == "matrix":
            cell = data["matrix"][t][col]
            assert (int(r["passages"]), int(r["articles"])) == (cell["passages"], cell["articles"])
        elif r["table"] == "total":
            cell = data["totals"][t]
            assert (int(r["passages"]), int(r["articles"])) == (cell["passages"], cell["articles"])
        elif r["table"] == "cooccurrence":
            assert int(r["passages"]) == data["cooccurrence"][t][col]
        else:
            assert r["table"] == "over_time"
            cell = data["over_time"][t][col]
            assert (int(r["passages"]), int(r["articles"])) == (cell["passages"], cell["articles"])
        seen += 1
    topics, outlets, periods = len(data["topics"]), len(data["outlets"]), len(data["periods"])
    assert seen == topics * (outlets + 1 + topics + periods)
    assert data["periods"][0] == "2023-W18" and data["periods"][-1] == "2023-W26"
    assert len(data["periods"]) == 9  # the weeks between, with nothing, are there as zeros


def test_filters(tagged):
    want = expected_from_tags(tagged)
    got = json.loads(tagged("stats", "--json", "--outlet", "RFE/RL"))
    assert list(got["outlets"]) == ["RFE/RL"]
    assert got["totals"]["corridor"]["passages"] == want["matrix"]["corridor"]["RFE/RL"][0] == 1
    got = json.loads(tagged("stats", "--json", "--from", "2023-06", "--topic", "treaty"))
    assert [t["id"] for t in got["topics"]] == ["treaty"]
    assert got["periods"] == ["2023-06"]
    assert got["totals"]["treaty"] == {"passages": 2, "articles": 1}  # only June: A0's span
    got = json.loads(tagged("stats", "--json", "--to", "2023-05-04"))
    assert got["totals"]["treaty"]["passages"] == 2  # A1#3, A2#2; A4 (May 5) is out


def test_bad_filters_say_what_is_wrong(bundled, monkeypatch, capsys):
    monkeypatch.setattr(cli, "load_settings", lambda path: bundled)
    assert cli.main(["stats", "--from", "May 2023"]) == 2
    assert "May 2023 is not a date: YYYY, YYYY-MM or YYYY-MM-DD" in capsys.readouterr().err
    for impossible in ("2023-13", "2023-02-30", "2023-00"):
        assert cli.main(["stats", "--to", impossible]) == 2
        assert f"{impossible} is not a date: YYYY" in capsys.readouterr().err
    assert cli.main(["stats", "--outlet", "Nobody"]) == 2
    assert "outlets: Caucasus Watch" in capsys.readouterr().err


def test_periods():
    assert period_of("2023-05-04", "month") == "2023-05"
    assert period_of("2023-05-04", "week") == "2023-W18"
    assert period_of("2024-12-30", "week") == "2025-W01"  # ISO weeks cross years
    assert period_of(None, "week") == "undated"
    assert timeline(["2023-11", "2024-02", "undated"], "month") == [
        "2023-11",
        "2023-12",
        "2024-01",
        "2024-02",
        "undated",
    ]
    assert timeline(["2024-W52", "2025-W02"], "week") == ["2024-W52", "2025-W01", "2025-W02"]
    assert Filters(date_to="2023-05").keeps("x", "2023-05-31")
    assert not Filters(date_from="2023-06").keeps("x", "2023-05-31")
    assert not Filters(date_from="2023").keeps("x", None)
