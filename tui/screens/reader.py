"""One article, passage by passage, with the current query's hits: drawn from the
article's view model (index/views.py), built in a worker."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from index.extract import is_html_path
from index.model import Article
from index.page_leftout import LeftOut, left_out
from index.views import ArticleViewModel, article_view

from ..actions import bind_topic_keys, bindings
from ..render import cap, join, meta_line, plain, plural, source_file
from ..reuse_reader import SharedPassages
from ..tagging import TaggingMixin
from ..widgets.article_layout import Layout
from ..widgets.article_view import ArticleView
from ..worker_errors import ReportsWorkerErrors
from .compare import CompareScreen, story_others


class ViewReady(Message):
    def __init__(self, model: ArticleViewModel, epoch: int) -> None:
        super().__init__()
        self.model, self.epoch = model, epoch


class ReaderScreen(ReportsWorkerErrors, SharedPassages, TaggingMixin, Screen):
    BINDINGS = bindings("reader", "tagging")

    def __init__(
        self, article: Article, n: int | None, query: str, layout: Layout | None = None
    ) -> None:
        super().__init__()
        self.article = article
        self.start_n = n
        self.search_text = query
        self.prepared = layout
        self.hits: dict[int, list[tuple[int, int]]] | None = None  # None until found
        self.hits_error = ""
        self.model: ArticleViewModel | None = None  # marks, suggestions and hits
        self._tag_epoch = 0  # tag changes drawn here since the screen opened
        bind_topic_keys(self, self.app.settings.topics)

    def active_view(self) -> ArticleView:
        return self.view

    def all_views(self) -> list[ArticleView]:
        return [self.view]

    def tags_changed(self) -> None:
        self._tag_epoch += 1
        self._show_memo()
        self._update_status()

    def _show_memo(self) -> None:
        """The article's memo above its text (hidden when it has none)."""
        memo = self.app.tags.memo(self.article.id)
        box = self.query_one("#reader-memo", Static)
        box.display = memo is not None
        if memo is not None:
            lines = [cap(ln, 400) for ln in memo.text.split("\n") if ln.strip()]
            more = f" (+{len(lines) - 2} lines: M)" if len(lines) > 2 else ""
            box.update(join(plain("Memo: ", "bold"), plain(" ⏎ ".join(lines[:2]) + more)))

    def compose(self) -> ComposeResult:
        yield Static(plain(cap(self.article.title)), id="reader-title", classes="title")
        yield Static(self._meta(), id="reader-meta", classes="meta")
        yield Static("", id="reader-memo", classes="memo")
        yield ArticleView(self.article, layout=self.prepared, id="view")
        with VerticalScroll(id="reader-leftout"):  # x on a web page: what extraction left out
            yield Static("")
        yield Static("", id="reader-status", classes="status")
        yield Footer(compact=True)

    def _meta(self):
        a = self.article
        return join(
            plain(meta_line(a.source, a.date), "italic"),
            plain(
                f" · {plural(len(a.passages), 'passage')} · {source_file(a, self.app.settings)}",
                "dim",
            ),
        )

    @property
    def view(self) -> ArticleView:
        return self.query_one("#view", ArticleView)

    def on_mount(self) -> None:
        self._show_memo()
        view = self.view
        view.focus()
        self.call_after_refresh(view.move_to, self.start_n or 1, True)
        if not self.search_text.strip():
            self.hits = {}
        self._build_view(self.search_text)
        self.watch_shared_text()
        self._update_status()

    @work(thread=True, exclusive=True, group="article view", exit_on_error=False)
    def _build_view(self, text: str) -> None:
        app, epoch = self.app, self._tag_epoch
        model = article_view(self.article, app.library, app.tags, text)
        self.post_message(ViewReady(model, epoch))

    @on(ViewReady)
    def _view_ready(self, msg: ViewReady) -> None:
        """Draw the view model: tag marks, span tags, suggestions and the query's hits."""
        model = self.model = msg.model
        view = self.view
        decor = view.decor
        if msg.epoch == self._tag_epoch:  # else a tag change drew newer marks meanwhile
            decor.marks = {p.n: list(p.marks) for p in model.passages if p.marks}
            decor.spans = {p.n: list(p.spans) for p in model.passages if p.spans}
            decor.suggestions = {p.n: list(p.suggested) for p in model.passages if p.suggested}
        hits = {p.n: list(p.hits) for p in model.passages if p.hits}
        self.hits, decor.hits = hits, hits
        self.hits_error = next(
            (why.removeprefix("hits: ") for why in model.problems if why.startswith("hits:")), ""
        )
        view.redecorate()
        if self.start_n is None and hits:
            view.move_to(min(hits), center=True)  # opened from an article: its first hit
        self._update_status()

    def _hit_status(self) -> str:
        query = f"“{cap(self.search_text, 40)}”"
        if self.hits is None:
            return f"finding hits for {query}…"
        if self.hits_error:
            return f"hits for {query} unavailable: {self.hits_error}"
        ordered = sorted(self.hits)
        if not ordered:
            return f"no hits for {query} in this article"
        cursor = self.view.cursor
        if cursor in self.hits:
            return f"hit {ordered.index(cursor) + 1}/{len(ordered)} for {query} (n/N)"
        return f"{plural(len(ordered), 'passage')} here match {query} (n: next)"

    def _update_status(self) -> None:
        view = self.view
        parts = [f"passage {view.cursor}/{len(self.article.passages)}"]
        if self.search_text.strip():
            parts.append(self._hit_status())
        if view.show_removed:
            parts.append("showing removed text (x hides)")
        if shared := self.shared_status():
            parts.append(shared)
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
        hits = self.hits or {}
        after = [n for n in sorted(hits) if n > self.view.cursor]
        if after:
            self.view.move_to(after[0], center=True)
        elif hits:
            self.notify("last hit; n again wraps to the first", timeout=2)
            self.view.move_to(min(hits), center=True)

    def action_previous_hit(self) -> None:
        hits = self.hits or {}
        before = [n for n in sorted(hits) if n < self.view.cursor]
        if before:
            self.view.move_to(before[-1], center=True)
        elif hits:
            self.view.move_to(max(hits), center=True)

    def action_toggle_removed(self) -> None:
        self.view.show_removed = not self.view.show_removed
        self._update_status()
        box = self.query_one("#reader-leftout")
        box.display = self.view.show_removed and is_html_path(self.article.path)
        if box.display:
            box.query_one(Static).update(plain("reading the page again…", "dim"))
            self._read_left_out()

    @work(thread=True, exclusive=True, group="left out", exit_on_error=False)
    def _read_left_out(self) -> None:
        found = left_out(self.article.path, self.article.text)
        self.app.call_from_thread(self._show_left_out, found)

    def _show_left_out(self, found: LeftOut) -> None:
        box = self.query_one("#reader-leftout")
        if found.error:
            box.query_one(Static).update(plain(found.error, "$text-warning"))
            return
        total = len(found.blocks) + found.more
        head = plain(
            f"Left out by extraction: {plural(total, 'block')} of the page (menus, links, "
            "captions, notices…), in page order" + (":" if total else "")
        )
        lines = [plain(f"\n✂ {cap(b, 300)}", "dim") for b in found.blocks]
        if found.more:
            lines.append(plain(f"\n… and {found.more:,} more", "dim"))
        box.query_one(Static).update(join(head, *lines))

    def action_back(self) -> None:
        if self.view.selection:
            self.view.set_selection(None)
        else:
            self.app.pop_screen()

    def action_compare(self) -> None:
        cursor = self.view.cursor

        def opened(other: Article, _layout) -> None:
            self.app.push_screen(CompareScreen(self.article, other, cursor))

        def chosen(aid: str | None) -> None:
            if aid:
                self.app.load_article(aid, opened)

        self.app.pick_article(
            "Compare with…",
            chosen,
            exclude=(self.article.id,),
            first=story_others(self.app, self.article.id),
        )
