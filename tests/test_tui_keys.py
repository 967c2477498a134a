"""One action registry: bindings, help, palette and the `keys:` checks come from it."""

from __future__ import annotations

import json

import pytest
from conftest import app_settings
from helpers_tui import H, W, open_reader, text_of, workers_done
from textual.widgets import Static

import tui.indexer
from index.config import load_settings
from index.errors import ConfigError
from tui.actions import ACTIONS, BY_ID, CONTEXTS, SCOPES
from tui.app import DossierApp
from tui.commands import DossierCommands
from tui.keys import check_keys, valid_key
from tui.screens.help import HelpScreen
from tui.screens.picker import ArticlePicker
from tui.screens.reader import ReaderScreen


def settings_with(tmp_path, extra: str):
    """The test config.yaml with `extra` YAML appended (line numbers are real)."""
    settings = app_settings(tmp_path)
    path = settings.path
    kept = [line for line in path.read_text(encoding="utf-8").splitlines() if line != "keys: {}"]
    path.write_text("\n".join(kept) + "\n" + extra, encoding="utf-8")
    return load_settings(path), path


def line_of(path, needle: str) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, 1) if needle in line)


def test_registry_is_whole_and_consistent():
    assert len(BY_ID) == len(ACTIONS), "each id declared once"
    assert {a.scope for a in ACTIONS} <= set(SCOPES)
    for scopes in CONTEXTS.values():
        assert set(scopes) - {"topic keys"} <= set(SCOPES)
    assert all(valid_key(k) for a in ACTIONS for k in a.keys.split(","))
    for needed in ("help.close", "picker.cancel", "note.cancel", "topics.cancel", "quit"):
        assert needed in BY_ID


def test_default_keys_and_bundled_topics_pass(tmp_path):
    check_keys(app_settings(tmp_path))


def test_unknown_id_names_the_line_and_a_near_id(tmp_path):
    settings, path = settings_with(tmp_path, "keys:\n  reader.compar: ctrl+k\n")
    with pytest.raises(ConfigError) as err:
        check_keys(settings)
    assert err.value.line == line_of(path, "reader.compar:")
    assert "did you mean 'reader.compare'" in err.value.message


def test_clash_within_a_place_is_an_error(tmp_path):
    settings, path = settings_with(tmp_path, "keys:\n  reader.compare: j\n")
    with pytest.raises(ConfigError) as err:
        check_keys(settings)
    assert err.value.key == "keys.reader.compare"
    assert err.value.line == line_of(path, "reader.compare: j")
    assert "'j' is already the key for 'reader.next_passage' in the reader" in err.value.message


def test_bad_key_name_is_an_error(tmp_path):
    settings, path = settings_with(tmp_path, "keys:\n  search: ctrl+slahs\n")
    with pytest.raises(ConfigError) as err:
        check_keys(settings)
    assert "'ctrl+slahs' is not a key name" in err.value.message
    assert err.value.line == line_of(path, "ctrl+slahs")


def test_topic_key_may_not_shadow_an_action(tmp_path):
    settings = app_settings(tmp_path)
    text = settings.path.read_text(encoding="utf-8").replace("key: '2'", "key: c", 1)
    settings.path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        check_keys(load_settings(settings.path))
    assert err.value.key == "topics.1.key"
    assert "'reader.compare'" in err.value.message and err.value.line is not None


def test_rebinding_is_allowed_where_keys_do_not_meet(tmp_path):
    settings, _ = settings_with(tmp_path, "keys:\n  reader.compare: ctrl+k\n  help.close: '?'\n")
    check_keys(settings)


async def test_rebound_keys_work_in_modals_help_and_footer(tmp_path):
    settings, _ = settings_with(tmp_path, "keys:\n  help.close: x\n  picker.cancel: ctrl+g\n")
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        text = text_of(app.screen.query_one("#help-text", Static))
        assert "x" in next(line for line in text.splitlines() if "help.close" in line)
        await pilot.press("escape")
        assert isinstance(app.screen, HelpScreen), "escape is no longer help.close"
        await pilot.press("x")
        assert not isinstance(app.screen, HelpScreen)
        await pilot.press("o")
        assert isinstance(app.screen, ArticlePicker)
        await pilot.press("ctrl+g")
        assert not isinstance(app.screen, ArticlePicker)


async def test_help_lists_every_action_by_scope(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("question_mark")
        text = text_of(app.screen.query_one("#help-text", Static))
        for action in ACTIONS:
            assert action.id in text
        for heading in SCOPES.values():
            assert heading in text
        await pilot.press("escape")
        assert not isinstance(app.screen, HelpScreen)


async def palette_titles(app) -> list[str]:
    provider = DossierCommands(app.screen)
    await provider.startup()
    ours = [hit.display async for hit in provider.discover()]
    system = [c.title for c in app.get_system_commands(app.screen)]
    return [str(t) for t in ours + system]


async def test_palette_has_every_action_here_and_quit_once(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        first = await palette_titles(app)
        assert first.count("Quit") == 1
        assert "Articles list" in first and "Sort articles" in first
        assert "Compare with…" not in first, "only what can run here"
        await open_reader(pilot, "001_1a5c9ff20c0ee09c", 1)
        titles = await palette_titles(app)
        for name in ("Compare with…", "Tag passage…", "Note", "Undo tag change", "Untag"):
            assert name in titles
        assert titles.count("Quit") == 1


async def test_palette_runs_an_action_on_the_reader(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await open_reader(pilot, "001_1a5c9ff20c0ee09c", 1)
        provider = DossierCommands(app.screen)
        await provider.startup()
        hits = [h async for h in provider.discover() if str(h.display) == "Compare with…"]
        await hits[0].command()
        await pilot.pause()
        assert isinstance(app.screen, ArticlePicker)


async def test_palette_opens_article_by_title(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        provider = DossierCommands(app.screen)
        await provider.startup()
        hits = [h async for h in provider.search("progress make")]
        hit = next(h for h in hits if "Make Progress" in str(h.match_display))
        hit.command()
        await workers_done(pilot.app)
        await pilot.pause()
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.article.id == "001_1a5c9ff20c0ee09c"


def test_indexer_reports_every_phase(tmp_path, monkeypatch, capsys):
    """Saving and merging start at 0 after indexing reached 100%: still reported."""

    def fake_update(settings, rebuild=False, progress=None, **_):
        for i in range(101):
            progress(i, 100, "indexing")
        for i in (0, 0, 40, 99):
            progress(i, 100, "saving")
        progress(0, 1, "merging")
        progress(1, 1, "merging")
        raise tui.indexer.DossierError("stop here")

    monkeypatch.setattr(tui.indexer, "update_index", fake_update)
    tui.indexer.main(["--config", str(app_settings(tmp_path).path)])
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    phases = [p["progress"] for p in lines if "progress" in p]
    assert [0, 100, "saving"] in phases and [40, 100, "saving"] in phases
    assert [0, 1, "merging"] in phases and [1, 1, "merging"] in phases
    assert len([p for p in phases if p[2] == "indexing"]) <= 101


async def test_a_mistyped_theme_is_named_with_the_nearest_one(tmp_path):
    _, path = settings_with(tmp_path, "keys: {}\n")
    path.write_text(
        path.read_text(encoding="utf-8").replace("theme: textual-dark", "theme: nord-drak"),
        encoding="utf-8",
    )
    app = DossierApp(load_settings(path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.pause()
        said = " ".join(n.message for n in app._notifications)
        assert "theme 'nord-drak' is not a Textual theme (did you mean 'nord'?)" in said
        assert app.theme != "nord-drak"
