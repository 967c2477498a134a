"""The export dialog: a format and a path (beside the tag file by default)."""

from __future__ import annotations

from pathlib import Path

from textual import on
from textual.actions import SkipAction
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Checkbox, Input, Select, Static

from index.exports import BOM_FORMATS, EXPORTERS

from ..actions import bindings
from ..render import plain

NAMES = {
    "csv": "CSV (spreadsheets)",
    "md": "Markdown (reports)",
    "yaml": "YAML (tools)",
    "qdpx": "QDPX (QualCoder, ATLAS.ti, MAXQDA, NVivo)",
    "qdc": "QDC (the codebook alone)",
    "html": "HTML briefing (any browser)",
}
DEFAULT_FORMAT = "md"


def default_path(tags_file: Path, fmt: str = DEFAULT_FORMAT) -> Path:
    return Path(tags_file).parent / f"dossier-export.{fmt}"


class ExportDialog(ModalScreen[tuple[str, Path, bool] | None]):
    """Pick a format (the path's extension follows it) and a path; enter exports. For
    CSV, a box adds the UTF-8 byte-order mark (spreadsheet programs then read accents)."""

    BINDINGS = bindings("export")

    def __init__(self, tags_file: Path) -> None:
        super().__init__()
        self.tags_file = Path(tags_file)

    def compose(self) -> ComposeResult:
        with Vertical(id="export-dialog", classes="dialog"):
            yield Static(
                plain("Export tags — enter writes the file"),
                classes="title",
            )
            yield Select(
                [(NAMES.get(f, f), f) for f in EXPORTERS],
                value=DEFAULT_FORMAT,
                allow_blank=False,
                id="export-format",
            )
            yield Input(str(default_path(self.tags_file)), id="export-path")
            bom = Checkbox("UTF-8 byte-order mark (for Excel)", id="export-bom", compact=True)
            bom.display = DEFAULT_FORMAT in BOM_FORMATS
            yield bom

    def on_mount(self) -> None:
        # the format first: a key typed into the path would replace the prefilled one
        self.query_one("#export-format").focus()

    @on(Select.Changed, "#export-format")
    def _format(self, event: Select.Changed) -> None:
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if path.suffix.lstrip(".") in EXPORTERS:
            box.value = str(path.with_suffix(f".{event.value}"))
        self.query_one("#export-bom", Checkbox).display = event.value in BOM_FORMATS

    def action_write(self) -> None:
        """Enter exports from the format or the path; in the open format list it picks."""
        if self.query_one("#export-format", Select).expanded:
            raise SkipAction()
        self._write(self.query_one("#export-path", Input).value)

    def _write(self, value: str) -> None:
        text = value.strip()
        if not text:
            self.notify("Give a file to write.", title="Export", severity="warning")
            return
        path = Path(text).expanduser()
        if not path.is_absolute():
            path = self.tags_file.parent / path
        fmt = str(self.query_one("#export-format", Select).value)
        bom = self.query_one("#export-bom", Checkbox).value and fmt in BOM_FORMATS
        self.dismiss((fmt, path, bom))

    def action_cancel(self) -> None:
        self.dismiss(None)
