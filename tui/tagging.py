"""Tagging keys shared by the reader and compare screens. The store and its rules live
in index/tags.py; this only turns keys into store calls and marks into decorations."""

from __future__ import annotations

from textual.binding import Binding

from index.errors import DossierError
from index.tags import suggestions

from .screens.tag_modals import NoteEditor, TopicPicker
from .widgets.article_view import ArticleView

TAG_BINDINGS = [
    Binding("t", "pick_topics", "Tag…", id="tag.pick"),
    Binding("m", "note", "Note", id="tag.note"),
    Binding("d", "untag", "Untag", id="tag.remove"),
    Binding("u", "undo", "Undo", id="tag.undo"),
    Binding("ctrl+r", "redo", "Redo", id="tag.redo"),
    Binding("plus", "accept_suggestion", "Accept sugg.", id="tag.accept"),
    Binding("minus", "dismiss_suggestion", "Dismiss sugg.", show=False, id="tag.dismiss"),
    Binding(
        "right_square_bracket",
        "next_suggestion",
        "Next sugg.",
        show=False,
        id="tag.next_suggestion",
    ),
    Binding(
        "left_square_bracket",
        "previous_suggestion",
        "Prev sugg.",
        show=False,
        id="tag.previous_suggestion",
    ),
]


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class TaggingMixin:
    """For a Screen with ArticleViews; needs active_view() and all_views()."""

    def install_topic_keys(self) -> None:
        for topic in self.app.settings.topics:
            self._bindings.bind(topic.key, f"tag_topic('{topic.id}')", topic.label)

    def active_view(self) -> ArticleView:
        raise NotImplementedError

    def all_views(self) -> list[ArticleView]:
        raise NotImplementedError

    @property
    def store(self):
        return self.app.tags

    def refresh_tags(self) -> None:
        """Marks and suggestions on every view, from the store as it is now."""
        settings = self.app.settings
        for view in self.all_views():
            marks: dict[int, list[tuple[str, str]]] = {}
            spans: dict[int, list[tuple[int, int, str]]] = {}
            for anchored in self.store.for_article(view.article):
                if anchored.orphaned:
                    continue
                if not anchored.is_whole_passage(view.article):
                    first = (
                        settings.topic(anchored.entry.topics[0]) if anchored.entry.topics else None
                    )
                    colour = first.colour if first else "grey50"
                    for n in anchored.passages:
                        p = view.article.passage(n)
                        s, e = max(anchored.start, p.start), min(anchored.end, p.end)
                        if s < e:
                            spans.setdefault(n, []).append((s - p.start, e - p.start, colour))
                for n in anchored.passages:
                    for tid in anchored.entry.topics:
                        topic = settings.topic(tid)
                        mark = (topic.label, topic.colour) if topic else (tid, "grey50")
                        if mark not in marks.setdefault(n, []):
                            marks[n].append(mark)
            view.decor.marks = marks
            view.decor.spans = spans
            try:
                sugg = suggestions(view.article, self.app.library.engine, self.store)
            except DossierError:
                sugg = {}
            view.decor.suggestions = {
                n: [
                    (settings.topic(t).label, settings.topic(t).colour)
                    for t in ts
                    if settings.topic(t)
                ]
                for n, ts in sugg.items()
            }
            view.redecorate()

    def tag_status(self, view: ArticleView) -> str:
        if self.store.read_only:
            return "tagging off: tag file unreadable"
        settings = self.app.settings
        n = view.cursor
        parts = []
        for a in self.store.for_article(view.article):
            if n not in a.passages or a.orphaned:
                continue
            labels = ", ".join(
                settings.topic(t).label if settings.topic(t) else t for t in a.entry.topics
            )
            whole = a.is_whole_passage(view.article)
            what = "tags" if whole else f"span “{_clip(a.entry.exact, 30)}”"
            note = f" — note: {_clip(a.entry.note, 50)}" if a.entry.note else ""
            parts.append(f"{what}: {labels}{note}")
        sugg = [label for label, _ in view.decor.suggestions.get(n, [])]
        if sugg:
            parts.append(f"suggested: {', '.join(sugg)} (+ accept, - dismiss)")
        if view.selection:
            parts.append("span selected (w/W end by word, ( ) by sentence, < > start; v clears)")
        return " · ".join(parts)

    def _change(self, fn, *args) -> object | None:
        try:
            result = fn(*args)
        except DossierError as exc:
            self.app.notify(exc.message, severity="error", title="Tags")
            return None
        self.refresh_tags()
        self.tags_changed()
        return result

    def tags_changed(self) -> None:
        """Screens update their status lines here."""

    # -- actions ---------------------------------------------------------------

    def action_tag_topic(self, topic_id: str) -> None:
        view = self.active_view()
        article = view.article
        if not article.passages:
            return
        if view.selection:
            n, s, e = view.selection
            p = article.passage(n)
            self._change(self.store.add, article, p.start + s, p.start + e, [topic_id])
            view.set_selection(None)
        else:
            before = self.store.topics_of_passage(article, view.cursor)
            self._change(self.store.toggle_passage_topic, article, view.cursor, topic_id)
            if topic_id in before and topic_id not in self.store.topics_of_passage(
                article, view.cursor
            ):
                label = self.app.settings.topic(topic_id)
                self.app.notify(
                    f"Removed {label.label if label else topic_id} (u undoes)",
                    title="Tags",
                    timeout=3,
                )

    def action_pick_topics(self) -> None:
        view = self.active_view()
        article = view.article
        if not article.passages:
            return
        selection = view.selection
        entry = None if selection else self.store.passage_entry(article, view.cursor)
        current = list(entry.topics) if entry else []

        def chosen(topics: list[str] | None) -> None:
            if topics is None:
                return
            if selection:
                if topics:
                    n, s, e = selection
                    p = article.passage(n)
                    self._change(self.store.add, article, p.start + s, p.start + e, topics)
                    view.set_selection(None)
            elif entry:
                self._change(self.store.set_topics, entry.id, topics)
            elif topics:
                self._change(self.store.add_passage, article, view.cursor, topics)

        self.app.push_screen(TopicPicker(self.app.settings.topics, current), chosen)

    def _entries_here(self, view: ArticleView):
        return [a.entry for a in self.store.for_article(view.article) if view.cursor in a.passages]

    def action_note(self) -> None:
        view = self.active_view()
        entries = self._entries_here(view)
        if not entries:
            self.app.notify(
                "Tag this passage first (a topic key or t), then add a note.", title="Note"
            )
            return
        entry = entries[0]

        def saved(note: str | None) -> None:
            if note is not None and note != entry.note:
                self._change(self.store.set_note, entry.id, note)

        about = f"{view.article.id}#{view.cursor}"
        self.app.push_screen(NoteEditor(entry.note, about), saved)

    def action_untag(self) -> None:
        view = self.active_view()
        entries = self._entries_here(view)
        if not entries:
            self.app.notify("No tags on this passage.", title="Tags")
            return
        for entry in entries:
            self._change(self.store.remove, entry.id)
        self.app.notify(
            f"Removed {len(entries)} tag{'s' if len(entries) > 1 else ''} (u undoes)", title="Tags"
        )

    def action_undo(self) -> None:
        what = self._change(self.store.undo)
        self.app.notify(f"Undone: {what}" if what else "Nothing to undo", title="Tags")

    def action_redo(self) -> None:
        what = self._change(self.store.redo)
        self.app.notify(f"Redone: {what}" if what else "Nothing to redo", title="Tags")

    def _suggested_here(self, view: ArticleView) -> list[str]:
        labels = {label for label, _ in view.decor.suggestions.get(view.cursor, [])}
        return [t.id for t in self.app.settings.topics if t.label in labels]

    def action_accept_suggestion(self) -> None:
        view = self.active_view()
        topics = self._suggested_here(view)
        if not topics:
            self.app.notify("No suggestion on this passage (] finds the next).", title="Tags")
            return
        for topic in topics:
            self._change(self.store.accept, view.article, view.cursor, topic)

    def action_dismiss_suggestion(self) -> None:
        view = self.active_view()
        for topic in self._suggested_here(view):
            self._change(self.store.dismiss, view.article, view.cursor, topic)

    def _jump_suggestion(self, forward: bool) -> None:
        view = self.active_view()
        ns = sorted(view.decor.suggestions)
        pick = (
            [n for n in ns if n > view.cursor]
            if forward
            else [n for n in ns if n < view.cursor][::-1]
        )
        if pick:
            view.move_to(pick[0], center=True)
        else:
            self.app.notify("No more suggestions this way.", title="Tags")

    def action_next_suggestion(self) -> None:
        self._jump_suggestion(True)

    def action_previous_suggestion(self) -> None:
        self._jump_suggestion(False)
