"""A one-line-per-row list that draws only the rows on screen: tens of thousands of
rows cost nothing to show (OptionList builds every row up front)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rich.segment import Segment
from textual import events
from textual.content import Content
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..actions import bindings


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
        self._render_row = render_row

    def set_rows(self, keys: Sequence[str]) -> None:
        self._keys = keys
        self.virtual_size = Size(self.size.width, len(keys))
        self.cursor = min(self.cursor, max(0, len(keys) - 1))
        self.refresh()

    @property
    def row_count(self) -> int:
        return len(self._keys)

    @property
    def current_key(self) -> str | None:
        return self._keys[self.cursor] if self._keys else None

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._keys):
            return Strip.blank(width, base)
        content = self._render_row(self._keys[index], width)
        if index == self.cursor:
            base = base + self.get_component_rich_style("virtual-list--cursor")
        segments = [
            Segment(s.text, base + s.style) if s.style else Segment(s.text, base)
            for s in content.render_segments()
        ]
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def watch_cursor(self) -> None:
        y = int(self.scroll_offset.y)
        h = self.scrollable_content_region.height or 1
        if self.cursor < y:
            self.scroll_to(y=self.cursor, animate=False)
        elif self.cursor >= y + h:
            self.scroll_to(y=self.cursor - h + 1, animate=False)
        self.refresh()

    def action_down(self) -> None:
        self.cursor = min(self.cursor + 1, max(0, len(self._keys) - 1))

    def action_up(self) -> None:
        self.cursor = max(0, self.cursor - 1)

    def action_page_down(self) -> None:
        self.cursor = min(
            self.cursor + self.scrollable_content_region.height, max(0, len(self._keys) - 1)
        )

    def action_page_up(self) -> None:
        self.cursor = max(0, self.cursor - self.scrollable_content_region.height)

    def action_first(self) -> None:
        self.cursor = 0

    def action_last(self) -> None:
        self.cursor = max(0, len(self._keys) - 1)

    def action_select(self) -> None:
        if self._keys:
            self.post_message(self.Selected(self, self._keys[self.cursor]))

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._keys):
            if index == self.cursor and event.chain >= 2:
                self.action_select()
            self.cursor = index
