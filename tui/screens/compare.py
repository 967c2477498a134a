"""Two articles side by side; the passages that report the same thing are marked."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static

from index.model import Article
from index.views_compare import CompareViewModel, compare_view

from ..actions import bind_topic_keys, bindings
from ..render import cap, join, meta_line, plain
from ..tagging import TaggingMixin
from ..widgets.article_view import ArticleView
from ..worker_errors import ReportsWorkerErrors

SIDES = ("left", "right")


class AlignmentReady(Message):
    def __init__(self, model: CompareViewModel) -> None:
        super().__init__()
        self.model = model


class CompareScreen(ReportsWorkerErrors, TaggingMixin, Screen):
    BINDINGS = bindings("compare", "tagging")

    def __init__(
        self, left: Article, right: Article, n: int = 1, right_n: int | None = None
    ) -> None:
        super().__init__()
        self.articles = {"left": left, "right": right}
        self.start_n = n
        # opened on a known pair (shared text): left n shows right_n, whatever the alignment
        self.pinned = (n, right_n) if right_n is not None else None
        self.active = "left"
        self.sync = True
        self.model: CompareViewModel | None = None  # the alignment and word diffs
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
        if self.pinned is not None:
            self.call_after_refresh(self.view("right").move_to, self.pinned[1])
        self._align()

    def _show_header(self, side: str) -> None:
        a = self.articles[side]
        self.query_one(f"#title-{side}", Static).update(plain(cap(a.title, 200)))
        self.query_one(f"#meta-{side}", Static).update(
            join(plain(meta_line(a.source, a.date), "italic"), plain(f" · {a.id}", "dim"))
        )

    @work(thread=True, exclusive=True, group="aligning", exit_on_error=False)
    def _align(self) -> None:
        # the spelling variants of config.yaml, as `dossier compare` uses them
        variants = self.app.settings.variants
        self.post_message(AlignmentReady(compare_view(*self._pair(), variants)))

    def _pair(self) -> tuple[Article, Article]:
        return self.articles["left"], self.articles["right"]

    @on(AlignmentReady)
    def _aligned(self, msg: AlignmentReady) -> None:
        left, right = self._pair()
        if (msg.model.left_id, msg.model.right_id) != (left.id, right.id):
            return
        self.model = msg.model
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
        if self.model is not None:
            found = self.model.candidates(side, here.cursor)
            pair = self.model.pair(side, here.cursor)
            there.decor.scores = self.model.scores(side, here.cursor)
            pinned = self._pinned_there(side, here.cursor)
            if pinned is not None:
                if self.sync:
                    there.cursor = pinned
                    there.scroll_to_passage(pinned, center=True)
                status = f"{side} {here.cursor} ↔ {self.other(side)} {pinned}  shared text"
            elif pair is not None:
                best = pair.best
                here.decor.diffs = {here.cursor: list(pair.here_diff)}
                there.decor.diffs = {best.n: list(pair.there_diff)}
                if self.sync:
                    there.cursor = best.n
                    there.scroll_to_passage(best.n, center=True)
                others = ", ".join(f"{m.n} ({m.score:.2f})" for m in pair.others)
                differ = pair.here_diff or pair.there_diff
                status = (
                    f"{side} {here.cursor} ↔ {self.other(side)} {best.n}  "
                    f"similarity {best.score:.2f}"
                    + (f"  · also {others}" if others else "")
                    + ("  · differing words marked" if differ else "  · same words")
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

    def _pinned_there(self, side: str, n: int) -> int | None:
        """The other side's passage of the pair compare was opened on, if n is in it."""
        if self.pinned is None:
            return None
        left_n, right_n = self.pinned
        if side == "left" and n == left_n:
            return right_n
        if side == "right" and n == right_n:
            return left_n
        return None

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
            self.model = None
            self.pinned = None  # the pair was of the replaced article
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


def story_others(app, article_id: str) -> tuple[str, ...]:
    """The other articles of the article's story, for a picker to list first."""
    analysis = getattr(app, "analysis", None)
    story = analysis.story_of(article_id) if analysis is not None else None
    return tuple(a for a in story.articles if a != article_id) if story else ()


def open_compare(
    app,
    left_id: str,
    left_n: int,
    right_id: str,
    left: Article | None = None,
    right_n: int | None = None,
) -> None:
    """Compare two articles, the left one at passage left_n, the right one at right_n
    when the pair is known (each loaded in a worker; `left` when it is loaded already)."""

    def with_left(article: Article, _layout=None) -> None:
        def with_right(right: Article, _layout) -> None:
            app.push_screen(CompareScreen(article, right, left_n, right_n))

        app.load_article(right_id, with_right)

    if left is not None:
        with_left(left)
    else:
        app.load_article(left_id, with_left)
