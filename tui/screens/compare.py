"""Two articles side by side; the passages that report the same thing are marked."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from index.align import SAME_EVENT, Alignment, align, word_diff
from index.analysis import variant_map
from index.model import Article

from ..actions import bind_topic_keys, bindings
from ..render import cap, join, meta_line, plain
from ..reuse_reader import story_others
from ..tagging import TaggingMixin
from ..widgets.article_view import ArticleView
from ..worker_errors import ReportsWorkerErrors

SIDES = ("left", "right")
SAME = SAME_EVENT  # from here two passages report the same thing (the view follows)
WEAK = 0.1  # below SAME: shown with its score as the closest candidate, nothing more


class AlignmentReady(Message):
    def __init__(self, alignment: Alignment, key: tuple[str, str]) -> None:
        super().__init__()
        self.alignment, self.key = alignment, key


class CompareScreen(ReportsWorkerErrors, TaggingMixin, Screen):
    BINDINGS = bindings("compare", "tagging")

    def __init__(self, left: Article, right: Article, n: int = 1) -> None:
        super().__init__()
        self.articles = {"left": left, "right": right}
        self.start_n = n
        self.active = "left"
        self.sync = True
        self.alignment: Alignment | None = None
        # the spelling variants of config.yaml, as `dossier compare` uses them
        self.variants = variant_map(self.app.settings.variants)
        bind_topic_keys(self, self.app.settings.topics)

    def active_view(self) -> ArticleView:
        return self.view(self.active)

    def all_views(self) -> list[ArticleView]:
        return [self.view(side) for side in SIDES]

    def tags_changed(self) -> None:
        self._mark(self.active)

    def compose(self) -> ComposeResult:
        with Horizontal(id="columns"):
            for side in SIDES:
                with Vertical(classes="column", id=f"col-{side}"):
                    yield Static("", id=f"title-{side}", classes="title")
                    yield Static("", id=f"meta-{side}", classes="meta")
                    yield ArticleView(self.articles[side], id=side)
        yield Static("", id="compare-status", classes="status")
        yield Footer(compact=True)

    def view(self, side: str) -> ArticleView:
        return self.query_one(f"#{side}", ArticleView)

    @staticmethod
    def other(side: str) -> str:
        return "right" if side == "left" else "left"

    def on_mount(self) -> None:
        for side in SIDES:
            self._show_header(side)
        self.view("left").focus()
        self.refresh_tags()
        self.call_after_refresh(self.view("left").move_to, self.start_n)
        self._align()

    def _show_header(self, side: str) -> None:
        a = self.articles[side]
        self.query_one(f"#title-{side}", Static).update(plain(cap(a.title, 200)))
        self.query_one(f"#meta-{side}", Static).update(
            join(plain(meta_line(a.source, a.date), "italic"), plain(f" · {a.id}", "dim"))
        )

    @work(thread=True, exclusive=True, group="aligning", exit_on_error=False)
    def _align(self) -> None:
        left, right = self.articles["left"], self.articles["right"]
        result = align(left, right, self.variants, threshold=WEAK)
        self.post_message(AlignmentReady(result, (left.id, right.id)))

    @on(AlignmentReady)
    def _aligned(self, msg: AlignmentReady) -> None:
        if msg.key != (self.articles["left"].id, self.articles["right"].id):
            return
        self.alignment = msg.alignment
        self._mark(self.active)

    @on(ArticleView.CursorMoved)
    def _moved(self, event: ArticleView.CursorMoved) -> None:
        side = event.view.id or "left"
        if side == self.active:
            self._mark(side)

    @on(ArticleView.SelectionChanged)
    def _selected(self) -> None:
        self._mark(self.active)

    def on_descendant_focus(self, event) -> None:
        side = getattr(event.widget, "id", None)
        if side in SIDES and side != self.active:
            self.active = side
            self._mark(side)

    def _mark(self, side: str) -> None:
        """Mark, on the other side, the passages aligned with the cursor's passage."""
        here, there = self.view(side), self.view(self.other(side))
        here.decor.scores, here.decor.diffs = {}, {}
        there.decor.scores, there.decor.diffs = {}, {}
        status = "aligning…"
        if self.alignment is not None:
            found = self.alignment.matches(side, here.cursor)
            matches = [m for m in found if m.score >= SAME]
            there.decor.scores = {m.n: m.score for m in found}
            if matches:
                best = matches[0]
                a = here.article.passage(here.cursor).text
                b = there.article.passage(best.n).text
                da, db = word_diff(a, b, self.variants)
                here.decor.diffs = {here.cursor: da}
                there.decor.diffs = {best.n: db}
                if self.sync:
                    there.cursor = best.n
                    there.scroll_to_passage(best.n, center=True)
                others = ", ".join(f"{m.n} ({m.score:.2f})" for m in matches[1:])
                status = (
                    f"{side} {here.cursor} ↔ {self.other(side)} {best.n}  "
                    f"similarity {best.score:.2f}"
                    + (f"  · also {others}" if others else "")
                    + ("  · differing words marked" if da or db else "  · same words")
                )
            elif found:
                weak = found[0]
                status = (
                    f"{side} {here.cursor}: no passage on the other side clearly reports this;"
                    f" closest {self.other(side)} {weak.n} (similarity {weak.score:.2f}, weak)"
                )
            else:
                status = f"{side} {here.cursor}: no passage on the other side reports this"
        sync = "sync on" if self.sync else "sync off (y)"
        tags = self.tag_status(here)
        self.query_one("#compare-status", Static).update(
            plain(f"{status}  · {sync}" + (f"\n{tags}" if tags else ""))
        )
        here.redecorate()
        there.redecorate()

    def action_switch_side(self) -> None:
        self.active = self.other(self.active)
        self.view(self.active).focus()
        self._mark(self.active)

    def action_toggle_sync(self) -> None:
        self.sync = not self.sync
        self._mark(self.active)

    def action_back(self) -> None:
        if self.active_view().selection:
            self.active_view().set_selection(None)
        else:
            self.app.pop_screen()

    def action_replace_side(self) -> None:
        side = self.active

        def opened(article: Article, _layout) -> None:
            self.articles[side] = article
            self.alignment = None
            self.view(side).set_article(article, 1)
            self._show_header(side)
            self.refresh_tags()
            self._mark(side)
            self._align()

        def chosen(aid: str | None) -> None:
            if aid:
                self.app.load_article(aid, opened)

        self.app.pick_article(
            f"Replace the {side} article",
            chosen,
            exclude=(self.articles["left"].id, self.articles["right"].id),
            first=story_others(self.app, self.articles[self.other(side)].id),
        )
