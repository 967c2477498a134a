"""The command palette: every action, and "open article by title"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider


class DossierCommands(Provider):
    def _actions(self) -> list[tuple[str, str, object]]:
        app = self.app
        screen = app.screen
        actions = [
            ("Search", "Focus the search box (/)", app.action_focus_search),
            (
                "Articles list",
                "All articles; s sorts by date, outlet, title (a)",
                app.action_articles,
            ),
            ("Open article by title…", "Fuzzy pick an article to read", app.action_open_by_title),
            ("Help", "Every key (?)", app.action_help),
            ("Tags", "The evidence file: tags by topic, filters, counts (T)", app.action_tags),
            (
                "Rebuild index",
                "Rebuild the search index from the corpus in the background",
                app.action_rebuild_index,
            ),
            ("Quit", "Leave dossier (q)", app.action_quit),
        ]
        for name, help_text, action in (
            ("Compare with…", "Open a second article side by side (c)", "compare"),
            ("Toggle removed text", "Show what cleaning removed (x)", "toggle_removed"),
            ("Next hit", "Jump to the next passage that matches the query (n)", "next_hit"),
            ("Previous hit", "Jump to the previous matching passage (N)", "previous_hit"),
            ("Switch side", "Move to the other column (tab)", "switch_side"),
            ("Replace side", "Open another article in the active column (r)", "replace_side"),
            ("Toggle sync", "Scroll the other column to the aligned passage (y)", "toggle_sync"),
            ("Tag passage…", "Pick topics for the passage or selected span (t)", "pick_topics"),
            ("Note", "Add or edit the note of this passage's tag (m)", "note"),
            ("Untag", "Remove the tags on this passage (d)", "untag"),
            ("Undo tag change", "Undo the last tag change (u)", "undo"),
            ("Redo tag change", "Redo (ctrl+r)", "redo"),
            ("Select span", "Select a span inside the passage to tag (v)", "select"),
        ):
            method = getattr(screen, f"action_{action}", None) or getattr(
                screen.focused, f"action_{action}", None
            )
            if method is not None:
                actions.append((name, help_text, method))
        return actions

    async def discover(self) -> Hits:
        for name, help_text, callback in self._actions():
            yield DiscoveryHit(name, callback, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, callback in self._actions():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), callback, help=help_text)
        if len(query) < 2:
            return
        shown = 0
        for info in self.app.library.infos.values():
            score = matcher.match(info.title)
            if score > 0:
                yield Hit(
                    score * 0.9,
                    matcher.highlight(info.title),
                    partial(self.app.open_article, info.id, 1),
                    help=f"open · {info.source or 'unknown outlet'} · {info.date or 'undated'}",
                )
                shown += 1
                if shown >= 50:
                    break
