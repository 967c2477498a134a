"""Memos in the faces: `dossier memo` / `dossier memos`, the Markdown export, and the
reader's M key (a multi-line editor), the memo above the text and on the Tags screen."""

from __future__ import annotations

import io
import json
from dataclasses import replace

import pytest
import yaml
from helpers_tags import bundled, bundled_corpus
from helpers_tui import until, workers_done
from textual.widgets import DataTable, Static, TextArea

import tui.cli as cli
from index.config import load_settings
from index.tags import TagStore
from index.tags.exporters import export_md
from index.tags.model import Memo
from tui.app import DossierApp
from tui.screens.tags import TagsScreen

__all__ = ["bundled", "bundled_corpus"]  # fixtures used below

A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"


@pytest.fixture
def dossier(bundled, monkeypatch, capsys):
    """Runs `dossier ARGS` (the real parser and main) on the bundled corpus; returns
    (exit code, stdout, stderr)."""
    monkeypatch.setattr(cli, "load_settings", lambda path: bundled)

    def run(*argv: str, stdin: str = "") -> tuple[int, str, str]:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        try:
            code = cli.main(list(argv))
        except SystemExit as exc:  # argparse's own usage errors
            code = exc.code
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def memos_on_disk(settings) -> list[dict]:
    return yaml.safe_load(settings.tags_file.read_text(encoding="utf-8")).get("memos", [])


def test_memo_on_an_article_and_a_topic_from_the_command_line(dossier, bundled):
    code, out, _ = dossier("memo", "001_1a5c", "Compare with the Reuters piece.")
    assert code == 0 and f"memo on {A1} saved" in out
    assert dossier("memo", "--topic", "corridor", "How each outlet names the road.")[0] == 0
    code, out, _ = dossier("memo", A0, "--topic", "treaty", "-", stdin="line one\nline two\n")
    assert code == 0, out
    disk = memos_on_disk(bundled)
    assert {(m.get("article"), m.get("topic")): m["text"] for m in disk} == {
        (A1, None): "Compare with the Reuters piece.",
        (None, "corridor"): "How each outlet names the road.",
        (A0, "treaty"): "line one\nline two",
    }
    assert {m["coder"] for m in disk} == {bundled.coder}
    assert bundled.tags_file.exists() and "entries: []" in bundled.tags_file.read_text()

    code, out, _ = dossier("memo", A1)
    assert code == 0 and "Compare with the Reuters piece." in out
    code, out, _ = dossier("memos", "--json", "--topic", "treaty")
    assert [m["text"] for m in json.loads(out)["memos"]] == ["line one\nline two"]
    code, out, _ = dossier("memos")
    assert out.count("\n    ") == 4 and "topic corridor" in out

    assert dossier("memo", A0, "--topic", "treaty", "--remove")[0] == 0
    assert dossier("memo", A1, "")[0] == 0  # empty text removes
    assert [m["topic"] for m in memos_on_disk(bundled)] == ["corridor"]


@pytest.mark.parametrize(
    "argv, says",
    [
        (("memo", "--topic", "lachin", "x"), "no topic 'lachin'"),
        (("memo",), "give an article id or --topic"),
        (("memo", "nope_article", "x"), "nope_article"),
        (("memo", A0, "--bogus"), "unknown option --bogus"),
        (("memo", A0, "a", "b"), "at most ARTICLE and TEXT"),
        (("tags", "--bogus"), "unrecognized arguments: --bogus"),
    ],
)
def test_memo_mistakes_say_what_is_wrong(dossier, bundled, argv, says):
    code, out, err = dossier(*argv)
    assert code != 0 and says in err, (out, err)
    assert not bundled.tags_file.exists()


def test_markdown_export_holds_the_memos(dossier, bundled):
    dossier("tag", f"{A0}#8", "border")
    dossier("memo", "--topic", "border", "# not a heading <b>x</b>")
    dossier("memo", A1, "untagged article\n- not a list")
    dossier("memo", "--topic", "treaty", "treaty memo, no tags yet")
    code, out, _ = dossier("export", "--format", "md")
    assert code == 0
    border = out.index("## Border (1)")
    assert out.index("**Memo**", border) < out.index("The ministry spokeswoman")
    assert "\\# not a heading &lt;b&gt;x&lt;/b&gt;" in out  # escaped, never markup
    assert "## Peace treaty (0)" in out and "treaty memo, no tags yet" in out
    assert "## Memos on articles" in out and f"`{A1}`" in out
    assert "untagged article  \n\\- not a list" in out
    # one topic: its memo and the memos on its articles, not the others
    code, out, _ = dossier("export", "--format", "md", "--topic", "border")
    assert "not a heading" in out and "treaty memo" not in out and "untagged" not in out


def test_export_md_without_memos_is_as_before():
    settings = load_settings_of_repo()
    memo = Memo("m1", "a memo", topic="border", coder="ana")
    assert "Memo" not in export_md([], settings)
    assert "**Memo** (ana): a memo" in export_md([], settings, [memo])


def load_settings_of_repo():
    from conftest import CONFIG

    return load_settings(CONFIG)


# --- the reader ----------------------------------------------------------------------


async def written(pilot) -> None:
    await until(pilot, lambda: pilot.app.tag_writer.idle, "tag writes")
    await pilot.pause()


def memo_line(app) -> Static:
    return app.screen.query_one("#reader-memo", Static)


async def test_memo_key_writes_edits_and_shows_the_articles_memo(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        app.open_article(A1, 3)
        await workers_done(app)
        await pilot.pause()
        assert memo_line(app).display is False
        await pilot.press("M")
        await pilot.press(*"First line", "enter", *"second line", "ctrl+s")
        await written(pilot)
        [raw] = memos_on_disk(settings)
        assert (raw["article"], raw["text"]) == (A1, "First line\nsecond line")
        shown = str(memo_line(app).render())
        assert memo_line(app).display and "First line ⏎ second line" in shown
        # M again: the editor holds the memo; escape leaves it as it was
        await pilot.press("M")
        assert app.screen.query_one(TextArea).text == "First line\nsecond line"
        await pilot.press(*" more", "escape")
        await written(pilot)
        assert memos_on_disk(settings)[0]["text"] == "First line\nsecond line"
        await pilot.press("u")  # one step: the memo goes
        await written(pilot)
        assert memos_on_disk(settings) == [] and memo_line(app).display is False


async def test_tags_screen_lists_the_memos(settings):
    store = TagStore.open(replace(settings, coder="ana"))
    store.set_memo("about the road", topic="corridor")
    store.set_memo("read with the Reuters piece", article=A1)
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        app.action_tags()
        await until(pilot, lambda: isinstance(app.screen, TagsScreen) and app.screen.memos, "memos")
        await pilot.pause()
        table = app.screen.query_one("#memo-table", DataTable)
        rows = [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]
        assert rows[0] == ["Corridor", "ana", "about the road"]
        assert rows[1][1:] == ["ana", "read with the Reuters piece"]
        assert rows[1][0].startswith("Armenia, Azerbaijan Make Progress")  # the title
