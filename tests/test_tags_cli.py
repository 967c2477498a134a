"""`dossier tags`, `tag`, `untag` and `export`, run through the real parser."""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import replace

import pytest
import yaml
from helpers_tags import ROOT, bundled, bundled_corpus, copy_corpus

import tui.cli as cli
from index.library import Library
from tui.cli import tags as cli_tags

__all__ = ["bundled", "bundled_corpus"]  # fixtures used below

A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"


def run(settings, *argv) -> int:
    parser = argparse.ArgumentParser(prog="dossier")
    sub = parser.add_subparsers(dest="command")
    cli_tags.register(sub)
    args = parser.parse_args(list(argv))
    return args.run(settings, args) or 0


def test_tag_list_untag(bundled, capsys):
    assert run(bundled, "tag", f"{A0}#8", "border,corridor", "--note", "spokeswoman") == 0
    tag_id = capsys.readouterr().out.split()[0]
    assert run(bundled, "tag", "001_1a5c#10", "corridor") == 0  # id prefix works
    capsys.readouterr()
    assert run(bundled, "tags") == 0
    out = capsys.readouterr().out
    assert f"{tag_id}  {A0}#8  [border, corridor]  exact" in out
    assert "note: spokeswoman" in out and "The ministry spokeswoman" in out
    assert "2 tags: 2 exact" in out

    assert run(bundled, "tags", "--json", "--topic", "corridor") == 0
    data = json.loads(capsys.readouterr().out)
    assert {e["pid"] for e in data["entries"]} == {f"{A0}#8", f"{A1}#10"}
    rec = next(e for e in data["entries"] if e["id"] == tag_id)
    assert rec["status"] == "exact" and rec["outlet"] == "Caucasus Watch"
    assert rec["quote"].startswith("The ministry spokeswoman")

    assert run(bundled, "untag", tag_id, "--topic", "border") == 0
    assert "left: corridor" in capsys.readouterr().out
    assert run(bundled, "untag", tag_id[:12]) == 0
    capsys.readouterr()
    run(bundled, "tags", "--json")
    assert [e["pid"] for e in json.loads(capsys.readouterr().out)["entries"]] == [f"{A1}#10"]


def test_a_quotation_keeps_its_own_marks_and_a_note_its_lines(bundled, capsys):
    assert run(bundled, "tag", f"{A0}#3", "treaty", "--note", "Blinken\nsecond line") == 0
    capsys.readouterr()
    assert run(bundled, "tags") == 0
    out = capsys.readouterr().out.splitlines()
    assert "    “I appreciate further progress" in "\n".join(out)  # not ““I appreciate
    at = out.index("    note: Blinken")
    assert out[at + 1] == "          second line"


def test_errors_have_exit_codes(bundled, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(cli, "load_settings", lambda path: bundled)
    assert cli.main(["tag", f"{A0}#8", "lachin"]) == 2
    assert "no topic 'lachin'" in capsys.readouterr().err
    assert cli.main(["tag", A0, "border"]) == 2
    assert "ARTICLE#N" in capsys.readouterr().err
    assert cli.main(["tag", f"{A0}#99", "border"]) == 1
    assert "no passage 99" in capsys.readouterr().err
    assert cli.main(["untag", "zzzz"]) == 1
    assert "no tag 'zzzz'" in capsys.readouterr().err
    bundled.tags_file.write_text("version: 2\n", encoding="utf-8")
    assert cli.main(["tags"]) == 1
    err = capsys.readouterr().err
    assert "unknown version 2" in err and str(bundled.tags_file) in err
    assert bundled.tags_file.read_text(encoding="utf-8") == "version: 2\n"


def test_export_formats(bundled, tmp_path, capsys):
    run(bundled, "tag", f"{A0}#8", "border,corridor", "--note", "line one\nline two")
    run(bundled, "tag", f"{A1}#3", "treaty")
    capsys.readouterr()

    assert run(bundled, "export", "--format", "csv") == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["article"], r["topic"]) for r in rows] == [
        (A0, "border"),
        (A0, "corridor"),
        (A1, "treaty"),
    ]
    assert rows[0]["passage"] == "8" and rows[0]["note"] == "line one\nline two"
    assert rows[2]["outlet"] == "RFE/RL" and rows[2]["date"] == "2023-05-04"
    assert rows[2]["topic_label"] == "Peace treaty" and rows[2]["status"] == "exact"

    assert run(bundled, "export", "--format", "md") == 0
    md = capsys.readouterr().out
    heads = [ln for ln in md.splitlines() if ln.startswith("## ")]
    assert heads == ["## Border (1)", "## Corridor (1)", "## Peace treaty (1)"]
    treaty = md.split("## Peace treaty")[1]
    assert "> Blinken said in a statement" in treaty
    assert "RFE/RL, 2023-05-04" in treaty and f"`{A1}#3`" in treaty
    assert "Note: line one" in md.split("## Corridor")[1]

    out = tmp_path / "evidence.yaml"
    assert run(bundled, "export", "--format", "yaml", "-o", str(out), "--topic", "corridor") == 0
    assert "1 tag exported" in capsys.readouterr().out
    data = yaml.safe_load(out.read_text(encoding="utf-8"))
    [entry] = data["entries"]
    assert entry["topics"] == ["corridor"] and entry["pid"] == f"{A0}#8"


