"""Shared text in the reader: ≡ in the margin of the passages other articles carry
too, the status line says how many, and `=` compares the passage with them (a picker
of just those articles when there are several); `escape` in compare comes back."""

from __future__ import annotations

from index.reuse_store import Analysis

from .render import plural
from .screens.compare import open_compare


class SharedPassages:
    """Mixed into the reader screen (which has `article`, `view`, `_update_status`)."""

    _shared: Analysis | None = None

    def watch_shared_text(self) -> None:
        self.app.when_analysed(self.analysed)

    def analysed(self, analysis: Analysis | None) -> None:
        if self not in self.app.screen_stack:  # closed meanwhile
            return
        self._shared = analysis
        found = analysis.reuse.passages.get(self.article.id, {}) if analysis else {}
        self.view.decor.shared = set(found)
        self.view.redecorate()
        self._update_status()

    def _carriers(self) -> list[tuple[str, int]]:
        """(article, passage n) of each other article carrying the cursor's passage."""
        analysis = self._shared
        if analysis is None:
            return []
        index = analysis.reuse.passages.get(self.article.id, {}).get(self.view.cursor)
        if index is None:
            return []
        seen: dict[str, int] = {}
        for p in analysis.reuse.clusters[index].passages:
            if p.article != self.article.id:
                seen.setdefault(p.article, p.n)
        return list(seen.items())

    def shared_status(self) -> str:
        others = self._carriers()
        if not others:
            return ""
        key = self.app.key_display("reader.carriers")
        return f"≡ also in {plural(len(others), 'other article')} ({key}: compare)"

    def action_carriers(self) -> None:
        others = self._carriers()
        if not others:
            self.notify("no other article carries this passage (≡ marks those that do)", timeout=3)
            return
        cursor, article, app = self.view.cursor, self.article, self.app
        carried = dict(others)  # article -> its passage n
        if len(others) == 1:
            aid, n = others[0]
            open_compare(app, article.id, cursor, aid, left=article, right_n=n)
            return

        def chosen(aid: str | None) -> None:
            if aid:
                open_compare(app, article.id, cursor, aid, left=article, right_n=carried[aid])

        app.pick_article(
            "Compare with another carrier of this passage",
            chosen,
            exclude=(article.id,),
            only=tuple(a for a, _ in others),
        )
