"""An article as numbered passages, drawn a line at a time (only visible lines are
rendered, so a 5 MB article scrolls as smoothly as a short one)."""

from __future__ import annotations

from dataclasses import dataclass, field

from rich.segment import Segment
from rich.style import Style
from textual import events, work
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from index.model import Article
from index.spans import extend, first_sentence, move_start

from ..actions import bindings
from ..render import rich_colour, safe
from ..worker_errors import ReportsWorkerErrors
from .article_layout import GUTTER, Layout, Line, layout, removed_label, text_width

Span = tuple[int, int]
LARGE = 1_000_000  # characters: beyond this, a new layout (x, resize) is made in a worker


@dataclass(slots=True)
class Decor:
    """What the view marks on an article besides its text."""

    hits: dict[int, list[Span]] = field(default_factory=dict)  # passage n -> spans in passage
    diffs: dict[int, list[Span]] = field(default_factory=dict)
    marks: dict[int, list[tuple[str, str]]] = field(default_factory=dict)  # n -> (label, colour)
    suggestions: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    scores: dict[int, float] = field(default_factory=dict)  # aligned passages on this side
    shared: set[int] = field(default_factory=set)  # passages other articles carry too (≡)
    spans: dict[int, list[tuple[int, int, str]]] = field(default_factory=dict)  # span tags
    selection: tuple[int, int, int] | None = None  # (n, start, end) inside passage n