def test_changed_article_shows_status_and_orphans(tmp_path, capsys):
    settings = copy_corpus(tmp_path / "corpus")
    settings = replace(settings, tags_file=tmp_path / "tags.yaml")
    run(settings, "tag", f"{A0}#8", "border")
    run(settings, "tag", f"{A0}#9", "treaty")
    capsys.readouterr()
    before = settings.tags_file.read_bytes()
    path = settings.corpus / f"{A0}.txt"
    text = path.read_text(encoding="utf-8")
    para9 = next(ln for ln in text.splitlines() if ln.startswith("Yerevan emphasizes"))
    path.write_text("Added line at the top.\n\n" + text.replace(para9, ""), encoding="utf-8")
    assert run(settings, "tags") == 0
    out = capsys.readouterr().out
    assert "[border]  moved" in out
    assert "[treaty]  orphaned (the quote is no longer in the article)" in out
    assert "“Yerevan emphasizes" in out
    run(settings, "tags", "--orphans", "--json")
    [orphan] = json.loads(capsys.readouterr().out)["entries"]
    assert orphan["status"] == "orphaned" and orphan["quote"] == para9
    assert settings.tags_file.read_bytes() == before  # listing never rewrites the file


@pytest.mark.parametrize("fmt", ["csv", "md", "yaml"])
def test_export_of_nothing(bundled, capsys, fmt):
    assert run(bundled, "export", "--format", fmt) == 0
    assert capsys.readouterr().out.strip()
    assert not bundled.tags_file.exists()


# --- what `dossier tag` loads ---------------------------------------------------------

# What `dossier tag` has no use for when the article's file is as indexed: the search
# engine and index, the web page extractor, the app, the codebook editor, the exporters.
NOT_FOR_TAG = (
    "whoosh",
    "textual",
    "trafilatura",
    "ruamel",
    "datasketch",
    "plotext",
    "index.engine",
    "index.library",
    "index.build",
    "index.search",
    "index.tags.exporters",
    "index.exports",
    "index.briefing",
)
_MAIN = (
    "import json, sys\n"
    "from tui.cli import main\n"
    "rc = main(sys.argv[1:])\n"
    "print(json.dumps([rc, sorted(sys.modules)]))"
)


def config_for(settings, tmp_path):
    """A config file for a separate process: the settings' corpus and index, the tag
    file of this test."""
    text = settings.path.read_text(encoding="utf-8")
    for key, value in (
        ("corpus", settings.corpus),
        ("index", settings.index_dir),
        ("tags", tmp_path / "tags.yaml"),
    ):
        text = re.sub(rf"(?m)^{key}:.*$", f"{key}: {json.dumps(str(value))}", text)
    path = tmp_path / "config.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def run_process(config, *argv) -> tuple[int, set[str], str]:
    """`dossier ARGV` in a process of its own: exit code, modules it imported, output."""
    done = subprocess.run(
        [sys.executable, "-c", _MAIN, "--config", str(config), *argv],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
    )
    *out, last = done.stdout.splitlines()
    rc, modules = json.loads(last)
    return rc, set(modules), "\n".join(out) + done.stderr


def test_tag_reads_one_article_without_the_index_engine_or_exporters(bundled_corpus, tmp_path):
    config = config_for(bundled_corpus, tmp_path)
    rc, modules, out = run_process(config, "tag", f"{A0[:8]}#8", "border")
    assert rc == 0, out
    assert f"{A0}#8  [border]" in out
    loaded = [m for m in modules if m.split(".")[0] in NOT_FOR_TAG or m.startswith(NOT_FOR_TAG)]
    assert loaded == []
    assert "index.tags.store" in modules  # the check sees what was imported
    [entry] = yaml.safe_load((tmp_path / "tags.yaml").read_text(encoding="utf-8"))["entries"]
    assert entry["article"] == A0 and entry["anchor"]["exact"].startswith(
        "The ministry spokeswoman"
    )


def test_tag_of_an_article_the_index_does_not_have_yet_updates_it_first(tmp_path, capsys):
    settings = copy_corpus(tmp_path / "corpus")
    settings = replace(settings, tags_file=tmp_path / "tags.yaml")
    new = settings.corpus / "zz_added.txt"
    new.write_text(
        "Added later\n\nA passage about the border written after the index.\n",
        encoding="utf-8",
    )
    assert run(settings, "tag", "zz_added#1", "border") == 0
    assert "zz_added#1  [border]" in capsys.readouterr().out
    [entry] = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))["entries"]
    assert entry["anchor"]["exact"] == "A passage about the border written after the index."
    assert "zz_added" in Library(settings).infos  # indexed meanwhile


def test_each_command_is_registered_by_the_module_the_dispatch_names():
    full = _subcommands(cli.build_parser())
    assert set(full) == set(cli.COMMANDS)
    for name, module in cli.COMMANDS.items():
        assert name in _subcommands(cli.build_parser([module])), (name, module)
    assert cli.command_modules(["--config", "tag", "tags"]) == ["tags"]
    assert cli.command_modules(["--config=x", "search", "q"]) == ["corpus"]
    assert cli.command_modules([]) == []  # the reader
    assert len(cli.command_modules(["-h"])) == len(set(cli.COMMANDS.values()))


def _subcommands(parser) -> list[str]:
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)
