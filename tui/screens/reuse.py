"""Shared text: the passages several articles carry, each cluster with its earliest
carrier first, and the share of each outlet's text found elsewhere. `enter` on a
passage compares its article with the earliest carrier's (or reads the earliest)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from index.reuse import Cluster
from index.reuse_store import Analysis

from ..actions import bindings
from ..render import cap, indented, join, meta_line, plain, plural
from ..worker_errors import ReportsWorkerErrors
from .compare import open_compare
from .quotes import QuotesScreen, SharedRows, rewrap, text_width

SHOWN = 500  # clusters listed (the count of all is said)


def outlet_shares(analysis: Analysis, limit: int = 8) -> str:
    ranked = sorted(
        analysis.reuse.outlets.items(), key=lambda kv: -(kv[1][0] / kv[1][1] if kv[1][1] else 0)
    )
    return " · ".join(f"{cap(o, 30)} {100 * s / t:.0f}%" for o, (s, t) in ranked[:limit] if t)


class ReuseScreen(ReportsWorkerErrors, Screen):
    BINDINGS = bindings("reuse")

    def compose(self) -> ComposeResult:
        yield Static(plain("Shared text: passages several articles carry"), classes="title")
        yield Static(plain("finding shared text…"), id="reuse-summary", classes="meta")
        yield Static("", id="reuse-outlets", classes="meta")
        yield SharedRows(id="reuse-rows")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(SharedRows).focus()
        self.clusters: dict[str, Cluster] = {}
        self.app.when_analysed(self.analysed)

    wrapped_at = 0  # the text width the rows were wrapped to

    def on_resize(self) -> None:
        self.call_after_refresh(rewrap, self)  # once the rows have their new width

    def analysed(self, analysis: Analysis | None) -> None:
        if self not in self.app.screen_stack:  # closed meanwhile
            return
        if analysis is None:
            self.query_one("#reuse-summary", Static).update(
                plain(f"shared text unavailable: {self.app.analysis_error}")
            )
            return
        infos = self.app.library.infos
        rows = self.query_one(SharedRows)
        width = self.wrapped_at = text_width(rows)
        highlighted_id = rows.highlighted_option.id if rows.highlighted_option else None
        options: list[Option] = []
        self.clusters = {}
        for c in analysis.reuse.clusters[:SHOWN]:
            first = infos.get(c.first)
            head = f"first in {cap(first.title if first else c.first, 70)}"
            options.append(
                Option(
                    indented(f"{head} · {plural(len(c.articles), 'article')}", width, 0).stylize(
                        "bold"
                    ),
                    disabled=True,
                )
            )
            for p in c.passages:
                info = infos.get(p.article)
                outlet, date = analysis.about.get(p.article, (None, None))
                self.clusters[p.pid] = c
                head = (
                    f"{meta_line(outlet, date)} · {cap(info.title if info else p.article, 60)}"
                    f" · #{p.n} · {p.shared_words}/{p.words} words shared"
                )
                options.append(
                    Option(
                        join(
                            indented(head, width, 2).stylize("dim"),
                            plain("\n"),
                            indented(cap(p.text, 240), width, 4),
                        ),
                        id=p.pid,
                    )
                )
        rows.set_options(options)
        QuotesScreen._restore(rows, highlighted_id)
        n = len(analysis.reuse.clusters)
        more = f" (first {SHOWN} shown)" if n > SHOWN else ""
        self.query_one("#reuse-summary", Static).update(
            plain(
                f"{plural(n, 'shared passage')}{more} · enter: compare with the earliest carrier"
                if n
                else "no text is shared between articles"
            )
        )
        shares = outlet_shares(analysis)
        self.query_one("#reuse-outlets", Static).update(
            plain(f"text also found elsewhere, by outlet: {shares}" if shares else "")
        )

    @on(OptionList.OptionSelected, "#reuse-rows")
    def _open(self, event: OptionList.OptionSelected) -> None:
        pid = event.option.id or ""
        cluster = self.clusters.get(pid)
        if cluster is None:
            return
        aid, n = pid.rsplit("#", 1)
        earliest = cluster.passages[0]
        if earliest.article == aid:
            self.app.open_article(aid, int(n))
            return
        open_compare(self.app, earliest.article, earliest.n, aid, right_n=int(n))

    def action_back(self) -> None:
        self.app.pop_screen()
