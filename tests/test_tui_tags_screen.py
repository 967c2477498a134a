"""The Tags screen counts what `dossier tags` and the exports count (one source: the
evidence rows), and exports the tag set from the app."""

from __future__ import annotations

import argparse
import csv
import json
from collections import Counter

import pytest
from conftest import app_settings
from helpers_tui import until
from textual.widgets import DataTable, Input, Select, Static

from index.library import Library
from index.tags import TagStore
from index.tags.evidence import rows
from tui.app import DossierApp
from tui.cli import tags as cli_tags
from tui.screens.export import ExportDialog
from tui.screens.tags import TagsScreen

W, H = 120, 40
A0 = "000_0d42f3f6a94791ae"
A1 = "001_1a5c9ff20c0ee09c"


@pytest.fixture
def settings(tmp_path):
    """A corpus with a passage tag, a span tag and a two-topic passage tag."""
    settings = app_settings(tmp_path)
    lib = Library(settings)
    store = TagStore.open(settings, lib)
    a0, a1 = lib.article(A0), lib.article(A1)
    store.add_passage(a1, 10, ["corridor"])
    p = a1.passage(5)
    store.add(a1, p.start, p.start + 30, ["treaty"])
    store.add_passage(a0, 2, ["border", "treaty"])
    return settings


def cli_json(settings, capsys) -> dict:
    parser = argparse.ArgumentParser(prog="dossier")
    cli_tags.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["tags", "--json"])
    capsys.readouterr()
    assert (args.run(settings, args) or 0) == 0
    return json.loads(capsys.readouterr().out)


async def open_tags_screen(pilot) -> TagsScreen:
    await pilot.press("T")
    app = pilot.app
    await until(
        pilot,
        lambda: isinstance(app.screen, TagsScreen) and app.screen.rows,
        "the Tags screen's rows",
    )
    return app.screen


async def test_tags_screen_counts_what_dossier_tags_and_exports_count(settings, capsys):
    listed = cli_json(settings, capsys)["entries"]
    lib = Library(settings)
    evidence = rows(TagStore.open(settings, lib), lib.infos, settings)
    per_topic = Counter(r["topic"] for r in evidence)
    assert per_topic == {"corridor": 1, "treaty": 2, "border": 1}
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_tags_screen(pilot)
        summary = str(screen.query_one("#tags-summary", Static).render())
        assert summary.startswith(f"{len(listed)} tags (passages and spans)")
        labels = {t.id: t.label for t in settings.topics}
        for topic, n in per_topic.items():
            assert f"{labels[topic]} {n}" in summary
        assert screen.query_one("#tag-table", DataTable).row_count == len(evidence)
        assert screen.rows == evidence


async def test_export_from_the_tags_screen_writes_the_evidence_rows(settings):
    app = DossierApp(settings, background_index=False)
    target = settings.tags_file.parent / "dossier-export.md"
    async with app.run_test(size=(W, H)) as pilot:
        await open_tags_screen(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        await pilot.press("enter")  # the default: Markdown beside the tag file
        await until(pilot, target.exists, "the export file")
        await until(
            pilot,
            lambda: any("3 tags exported to" in n.message for n in app._notifications),
            "the notification naming the file",
        )
    text = target.read_text(encoding="utf-8")
    assert "## Border (1)" in text and "## Corridor (1)" in text
    assert "## Peace treaty (2)" in text


async def test_export_anywhere_as_csv(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("E")  # everywhere, and in the palette
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        app.screen.query_one("#export-format", Select).value = "csv"
        await pilot.pause()
        box = app.screen.query_one("#export-path", Input)
        assert box.value.endswith("dossier-export.csv")
        box.value = "out.csv"
        await pilot.press("enter")
        target = settings.tags_file.parent / "out.csv"
        await until(pilot, target.exists, "the csv export")
    with target.open(encoding="utf-8", newline="") as fh:
        found = sorted((r["article"], r["topic"]) for r in csv.DictReader(fh))
    assert found == sorted([(A1, "corridor"), (A1, "treaty"), (A0, "border"), (A0, "treaty")])


async def test_reading_keys_move_through_the_tags_table(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_tags_screen(pilot)
        table = screen.query_one("#tag-table", DataTable)
        table.focus()
        await pilot.press("j", "j")
        assert table.cursor_row == 2
        await pilot.press("k")
        assert table.cursor_row == 1
        await pilot.press("G")
        assert table.cursor_row == table.row_count - 1
        await pilot.press("g")
        assert table.cursor_row == 0


@pytest.mark.parametrize(
    "width, height, title, outlet_and_date", [(80, 24, 30, False), (120, 40, 40, True)]
)
async def test_each_row_says_which_passage_of_which_article(
    settings, width, height, title, outlet_and_date
):
    """A terminal too narrow for every column still shows, on each row, the anchor, the
    passage number and the article's title (it takes what the short columns leave); a
    wider one shows the outlet and date too."""
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(width, height)) as pilot:
        screen = await open_tags_screen(pilot)
        table = screen.query_one("#tag-table", DataTable)
        await pilot.pause()
        shown = "\n".join(table.render_line(y).text for y in range(1, 1 + table.row_count))
        for n in ("#10", "#5", "#2"):
            assert n in shown, shown
        for r in screen.rows:
            info = app.library.infos[r["article"]]
            assert info.title[:title] in shown and r["status"] in shown, shown
            if outlet_and_date:
                assert (info.date or "undated") in shown
                assert (info.source or "unknown outlet")[:14] in shown
