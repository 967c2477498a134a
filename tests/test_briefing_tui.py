"""The Export dialog: the HTML briefing, and CSV with a byte-order mark (the box is
offered for CSV only)."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import until
from textual.widgets import Checkbox, Input, Select

from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.export import ExportDialog

W, H = 120, 40
A1 = "001_1a5c9ff20c0ee09c"


async def test_export_dialog_bom_and_html(tmp_path):
    settings = app_settings(tmp_path)
    lib = Library(settings)
    store = TagStore.open(settings, lib)
    store.add_passage(lib.article(A1), 10, ["corridor"], "Lachín, Azərbaycan — señor")
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        dialog = app.screen
        bom = dialog.query_one("#export-bom", Checkbox)
        assert not bom.display  # Markdown: no byte-order mark offered
        for fmt, shown in (("qdc", False), ("csv", True)):
            dialog.query_one("#export-format", Select).value = fmt
            await pilot.pause()
            assert bom.display is shown, fmt
        bom.value = True
        dialog.query_one("#export-path", Input).value = "excel.csv"
        await pilot.press("enter")
        target = tmp_path / "excel.csv"
        await until(pilot, target.exists, "the csv export")

        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        app.screen.query_one("#export-format", Select).value = "html"
        await pilot.pause()
        assert app.screen.query_one("#export-path", Input).value.endswith("dossier-export.html")
        await pilot.press("enter")
        html = tmp_path / "dossier-export.html"
        await until(pilot, html.exists, "the html export")
    data = target.read_bytes()
    assert data[:3] == b"\xef\xbb\xbf"
    assert "Lachín, Azərbaycan — señor" in data[3:].decode("utf-8")
    page = html.read_text(encoding="utf-8")
    assert "<mark" in page and "Lachín, Azərbaycan — señor" in page and "<svg" in page


async def test_export_dialog_opens_centred_on_the_format(tmp_path):
    """The format has focus (a key typed would otherwise replace the prefilled path) and
    the dialog sits in the middle like the other dialogs."""
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("E")
        await until(pilot, lambda: isinstance(app.screen, ExportDialog), "the export dialog")
        await pilot.pause()
        assert app.focused is app.screen.query_one("#export-format", Select)
        box = app.screen.query_one("#export-dialog").region
        assert abs((box.x + box.right) / 2 - W / 2) <= 1
        assert abs((box.y + box.bottom) / 2 - H / 2) <= 1
        fmt = app.screen.query_one("#export-format", Select)
        await pilot.press("down")  # the list opens; enter there picks, not exports
        await until(pilot, lambda: fmt.expanded, "the format list")
        await pilot.press("down", "enter")
        await until(pilot, lambda: fmt.value != "md", "another format")
        assert isinstance(app.screen, ExportDialog)
