"""The app's side of the codebook editor: topic edits are written to config.yaml in a
worker (index/codebook.edit_topics), then the app takes the new topics: the tag store
checks against them, every tagging screen rebinds its topic keys, and screens that show
topics redraw (codebook_changed). A refused edit is said on the editor and notified."""

from __future__ import annotations

from dataclasses import replace

from textual import work

from index.errors import DossierError

from .actions import rebind_topic_keys


class CodebookEdits:
    """Mixed into DossierApp."""

    def action_codebook(self) -> None:
        from .screens.codebook import CodebookScreen

        if not isinstance(self.screen, CodebookScreen):
            self.push_screen(CodebookScreen())

    def edit_codebook(self, changes: list) -> None:
        """Write topic changes to config.yaml (in a worker), then use the new codebook."""
        self._edit_codebook(changes)

    @work(thread=True, group="codebook", exclusive=False, exit_on_error=False)
    def _edit_codebook(self, changes: list) -> None:
        from index.codebook import edit_topics

        from .keys import check_keys

        try:
            result = edit_topics(self.settings.path, changes, check_keys)
        except DossierError as exc:
            self.call_from_thread(self._codebook_refused, exc.message)
            return
        self.call_from_thread(self._codebook_written, result)

    def _codebook_refused(self, message: str) -> None:
        self.notify(message, title="Codebook", severity="error")
        say = getattr(self.screen, "say", None)
        if say:
            say(message)

    def _codebook_written(self, result) -> None:
        """Only the topics come from the file: the rest of the settings stay as opened."""
        self.settings = replace(self.settings, topics=result.settings.topics)
        self.tags.settings = self.settings
        for screen in self.screen_stack:
            if hasattr(screen, "action_tag_topic"):
                rebind_topic_keys(screen, self.settings.topics)
            if hasattr(screen, "refresh_tags"):  # a reader or compare: marks in new colours
                screen.refresh_tags()
                screen.tags_changed()
            changed = getattr(screen, "codebook_changed", None)
            if changed:
                changed()
        self.refresh_bindings()
        text = "; ".join(result.changes) or "nothing to change"
        say = getattr(self.screen, "say", None)
        if say:
            say(f"saved: {text}")
        self.notify(text, title="Codebook: config.yaml saved")
