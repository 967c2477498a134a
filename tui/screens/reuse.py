"""Shared text: the passages several articles carry, each cluster with its earliest
carrier first, and the share of each outlet's text found elsewhere. `enter` on a
passage compares its article with the earliest carrier's (or reads the earliest)."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Footer, Static

from index.reuse import Cluster
from index.reuse_store import Analysis

from ..actions import bindings
from ..render import cap, meta_line, plain, plural
from ..widgets.virtual_list import VirtualList
from .compare import open_compare
from .shared_rows import Block, Row, RowsScreen, SharedRows, head_row

SHOWN = 500  # clusters listed (the count of all is said)


def outlet_shares(analysis: Analysis, limit: int = 8) -> str:
    ranked = sorted(
        analysis.reuse.outlets.items(), key=lambda kv: -(kv[1][0] / kv[1][1] if kv[1][1] else 0)
    )
    return " · ".join(f"{cap(o, 30)} {100 * s / t:.0f}%" for o, (s, t) in ranked[:limit] if t)


class ReuseScreen(RowsScreen):
    BINDINGS = bindings("reuse")

    def compose(self) -> ComposeResult:
        yield Static(plain("Shared text: passages several articles carry"), classes="title")
        yield Static(plain("finding shared text…"), id="reuse-summary", classes="meta")
        yield Static("", id="reuse-outlets", classes="meta")
        yield SharedRows(id="reuse-rows")
        yield Footer(compact=True)

    def unavailable(self, why: str) -> None:
        self.query_one("#reuse-summary", Static).update(plain(f"shared text unavailable: {why}"))

    def rows_of(self, analysis: Analysis) -> list[Row]:
        infos = self.app.library.infos
        rows: list[Row] = []
        for i, c in enumerate(analysis.reuse.clusters[:SHOWN]):
            first = infos.get(c.first)
            head = f"first in {cap(first.title if first else c.first, 70)}"
            rows.append(head_row(f"cluster {i}", f"{head} · {plural(len(c.articles), 'article')}"))
            for p in c.passages:
                info = infos.get(p.article)
                outlet, date = analysis.about.get(p.article, (None, None))
                head = (
                    f"{meta_line(outlet, date)} · {cap(info.title if info else p.article, 60)}"
                    f" · #{p.n} · {p.shared_words}/{p.words} words shared"
                )
                blocks = (Block(head, 2, "dim"), Block(cap(p.text, 240), 4))
                rows.append(Row(p.pid, blocks, item=c))
        return rows

    def summarize(self, analysis: Analysis) -> None:
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

    @on(VirtualList.Selected, "#reuse-rows")
    def _open(self, event: VirtualList.Selected) -> None:
        cluster = self.query_one(SharedRows).item(event.key)
        if not isinstance(cluster, Cluster):
            return
        aid, n = event.key.rsplit("#", 1)
        earliest = cluster.passages[0]
        if earliest.article == aid:
            self.app.open_article(aid, int(n))
            return
        open_compare(self.app, earliest.article, earliest.n, aid, right_n=int(n))

    def action_back(self) -> None:
        self.app.pop_screen()
