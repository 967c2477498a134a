"""One article, passage by passage, with the current query's hits."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Static

from index.model import Article

from ..render import join, meta_line, plain, source_file
from ..tagging import TAG_BINDINGS, TaggingMixin
from ..widgets.article_view import ArticleView


class ReaderScreen(TaggingMixin, Screen):
    BINDINGS = [
        Binding("n", "next_hit", "Next hit", id="reader.next_hit"),
        Binding("N", "previous_hit", "Prev hit", id="reader.previous_hit"),
        Binding("c", "compare", "Compare", id="reader.compare"),
        Binding("x", "toggle_removed", "Removed text", id="reader.removed"),
        Binding("escape", "back", "Back", id="reader.back"),
        *TAG_BINDINGS,
    ]

    def __init__(self, article: Article, n: int | None, query: str) -> None:
        super().__init__()
        self.article = article
        self.start_n = n
        self.search_text = query
        self.hits: dict[int, list[tuple[int, int]]] = {}
        self.install_topic_keys()

    def active_view(self) -> ArticleView:
        return self.view

    def all_views(self) -> list[ArticleView]:
        return [self.view]

    def tags_changed(self) -> None:
        self._update_status()

    def compose(self) -> ComposeResult:
        yield Static(plain(self.article.title), id="reader-title", classes="title")
        yield Static(self._meta(), id="reader-meta", classes="meta")
        yield ArticleView(self.article, id="view")
        yield Static("", id="reader-status", classes="status")
        yield Footer()

    def _meta(self):
        a = self.article
        return join(
            plain(meta_line(a.source, a.date), "italic"),
            plain(f" · {len(a.passages)} passages · {source_file(a, self.app.settings)}", "dim"),
        )

    @property
    def view(self) -> ArticleView:
        return self.query_one("#view", ArticleView)

    def on_mount(self) -> None:
        self.refresh_tags()
        self.refresh_hits()
        view = self.view
        n = self.start_n or (min(self.hits) if self.hits else 1)
        view.focus()
        self.call_after_refresh(view.move_to, n, True)

    def refresh_hits(self) -> None:
        try:
            self.hits = self.app.library.hits_in(
                self.article, self.search_text, self.app.tag_lookup
            )
        except Exception:
            self.hits = {}
        self.view.decor.hits = self.hits
        self.view.redecorate()
        self._update_status()

    def _update_status(self) -> None:
        view = self.view
        total = len(self.article.passages)
        parts = [f"passage {view.cursor}/{total}"]
        if self.search_text.strip():
            ordered = sorted(self.hits)
            if ordered:
                here = sum(1 for n in ordered if n <= view.cursor)
                if here:
                    parts.append(f"hit {here}/{len(ordered)} for “{self.search_text}” (n/N)")
                else:
                    parts.append(f"{len(ordered)} passages match “{self.search_text}” (n: first)")
            else:
                parts.append(f"no hits for “{self.search_text}” here")
        if view.show_removed:
            parts.append("showing removed text (x hides)")
        tags = self.tag_status(view)
        if tags:
            parts.append(tags)
        self.query_one("#reader-status", Static).update(plain(" · ".join(parts)))

    @on(ArticleView.CursorMoved)
    @on(ArticleView.SelectionChanged)
    def _moved(self) -> None:
        self._update_status()

    def on_screen_resume(self) -> None:
        if not self.app.tags.read_only and self.app.tags.reload():
            self.refresh_tags()
        self._update_status()

    def action_next_hit(self) -> None:
        after = [n for n in sorted(self.hits) if n > self.view.cursor]
        if after:
            self.view.move_to(after[0], center=True)
        elif self.hits:
            self.notify("last hit; n again wraps to the first", timeout=2)
            self.view.move_to(min(self.hits), center=True)

    def action_previous_hit(self) -> None:
        before = [n for n in sorted(self.hits) if n < self.view.cursor]
        if before:
            self.view.move_to(before[-1], center=True)
        elif self.hits:
            self.view.move_to(max(self.hits), center=True)

    def action_toggle_removed(self) -> None:
        self.view.show_removed = not self.view.show_removed
        self._update_status()

    def action_back(self) -> None:
        if self.view.selection:
            self.view.set_selection(None)
        else:
            self.app.pop_screen()

    def action_compare(self) -> None:
        def chosen(aid: str | None) -> None:
            if aid:
                from .compare import CompareScreen

                other = self.app.library.article(aid)
                self.app.push_screen(CompareScreen(self.article, other, self.view.cursor))

        self.app.pick_article("Compare with…", chosen, exclude=(self.article.id,))