class ArticleView(ReportsWorkerErrors, ScrollView, can_focus=True):
    """Numbered passages with a cursor; the screen decides what is decorated."""

    COMPONENT_CLASSES = {
        "article-view--number",
        "article-view--cursor",
        "article-view--cursor-number",
        "article-view--hit",
        "article-view--diff",
        "article-view--removed",
        "article-view--score",
        "article-view--suggestion",
        "article-view--selection",
        "article-view--span",
        "article-view--shared",
    }

    BINDINGS = bindings("view")

    cursor: reactive[int] = reactive(1, always_update=True, init=False)
    show_removed: reactive[bool] = reactive(False, init=False)

    class CursorMoved(Message):
        def __init__(self, view: ArticleView, n: int) -> None:
            super().__init__()
            self.view, self.n = view, n

        @property
        def control(self) -> ArticleView:
            return self.view

    def __init__(
        self,
        article: Article,
        *,
        layout: Layout | None = None,
        id: str | None = None,
        classes: str | None = None,
    ):
        super().__init__(id=id, classes=classes)
        self.article = article
        self._prepared = layout  # laid out off the UI thread for the expected width
        self.decor = Decor()
        self._lines: list[Line] = []
        self._first_line: dict[int, int] = {}
        self._last_line: dict[int, int] = {}
        self._laid_width = -1
        self._drag: tuple[int, int] | None = None

    # -- layout ---------------------------------------------------------------

    @property
    def text_width(self) -> int:
        return text_width(self.scrollable_content_region.width)

    def set_article(self, article: Article, n: int = 1) -> None:
        self.article = article
        self.decor = Decor()
        self._laid_width = -1
        self._layout()
        self.cursor = max(1, min(n, len(article.passages) or 1))
        self.scroll_to_passage(self.cursor, animate=False)

    def _layout(self) -> None:
        prepared, self._prepared = self._prepared, None
        if prepared is not None and not self.scrollable_content_region.width:
            width = prepared.width  # not laid out on screen yet: trust the expected width
        else:
            width = self.text_width
        if prepared is None or prepared.width != width or self.show_removed:
            if len(self.article.text) > LARGE:
                self._laid_width = width  # the worker's; the old lines stay until then
                self._layout_in_worker(self.article, width, self.show_removed)
                return
            prepared = layout(self.article, width, self.show_removed)
        self._apply(prepared)

    class LaidOut(Message):
        def __init__(self, article: Article, laid_out: Layout, show_removed: bool) -> None:
            super().__init__()
            self.article, self.laid_out, self.show_removed = article, laid_out, show_removed

    # description: else the repr of the article (its whole text) is made on the UI thread
    @work(
        thread=True,
        exclusive=True,
        group="laying out",
        description="laying out the article",
        exit_on_error=False,
    )
    def _layout_in_worker(self, article: Article, width: int, show_removed: bool) -> None:
        self.post_message(self.LaidOut(article, layout(article, width, show_removed), show_removed))

    def on_article_view_laid_out(self, msg: LaidOut) -> None:
        msg.stop()
        current = (self._laid_width, self.show_removed)
        if msg.article is self.article and (msg.laid_out.width, msg.show_removed) == current:
            self._apply(msg.laid_out)
            self.scroll_to_passage(self.cursor, animate=False)

    def _apply(self, prepared: Layout) -> None:
        width = prepared.width
        self._lines = prepared.lines
        self._first_line = prepared.first_line
        self._last_line = prepared.last_line
        self._laid_width = width
        self.virtual_size = Size(GUTTER + width + 1, len(self._lines))
        self.refresh()

    def on_resize(self, event: events.Resize) -> None:
        if self.text_width != self._laid_width:
            self._layout()
        # also when only the height changed (a status line that wraps): the current
        # passage stays in view
        self.scroll_to_passage(self.cursor, animate=False)

    def on_mount(self) -> None:
        self._layout()

    def watch_show_removed(self) -> None:
        self._layout()
        self.scroll_to_passage(self.cursor, animate=False)

    def redecorate(self) -> None:
        self.refresh()

    # -- drawing --------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        index = int(self.scroll_offset.y) + y
        width = self.scrollable_content_region.width
        base = self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, base)
        line = self._lines[index]
        if line.n == -1:
            return Strip.blank(width, base)
        segments = self._gutter(line, base) + self._text(line, base)
        return Strip(segments).extend_cell_length(width, base).crop(0, width)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name, partial=True)

    def _gutter(self, line: Line, base: Style) -> list[Segment]:
        """Passage number, then on the first line the alignment score (compare) or the
        topic marks: ■ a tag, □ a suggestion; marks continue on the next lines."""
        if line.n == 0:
            mark = "✗" if line.first else ""
            return [Segment(f"{mark:>5}    ", base + self._style("article-view--removed"))]
        on_cursor = line.n == self.cursor
        num_style = base + self._style(
            "article-view--cursor-number" if on_cursor else "article-view--number"
        )
        segs = [Segment(f"{line.n:>4} " if line.first else "     ", num_style)]
        score = self.decor.scores.get(line.n)
        if line.first and score is not None:
            shown = "1.0" if score >= 0.995 else f"{score:.2f}"[1:]
            return [
                *segs,
                Segment(shown, base + self._style("article-view--score")),
                Segment(" ", base),
            ]
        cells = [("≡", "")] if line.n in self.decor.shared else []
        cells += [(("■", c)) for _, c in self.decor.marks.get(line.n, [])]
        cells += [("□", c) for _, c in self.decor.suggestions.get(line.n, [])]
        if score is not None and not line.first:
            cells = cells[:3]
        cells = cells[:3]
        shared = self._style("article-view--shared")
        segs += [
            Segment(ch, base + (Style(color=rich_colour(colour)) if colour else shared))
            for ch, colour in cells
        ]
        segs.append(Segment(" " * (3 - len(cells)) + " ", base))
        return segs

    def _text(self, line: Line, base: Style) -> list[Segment]:
        a = self.article
        text = safe(a.text[line.start : line.end].rstrip("\n"))
        if line.n == 0:
            removed = base + self._style("article-view--removed")
            dim = base + Style(dim=True)
            label = [Segment(removed_label(line.label), dim)] if line.first else []
            return [*label, Segment(text, removed)]
        style = base + (self._style("article-view--cursor") if line.n == self.cursor else Style())
        p = a.passages[line.n - 1]
        offset = line.start - p.start
        layers: list[tuple[list[Span], Style]] = []
        if line.n in self.decor.diffs:
            layers.append((self.decor.diffs[line.n], self._style("article-view--diff")))
        for s_, e_, colour in self.decor.spans.get(line.n, []):
            layers.append(
                ([(s_, e_)], self._style("article-view--span") + Style(color=rich_colour(colour)))
            )
        if line.n in self.decor.hits:
            layers.append((self.decor.hits[line.n], self._style("article-view--hit")))
        sel = self.decor.selection
        if sel and sel[0] == line.n:
            layers.append(([(sel[1], sel[2])], self._style("article-view--selection")))
        if not layers:
            return [Segment(text, style)]
        styles = [style] * len(text)
        for spans, extra in layers:
            for s, e in spans:
                for i in range(max(s - offset, 0), min(e - offset, len(text))):
                    styles[i] = styles[i] + extra
        out: list[Segment] = []
        run_start = 0
        for i in range(1, len(text) + 1):
            if i == len(text) or styles[i] != styles[run_start]:
                out.append(Segment(text[run_start:i], styles[run_start]))
                run_start = i
        return out

    # -- movement -------------------------------------------------------------

    # -- span selection (keyboard: v, w/W, ( and ); mouse: drag) ----------------

    class SelectionChanged(Message):
        def __init__(self, view: ArticleView) -> None:
            super().__init__()
            self.view = view

    @property
    def selection(self) -> tuple[int, int, int] | None:
        """(passage n, start, end) with offsets into the passage, when a span is selected."""
        return self.decor.selection

    def set_selection(self, sel: tuple[int, int, int] | None) -> None:
        self.decor.selection = sel
        self.refresh()
        self.post_message(self.SelectionChanged(self))

    def action_select(self) -> None:
        if self.decor.selection:
            self.set_selection(None)
            return
        if self.article.passages:
            start, end = first_sentence(self.article.passage(self.cursor).text)
            self.set_selection((self.cursor, start, end))

    def action_extend(self, unit: str, step: int) -> None:
        sel = self.decor.selection
        if not sel:
            self.action_select()
            return
        n, start, end = sel
        self.set_selection((n, *extend(self.article.passage(n).text, start, end, unit, step)))

    def action_move_start(self, step: int) -> None:
        sel = self.decor.selection
        if not sel:
            self.action_select()
            return
        n, start, end = sel
        self.set_selection((n, *move_start(self.article.passage(n).text, start, end, step)))

    def _offset_at(self, x: int, y: int) -> tuple[int, int] | None:
        """(passage n, offset into the passage) under a mouse position."""
        index = int(self.scroll_offset.y) + y
        if not 0 <= index < len(self._lines) or self._lines[index].n <= 0:
            return None
        line = self._lines[index]
        p = self.article.passage(line.n)
        col = max(0, x - GUTTER)
        return line.n, min(line.start + col, line.end) - p.start

    def on_mouse_down(self, event: events.MouseDown) -> None:
        hit = self._offset_at(event.x, event.y)
        self._drag = hit
        if hit:
            self.capture_mouse()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        start = self._drag
        if not start:
            return
        hit = self._offset_at(event.x, event.y)
        if hit and hit[0] == start[0] and hit[1] != start[1]:
            a, b = sorted((start[1], hit[1]))
            self.cursor = start[0]
            self.set_selection((start[0], a, b))

    def on_mouse_up(self, event: events.MouseUp) -> None:
        self._drag = None
        self.release_mouse()

    def watch_cursor(self, old: int, new: int) -> None:
        sel = self.decor.selection
        if sel and sel[0] != new:
            self.decor.selection = None
            self.post_message(self.SelectionChanged(self))
        self.refresh()
        self.post_message(self.CursorMoved(self, new))

    def move_to(self, n: int, center: bool = False) -> None:
        if not self.article.passages:
            return
        n = max(1, min(n, len(self.article.passages)))
        self.cursor = n
        self.scroll_to_passage(n, center=center)

    def scroll_to_passage(self, n: int, animate: bool = False, center: bool = False) -> None:
        if n not in self._first_line:
            return
        top, bottom = self._first_line[n], self._last_line[n]
        height = self.scrollable_content_region.height or 1
        y = int(self.scroll_offset.y)
        if center:
            target = max(0, top - max(0, (height - (bottom - top + 1)) // 3))
        elif top < y:
            target = top
        elif bottom >= y + height:
            target = min(top, bottom - height + 1)
        else:
            return
        self.scroll_to(y=target, animate=animate)

    def action_next_passage(self) -> None:
        self.move_to(self.cursor + 1)

    def action_previous_passage(self) -> None:
        self.move_to(self.cursor - 1)

    def action_first(self) -> None:
        self.move_to(1)
        self.scroll_home(animate=False)

    def action_last(self) -> None:
        self.move_to(len(self.article.passages))
        self.scroll_end(animate=False)

    def _passage_at(self, line_index: int, forward: bool = True) -> int | None:
        rng = range(line_index, len(self._lines)) if forward else range(line_index, -1, -1)
        for i in rng:
            if 0 <= i < len(self._lines) and self._lines[i].n > 0:
                return self._lines[i].n
        return None

    def action_page_down(self) -> None:
        height = self.scrollable_content_region.height
        target = min(self.max_scroll_y, int(self.scroll_offset.y) + height)
        self.scroll_to(y=target, animate=False)
        n = self._passage_at(target) if target < self.max_scroll_y else len(self.article.passages)
        if n:
            self.cursor = max(self.cursor, n) if target < self.max_scroll_y else n

    def action_page_up(self) -> None:
        height = self.scrollable_content_region.height
        target = max(0, int(self.scroll_offset.y) - height)
        self.scroll_to(y=target, animate=False)
        n = self._passage_at(target) if target > 0 else 1
        if n and target > 0 and self._first_line.get(n, 0) < target:
            n = self._passage_at(self._last_line[n] + 1) or n
        if n:
            self.cursor = n

    def on_click(self, event: events.Click) -> None:
        index = int(self.scroll_offset.y) + event.y
        if 0 <= index < len(self._lines) and self._lines[index].n > 0:
            self.cursor = self._lines[index].n
        self.focus()
