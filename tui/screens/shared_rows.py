"""The rows of the Quotes and Shared text screens, and the screen they share: rows of
several lines (a group's head, then its items), made and measured from the analysis
off the UI thread, drawn as they come on screen (at 100k articles a screen holds tens
of thousands)."""

from __future__ import annotations

from dataclasses import dataclass

from textual import work
from textual.content import Content
from textual.screen import Screen

from index.reuse_store import Analysis

from ..actions import bindings
from ..render import indented, indented_height, join, plain
from ..widgets.virtual_list import VirtualList
from ..worker_errors import ReportsWorkerErrors


@dataclass(frozen=True)
class Block:
    """Text wrapped under an indent, styled as a whole and at `spans` (offsets)."""

    text: str
    indent: int
    style: str = ""
    spans: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class Row:
    """One row of a shared-rows list: a group's head (not selectable) or an item."""

    key: str
    blocks: tuple[Block, ...]
    selectable: bool = True
    item: object = None  # what the row stands for (what enter opens)

    def height(self, width: int) -> int:
        return sum(indented_height(b.text, width, b.indent) for b in self.blocks)

    def render(self, width: int) -> Content:
        parts: list[Content] = []
        for b in self.blocks:
            block = indented(b.text, width, b.indent, b.spans)
            parts += [plain("\n"), block.stylize(b.style) if b.style else block]
        return join(*parts[1:])


class SharedRows(VirtualList, inherit_bindings=False):
    """The rows of the Quotes and Shared text screens, drawn as they come on screen (at
    100k articles a screen holds tens of thousands); reading keys move through them."""

    BINDINGS = bindings("shared rows")

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(self._draw, id=id)
        self._by_key: dict[str, Row] = {}

    def _draw(self, key: str, width: int) -> Content:
        return self._by_key[key].render(width)

    def show(self, rows: list[Row], heights: list[int]) -> None:
        """Show `rows` (of `heights` lines), the cursor kept on the row it was on."""
        current = self.current_key
        self._by_key = {r.key: r for r in rows}
        keys = [r.key for r in rows]
        cursor = keys.index(current) if current in self._by_key else 0
        self.set_rows(keys, heights, [r.selectable for r in rows], cursor=cursor)

    def item(self, key: str) -> object:
        row = self._by_key.get(key)
        return row.item if row else None

    def text_of(self, index: int) -> str:
        """Row `index`'s text, its lines as drawn."""
        return "\n".join(str(line) for line in self.row_lines(index))


def text_width(rows: VirtualList) -> int:
    """Cells a row's text may take: the list's width less its border, padding and a
    scrollbar (wider lines would wrap back to the left edge, under nothing)."""
    outer = rows.region.width or rows.app.size.width
    return max(20, outer - rows.styles.gutter.width - 2)


def rewrap(screen) -> None:
    """Wrap a screen's rows again for its new width (a terminal resized)."""
    rows = screen.query_one(SharedRows)
    analysis = screen.app.analysis
    if analysis is not None and screen.wrapped_at and text_width(rows) != screen.wrapped_at:
        screen.analysed(analysis)


def head_row(key: str, head: str) -> Row:
    return Row(key, (Block(head, 0, "bold"),), selectable=False)


class RowsScreen(ReportsWorkerErrors, Screen):
    """A screen of shared rows made from the analysis: the rows are made and measured
    off the UI thread (tens of thousands at 100k articles), again when the width
    changes, and shown with the cursor where it was."""

    wrapped_at = 0  # the text width the rows were wrapped to

    def on_mount(self) -> None:
        self.query_one(SharedRows).focus()
        self.app.when_analysed(self.analysed)

    def on_resize(self) -> None:
        self.call_after_refresh(rewrap, self)  # once the rows have their new width

    def analysed(self, analysis: Analysis | None) -> None:
        if self not in self.app.screen_stack:  # closed meanwhile
            return
        if analysis is None:
            self.unavailable(self.app.analysis_error)
            return
        self.wrapped_at = text_width(self.query_one(SharedRows))
        self._lay_out(analysis, self.wrapped_at)

    # description: without one, Textual describes a worker by the repr of its arguments,
    # on the UI thread (an analysis at 100k articles: 17 s)
    @work(
        thread=True,
        exclusive=True,
        group="laying out rows",
        description="laying out rows",
        exit_on_error=False,
    )
    def _lay_out(self, analysis: Analysis, width: int) -> None:
        rows = self.rows_of(analysis)
        heights = [r.height(width) for r in rows]
        self.app.call_from_thread(self._show, analysis, rows, heights, width)

    def _show(self, analysis: Analysis, rows: list[Row], heights: list[int], width: int) -> None:
        if width != self.wrapped_at:  # laid out for a width since changed
            return
        self.query_one(SharedRows).show(rows, heights)
        self.summarize(analysis)

    def rows_of(self, analysis: Analysis) -> list[Row]:
        raise NotImplementedError

    def summarize(self, analysis: Analysis) -> None:
        raise NotImplementedError

    def unavailable(self, why: str) -> None:
        raise NotImplementedError
