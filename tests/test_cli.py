"""`dossier index | search | show` run in-process: output, JSON shape, exit codes, and
article text that never reaches the terminal as control sequences."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ARTICLES, CONFIG, app_settings, write_files

from tui.cli import build_parser, main

A004 = "004_bd0bc0e79d4348b1"


@pytest.fixture
def cfg(tmp_path) -> Path:
    """A config over the bundled articles with the index in tmp_path."""
    path = tmp_path / "config.yaml"
    text = CONFIG.read_text(encoding="utf-8")
    text = text.replace("corpus: articles", f"corpus: {ARTICLES}")
    text = text.replace("index: .dossier-cache/index", f"index: {tmp_path / 'index'}")
    text = text.replace("tags: tags.yaml", f"tags: {tmp_path / 'tags.yaml'}")
    path.write_text(text, encoding="utf-8")
    return path


def run(capsys, cfg, *args):
    code = main(["--config", str(cfg), *args])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


def test_index_summary_and_rebuild(capsys, cfg):
    code, out, _ = run(capsys, cfg, "index")
    assert code == 0
    assert "rebuilt: 5 articles" in out and "5 added" in out
    code, out, _ = run(capsys, cfg, "index")
    assert code == 0 and "updated: 5 articles" in out and "0 added, 0 changed, 0 removed" in out
    code, out, _ = run(capsys, cfg, "index", "--rebuild")
    assert code == 0 and "full rebuild" in out and "rebuilt: 5 articles" in out


def test_search_json(capsys, cfg):
    code, out, _ = run(capsys, cfg, "search", "Lachin", "--json")
    assert code == 0
    data = json.loads(out)
    assert data["query"] == "Lachin"
    assert data["total"] == 4 == sum(a["hits"] for a in data["articles"])
    assert {a["id"] for a in data["articles"]} == {
        "001_1a5c9ff20c0ee09c",
        "002_e536400ab8bce265",
        A004,
    }
    art = next(a for a in data["articles"] if a["id"] == A004)
    assert (art["source"], art["date"], art["hits"]) == ("Europa Press", "2023-05-05", 2)
    assert art["title"].startswith("US points to")
    for p in data["passages"]:
        assert p["id"] == f"{p['article']}#{p['n']}"
        assert isinstance(p["score"], float)
        assert p["highlights"]
        for s, e in p["highlights"]:
            assert p["text"][s:e] in ("Lachin", "Lachín")


def test_search_limit(capsys, cfg):
    code, out, _ = run(capsys, cfg, "search", "Azerbaijan", "--limit", "2", "--json")
    data = json.loads(out)
    assert code == 0 and len(data["passages"]) == 2 and data["total"] > 2


def test_search_text_output(capsys, cfg):
    code, out, _ = run(capsys, cfg, "search", "delimitation")
    assert code == 0
    assert "2 passages in 1 article " in out
    assert "000_0d42f3f6a94791ae#" in out and "Important Progress Reported" in out


def test_search_malformed_and_empty_results(capsys, cfg):
    code, out, _ = run(capsys, cfg, "search", '"within reach')
    assert code == 0 and "quote is not closed" in out and "passages in" in out
    code, out, _ = run(capsys, cfg, "search", "Lachn")
    assert code == 0 and "No passages match" in out and "lachin" in out


def test_show_text_json_and_raw(capsys, cfg):
    code, out, _ = run(capsys, cfg, "show", "004")
    assert code == 0
    assert out.splitlines()[0].startswith("US points to “significant progress”")
    assert "Europa Press" in out and "[1] Blinken stresses" in out
    assert "Source link" not in out and "EUROPE PRESS" not in out

    code, out, _ = run(capsys, cfg, "show", A004, "--json")
    data = json.loads(out)
    assert data["id"] == A004 and data["source"] == "Europa Press"
    assert [p["n"] for p in data["passages"]] == list(range(1, len(data["passages"]) + 1))
    assert {r["reason"] for r in data["removed"]} >= {"section label", "dateline", "boilerplate"}
    assert any(r["text"] == "Source link" for r in data["removed"])

    code, out, _ = run(capsys, cfg, "show", A004, "--raw")
    assert code == 0
    for dropped in ("Asia", "May 5. (EUROPE PRESS)", "Source link", "Tags"):
        assert any(dropped in ln and "removed" in ln for ln in out.splitlines()), dropped


def test_unknown_article_exit_1_one_line(capsys, cfg):
    run(capsys, cfg, "index")
    code, out, err = run(capsys, cfg, "show", "nosuch")
    assert code == 1 and out == ""
    assert err.strip().count("\n") == 0 and "nosuch" in err


def test_usage_error_exit_2(capsys, cfg):
    assert main(["--config", str(cfg), "search"]) == 2  # neither a query nor --queries
    assert "search needs a query, or --queries FILE" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["--config", str(cfg), "search", "--limit", "x"])
    assert info.value.code == 2


@pytest.mark.parametrize(
    "breaker, key",
    [
        (lambda t: t + "\nbogus: 1\n", "bogus"),
        (lambda t: t.replace("theme: textual-dark", "theme: [textual-dark"), "theme"),
    ],
)
def test_config_error_exit_2_message_on_stderr(capsys, cfg, breaker, key):
    cfg.write_text(breaker(cfg.read_text()))
    code, out, err = run(capsys, cfg, "index")
    assert code == 2 and out == ""
    assert err.startswith("dossier: ") and str(cfg) in err and "line " in err and key in err
    assert err.strip().count("\n") == 0


def test_config_after_the_command(capsys, cfg, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"  # no config.yaml here: only --config can find it
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    assert main(["search", "Lachin", "--json", "--config", str(cfg)]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 4
    # after the command, a --config wins over one before it
    assert main(["--config", "none.yaml", "show", "004", "--config", str(cfg)]) == 0
    assert "Europa Press" in capsys.readouterr().out


def test_every_command_takes_config_after_it():
    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert len(sub.choices) >= 6
    for name, command in sub.choices.items():
        flags = {s for a in command._actions for s in a.option_strings}
        assert "--config" in flags, name
    assert parser.parse_args(["--config", "a.yaml", "index"]).config == "a.yaml"
    assert parser.parse_args(["index", "--config", "b.yaml"]).config == "b.yaml"
    assert parser.parse_args(["index"]).config == "config.yaml"


def test_config_from_the_environment(capsys, cfg, tmp_path, monkeypatch):
    here = tmp_path / "here"
    here.mkdir()
    (here / "config.yaml").write_text("bogus: 1\n")  # would fail if it were read
    monkeypatch.chdir(here)
    monkeypatch.setenv("DOSSIER_CONFIG", str(cfg))
    assert main(["search", "delimitation", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["total"] == 2


def test_encoding_warning_is_reported_until_the_file_changes(capsys, make_corpus, tmp_path):
    settings = make_corpus(
        {
            "ok.txt": "Fine\n\nPlain text about Lachin.\n",
            "latin.txt": "Caf\xe9 talks\n\nThe caf\xe9 near Lachin.\n".encode("cp1252"),
        }
    )
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"corpus: {settings.corpus}\nindex: {tmp_path / 'index'}\n")
    outputs = []
    for _ in range(3):  # a first build, then updates with nothing changed
        code, out, _ = run(capsys, cfg, "index")
        assert code == 0
        outputs.append(out)
    for out in outputs:
        [warning] = [ln for ln in out.splitlines() if ln.startswith("warning:")]
        assert warning.startswith("warning: latin") and "UTF-8" in warning
        assert "; 1 warnings;" in out
    assert "0 added, 0 changed" in outputs[-1]
    # the same text saved as UTF-8: the warning goes, though the article did not change
    latin = settings.corpus / "latin.txt"
    latin.write_text(latin.read_bytes().decode("cp1252"), encoding="utf-8")
    for _ in range(2):
        code, out, _ = run(capsys, cfg, "index")
        assert code == 0 and "warning:" not in out and "; 0 warnings;" in out
    assert "0 added, 0 changed" in out


@pytest.mark.parametrize(
    "breaker, where, key",
    [
        (
            lambda t: t.replace("keys: {}", "keys:\n  search: ctrl+f\n  reader.nosuch: x\n"),
            "  reader.nosuch: x",
            "keys.reader.nosuch",
        ),
        (lambda t: t.replace('key: "2"', "key: j"), "key: j", "topics.1.key"),
    ],
    ids=["unknown action id", "topic key on a reading key"],
)
def test_broken_keys_are_config_errors_for_every_command(capsys, cfg, breaker, where, key):
    text = breaker(cfg.read_text())
    cfg.write_text(text)
    line = text[: text.index(where)].count("\n") + 1
    for args in (["index"], ["search", "Lachin"]):
        code, out, err = run(capsys, cfg, *args)
        assert code == 2 and out == "", args
        assert f"{cfg}, line {line}: key '{key}'" in err


def test_control_sequences_never_reach_the_terminal(capsys, make_corpus, tmp_path):
    make_corpus(
        {
            "evil.txt": "Evil \x1b[2J Headline\n\nBody with \x1b[31mred\x1b[0m and "
            "[bold]markup[/bold] near Lachin.\x07\n"
        }
    )
    cfg = tmp_path / "config.yaml"
    cfg.write_text(f"corpus: {tmp_path / 'corpus'}\nindex: {tmp_path / 'index'}\n")
    for args in (
        ["show", "evil"],
        ["show", "evil", "--raw"],
        ["search", "Lachin"],
        ["search", "Lachin", "--json"],
        ["index"],
    ):
        code, out, err = run(capsys, cfg, *args)
        assert code == 0, args
        assert "\x1b" not in out + err and "\x07" not in out + err, args
        if args[-1] != "--json" and args != ["index"]:
            assert "␛[31m" in out and "[bold]markup[/bold]" in out, args


def test_the_installed_command(tmp_path, cfg):
    exe = Path(sys.executable).with_name("dossier")
    if not exe.exists():
        pytest.skip("dossier script not installed beside this python")
    done = subprocess.run(
        [str(exe), "search", "delimitation", "--json", "--config", str(cfg)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["total"] == 2
    done = subprocess.run(
        [str(exe), "--config", str(tmp_path / "none.yaml"), "index"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2 and "none.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_json_output_escapes_what_could_steer_a_terminal(tmp_path, capsys):
    """--json is for pipelines but lands on terminals too: escapes, C1 and bidi controls
    come out as \\uXXXX (the same data), never raw."""
    corpus = tmp_path / "corpus"
    write_files(
        corpus,
        {
            "a.txt": "Talks\n\nThe corridor \u202egnol\u202c talks "
            "\x1b]52;c;aGk=\x07 went on \x9b1m.\n"
        },
    )
    settings = app_settings(tmp_path, corpus)
    rc = main(["--config", str(settings.path), "show", "a", "--json"])
    out = capsys.readouterr().out
    assert rc == 0
    assert not any(c in out for c in "\u202e\u202c\x1b\x07\x9b")
    assert "\u202e" in json.loads(out)["passages"][0]["text"]
