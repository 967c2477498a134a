"""`dossier search --queries FILE|-` (issue 10 item 4): one result a query line, written
as each finishes; a bad line gives its error on its own line and the rest run."""

from __future__ import annotations

import io
import json
import sys

import pytest
from conftest import ARTICLES, CONFIG

from tui.cli import main

LINES = ["Lachin", "", "OR", "   ", "border OR corridor", "NOT NOT border", "tag:nosuch"]


@pytest.fixture(scope="module")
def cfg(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("queries")
    path = tmp / "config.yaml"
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("corpus: articles", f"corpus: {ARTICLES}")
    text = text.replace("index: .dossier-cache/index", f"index: {tmp / 'index'}")
    text = text.replace("tags: tags.yaml", f"tags: {tmp / 'tags.yaml'}")
    path.write_text(text, encoding="utf-8")
    assert main(["--config", str(path), "index"]) == 0
    return path


def run(capsys, cfg, *args):
    capsys.readouterr()
    code = main(["--config", str(cfg), "search", *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def single(capsys, cfg, query: str) -> dict:
    code, out, _ = run(capsys, cfg, query, "--json")
    assert code == 0
    return json.loads(out)


def test_json_lines_for_good_bad_and_empty_lines(capsys, cfg, tmp_path):
    queries = tmp_path / "watch.txt"
    queries.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    code, out, _ = run(capsys, cfg, "--queries", str(queries), "--json", "--limit", "3")
    rows = [json.loads(line) for line in out.splitlines()]
    assert [r["line"] for r in rows] == [1, 3, 5, 6, 7]  # blank lines skipped
    assert code == 1  # some lines could not be searched
    good = {r["query"]: r for r in rows if "error" not in r}
    assert set(good) == {"Lachin", "border OR corridor", "NOT NOT border"}
    for query, row in good.items():
        alone = single(capsys, cfg, query)
        assert (row["total"], row["articles"]) == (alone["total"], len(alone["articles"]))
        assert [t["id"] for t in row["top"]] == [p["id"] for p in alone["passages"]][:3]
        assert row["took_ms"] >= 0
    assert good["Lachin"]["total"] == 4 and good["Lachin"]["articles"] == 3
    assert "NOT NOT cancels out" in good["NOT NOT border"]["message"]
    bad = {r["query"]: r["error"] for r in rows if "error" in r}
    assert bad == {"OR": "OR needs a term on each side", "tag:nosuch": "no topic 'nosuch'"}


def test_stdin_and_a_table_of_counts(capsys, cfg, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(LINES)))
    code, out, _ = run(capsys, cfg, "--queries", "-")
    lines = out.splitlines()
    assert lines[0].split() == ["passages", "articles", "ms", "query"]
    assert lines[1].split()[:2] == ["4", "3"] and lines[1].endswith("Lachin")
    assert lines[2] == "line 3: “OR”: OR needs a term on each side"
    assert lines[3].endswith("border OR corridor")
    assert len(lines) == 1 + 5 and code == 1


def test_each_answer_is_written_before_the_next_query_is_read(capsys, cfg, monkeypatch):
    written: list[str] = []

    class Stdout(io.StringIO):
        def flush(self):
            written.append(self.getvalue())

    def stdin():
        yield "Lachin\n"
        assert written and '"query": "Lachin"' in written[-1], "not flushed yet"
        yield "corridor\n"

    monkeypatch.setattr(sys, "stdin", stdin())
    monkeypatch.setattr(sys, "stdout", Stdout())
    assert main(["--config", str(cfg), "search", "--queries", "-", "--json"]) == 0
    assert [json.loads(x)["query"] for x in written[-1].splitlines()] == ["Lachin", "corridor"]


def test_a_query_or_a_file_but_not_both(capsys, cfg, tmp_path):
    assert run(capsys, cfg)[0] == 2
    assert run(capsys, cfg, "Lachin", "--queries", "-")[0] == 2
    code, _, err = run(capsys, cfg, "--queries", str(tmp_path / "missing.txt"))
    assert code == 1 and "cannot read the queries" in err
