"""A list that draws only the rows on screen: tens of thousands of rows cost nothing to
show (OptionList builds and measures every row up front). Rows are one line each, or
as many lines as `heights` says (their text wraps to the width those heights were
measured at); rows marked not `selectable` (a group's head) are passed over by the
cursor."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Sequence
from itertools import accumulate

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import bindings

DRAWN_KEPT = 256  # rows whose lines are kept between draws (a screen's worth and more)


class VirtualList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"virtual-list--cursor"}
    BINDINGS = bindings("articles")

    cursor: reactive[int] = reactive(0, init=False)

    class Selected(Message):
        def __init__(self, lst: VirtualList, key: str) -> None:
            super().__init__()
            self.list, self.key = lst, key

        @property
        def control(self) -> VirtualList:
            return self.list

    def __init__(self, render_row: Callable[[str, int], Content], *, id: str | None = None):
        super().__init__(id=id)
        self._keys: Sequence[str] = ()
        self._tops: list[int] | None = None  # first line of each row; None: a line a row
        self._selectable: Sequence[bool] | None = None
        self._drawn: dict[tuple[int, int], list[Content]] = {}
        self._render_row = render_row

    def set_rows(
        self,
        keys: Sequence[str],
        heights: Sequence[int] | None = None,
        selectable: Sequence[bool] | None = None,
        cursor: int | None = None,
    ) -> None:
        """Show `keys`; with `heights`, row i takes heights[i] lines; `cursor` the row
        to put the cursor on (else it stays where it was, within the new rows)."""
        self._keys = keys
        self._tops = list(accumulate(heights, initial=0)) if heights is not None else None
        self._selectable = selectable
        self._drawn.clear()
        self.virtual_size = Size(self.size.width, self._line_count)
        wanted = self.cursor if cursor is None else cursor
        self.cursor = self._allowed(min(wanted, max(0, len(keys) - 1)), 1)
        self.watch_cursor()

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def keys(self) -> Sequence[str]:
        return self._keys

    @property
    def current_key(self) -> str | None:
        return self._keys[self.cursor] if self._keys else None

    @property
    def _line_count(self) -> int:
        return self._tops[-1] if self._tops is not None else len(self._keys)

    def _top(self, index: int) -> int:
        return self._tops[index] if self._tops is not None else index

    def _height(self, index: int) -> int:
        return self._tops[index + 1] - self._tops[index] if self._tops is not None else 1

    def _row_at(self, line: int) -> int:
        if self._tops is None:
            return line
        return bisect_right(self._tops, line) - 1

    def row_lines(self, index: int, width: int | None = None) -> list[Content]:
        """Row `index` as drawn: its lines at the list's width (or `width`)."""
        width = self.scrollable_content_region.width if width is None else width
        drawn = self._drawn.get((index, width))
        if drawn is None:
            content = self._render_row(self._keys[index], width)
            drawn = content.split("\n", allow_blank=True) if self._tops is not None else [content]
            if len(self._drawn) >= DRAWN_KEPT:
                self._drawn.clear()
            self._drawn[(index, width)] = drawn
        return drawn

    def render_line(self, y: int) -> Strip:
        line = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if line >= self._line_count:
            return Strip.blank(width, base)
        index = self._row_at(line)
        lines = self.row_lines(index, width)
        offset = line - self._top(index)
        content = lines[offset] if offset < len(lines) else Content("")
        if index == self.cursor:
            base = base + self.get_component_rich_style("virtual-list--cursor")
        segments = [
            Segment(s.text, base + s.style) if s.style else Segment(s.text, base)
            for s in content.render_segments()
        ]
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _allowed(self, index: int, step: int) -> int:
        """The nearest selectable row from `index` going by `step` (then the other way)."""
        if self._selectable is None or not self._keys:
            return index
        for direction in (step, -step):
            i = index
            while 0 <= i < len(self._keys):
                if self._selectable[i]:
                    return i
                i += direction
        return index

    def watch_cursor(self) -> None:
        y = int(self.scroll_offset.y)
        h = self.scrollable_content_region.height  # 0: not laid out yet, nothing to scroll
        top, bottom = self._top(self.cursor), self._top(self.cursor) + self._height(self.cursor)
        if h and top < y:
            self.scroll_to(y=top, animate=False)
        elif h and bottom > y + h:
            self.scroll_to(y=max(top, bottom - h), animate=False)
        self.refresh()

    def _move_to(self, index: int, step: int) -> None:
        last = max(0, len(self._keys) - 1)
        self.cursor = self._allowed(min(max(index, 0), last), step)

    def action_down(self) -> None:
        self._move_to(self.cursor + 1, 1)

    def action_up(self) -> None:
        self._move_to(self.cursor - 1, -1)

    def action_page_down(self) -> None:
        page = self.scrollable_content_region.height
        self._move_to(max(self.cursor + 1, self._row_at(self._top(self.cursor) + page)), 1)

    def action_page_up(self) -> None:
        page = self.scrollable_content_region.height
        self._move_to(min(self.cursor - 1, self._row_at(max(0, self._top(self.cursor) - page))), -1)

    def action_first(self) -> None:
        self._move_to(0, 1)

    def action_last(self) -> None:
        self._move_to(len(self._keys) - 1, -1)

    def action_select(self) -> None:
        if self._keys and (self._selectable is None or self._selectable[self.cursor]):
            self.post_message(self.Selected(self, self._keys[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        line = int(self.scroll_offset.y) + event.y
        if not 0 <= line < self._line_count:
            return
        index = self._row_at(line)
        if self._selectable is not None and not self._selectable[index]:
            return
        if index == self.cursor and event.chain >= 2:
            self.action_select()
        self.cursor = index
