"""Tagging keys shared by the reader and compare screens, and the watch on the tag file.
The rules live in index/tags (store, marks); this only turns keys into store calls and
marks into decorations. Suggestions (an engine call) are computed in a worker."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable
from functools import partial

from index.errors import DossierError
from index.suggestions import suggestions
from index.tags import TagDiff, TagNotSaved
from index.tags.marks import (
    article_marks,
    describe_change,
    entries_on_passage,
    passage_words,
    suggestion_marks,
)

from .messages import TagWritten
from .screens.tag_modals import MemoEditor, NoteEditor, TopicPicker
from .widgets.article_view import ArticleView
from .worker_errors import describe

WATCH_EVERY_S = 0.5  # how often the tag file is checked for other writers' changes


class TaggingMixin:
    """For a Screen with ArticleViews; needs active_view() and all_views()."""

    tag_notice = ""  # what another writer changed here, said in the status line

    def active_view(self) -> ArticleView:
        raise NotImplementedError

    def all_views(self) -> list[ArticleView]:
        raise NotImplementedError

    @property
    def store(self):
        return self.app.tags

    def refresh_tags(self) -> None:
        """Marks on every view from the store as it is now; suggestions follow from a
        worker (they ask the engine)."""
        for view in self.all_views():
            marks = article_marks(self.store, view.article)
            view.decor.marks = marks.marks
            view.decor.spans = marks.spans
            view.redecorate()
        self.run_worker(
            self._find_suggestions, thread=True, group="suggestions", exit_on_error=False
        )

    def _find_suggestions(self) -> None:
        found = {}
        for view in self.all_views():
            try:
                sugg = suggestions(view.article, self.app.library.engine, self.store)
            except DossierError:
                sugg = {}
            found[id(view)] = (view, suggestion_marks(self.store, sugg))
        self.app.call_from_thread(self._show_suggestions, found)

    def _show_suggestions(self, found: dict) -> None:
        for view, marks in found.values():
            view.decor.suggestions = marks
            view.redecorate()
        self.tags_changed()

    def tags_opened(self) -> None:
        """The tag file has been read (the app reads it in a worker at start)."""
        self.refresh_tags()
        self.tags_changed()

    def tag_status(self, view: ArticleView) -> str:
        if self.store.is_loading:
            return "loading tags…"
        if self.store.read_only:
            return "tagging off: tag file unreadable"
        parts = []
        if self.store.save_error:
            parts.append("NOT SAVED: " + self.store.save_error)
        if self.tag_notice:
            parts.append(self.tag_notice)
        parts += passage_words(self.store, view.article, view.cursor)
        sugg = [label for label, _ in view.decor.suggestions.get(view.cursor, [])]
        if sugg:
            parts.append(f"suggested: {', '.join(sugg)} (+ accept, - dismiss)")
        if view.selection:
            parts.append("span selected (w/W end by word, ( ) by sentence, < > start; v clears)")
        return " · ".join(parts)

    def _change(self, fn, *args, then: Callable[[object], None] | None = None) -> None:
        """Run a store change off the UI thread, after the ones asked for before it;
        then redraw and call `then` with its result (not when it failed)."""
        self.tag_notice = ""

        def done(result: object, error: BaseException | None) -> None:
            if isinstance(error, TagNotSaved):
                self.app.notify(error.message, severity="error", title="Tags not saved", timeout=10)
            elif error is not None:
                self.app.notify(describe(error), severity="error", title="Tags")
                return
            if self in self.app.screen_stack:
                self.refresh_tags()
                self.tags_changed()
            if then is not None and error is None:
                then(result)

        self.app.tag_writer.submit(fn, args, done)

    def tags_changed(self) -> None:
        """Screens update their status lines here."""

    def tags_changed_on_disk(self, diff: TagDiff) -> None:
        """Another writer changed the tag file: redraw, and say it when it touched the
        article in front of the user."""
        self.tag_notice = describe_change(self.store, diff, self.active_view().article)
        self.refresh_tags()
        self.tags_changed()

    # -- actions ---------------------------------------------------------------

    def _selected_span(self, view: ArticleView) -> tuple[int, int] | None:
        if not view.selection:
            return None
        n, s, e = view.selection
        p = view.article.passage(n)
        return p.start + s, p.start + e

    def action_tag_topic(self, topic_id: str) -> None:
        view = self.active_view()
        article = view.article
        if not article.passages:
            return
        span = self._selected_span(view)
        if span:
            self._change(self.store.add, article, *span, [topic_id])
            view.set_selection(None)
            return
        n, store = view.cursor, self.store

        def toggle() -> bool:
            """True when this toggle took the topic off (said, as u undoes it)."""
            had = topic_id in store.topics_of_passage(article, n)
            store.toggle_passage_topic(article, n, topic_id)
            return had and topic_id not in store.topics_of_passage(article, n)

        def removed(was_removed: object) -> None:
            if was_removed:
                topic = self.app.settings.topic(topic_id)
                self.app.notify(
                    f"Removed {topic.label if topic else topic_id} (u undoes)",
                    title="Tags",
                    timeout=3,
                )

        self._change(toggle, then=removed)

    def action_pick_topics(self) -> None:
        view = self.active_view()
        article = view.article
        if not article.passages:
            return
        span = self._selected_span(view)
        n = view.cursor
        entry = None if span else self.store.passage_entry(article, n)
        shown = list(entry.topics) if entry else []

        def chosen(topics: list[str] | None) -> None:
            if topics is None:
                return
            if span:
                if topics:
                    self._change(self.store.add, article, *span, topics)
                    view.set_selection(None)
                return
            add = [t for t in topics if t not in shown]
            remove = [t for t in shown if t not in topics]
            self._change(self.store.change_passage, article, n, add, remove)

        self.app.push_screen(TopicPicker(self.app.settings.topics, shown), chosen)

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

    def action_memo(self) -> None:
        """Write or edit the memo on the article in front of the user."""
        article = self.active_view().article
        if self.store.read_only:
            self.app.notify(self.store.error.message, title="Memo", severity="warning")
            return
        memo = self.store.memo(article.id)
        old = memo.text if memo else ""

        def saved(text: str | None) -> None:
            if text is not None and text.strip() != old:
                self._change(self.store.set_memo, text, article.id)

        self.app.push_screen(MemoEditor(old, article.title or article.id), saved)

    def action_untag(self) -> None:
        view = self.active_view()
        entries = entries_on_passage(self.store, view.article, view.cursor)
        if not entries:
            self.app.notify("No tags on this passage.", title="Tags")
            return
        n = len(entries)
        self._change(
            self.store.remove_entries,
            [e.id for e in entries],
            then=lambda _: self.app.notify(
                f"Removed {n} tag{'s' if n > 1 else ''} (u undoes)", title="Tags"
            ),
        )

    def action_undo(self) -> None:
        self._change(
            self.store.undo,
            then=lambda what: self.app.notify(
                f"Undone: {what}" if what else "Nothing to undo", title="Tags"
            ),
        )

    def action_redo(self) -> None:
        self._change(
            self.store.redo,
            then=lambda what: self.app.notify(
                f"Redone: {what}" if what else "Nothing to redo", title="Tags"
            ),
        )

    def _suggested_here(self, view: ArticleView) -> list[str]:
        labels = {label for label, _ in view.decor.suggestions.get(view.cursor, [])}
        return [t.id for t in self.app.settings.topics if t.label in labels]

    def action_accept_suggestion(self) -> None:
        view = self.active_view()
        topics = self._suggested_here(view)
        if not topics:
            self.app.notify("No suggestion on this passage (] finds the next).", title="Tags")
            return
        self._change(self.store.accept, view.article, view.cursor, topics)

    def action_dismiss_suggestion(self) -> None:
        view = self.active_view()
        topics = self._suggested_here(view)
        if topics:
            self._change(self.store.dismiss, view.article, view.cursor, topics)

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


class TagWriter:
    """Tag changes asked for by keys, run in workers (off the UI thread) one at a time,
    in the order asked: the next starts when the previous one's result is handed back
    on the UI thread. Undo and redo queue here too, so they follow the changes they undo."""

    def __init__(self, app) -> None:
        self.app = app
        self._queue: deque = deque()
        self._busy = False
        self._writing = threading.Event()  # clear while a change is being written
        self._writing.set()
        self.when_idle: Callable[[], None] | None = None  # called once all are written

    @property
    def idle(self) -> bool:
        return not self._busy and not self._queue

    def finish(self) -> list[str]:
        """Once the app has ended (quit before its changes were written): the change
        being written ends, then those still queued are written here, in order, with no
        screen to tell. What could not be written, said for the terminal."""
        self._writing.wait()
        errors = []
        while self._queue:
            fn, args, _done = self._queue.popleft()
            try:
                fn(*args)
            except Exception as exc:  # (TagNotSaved and the like: the file is kept)
                errors.append(describe(exc))
        return errors

    def submit(self, fn: Callable, args: tuple, done: Callable) -> None:
        self._queue.append((fn, args, done))
        self._next()

    def _next(self) -> None:
        if self._busy or not self._queue:
            return
        self._busy = True
        self._writing.clear()
        fn, args, done = self._queue.popleft()
        self.app.run_worker(
            partial(self._run, fn, args, done),
            thread=True,
            group="tag writes",
            exit_on_error=False,
        )

    def _run(self, fn: Callable, args: tuple, done: Callable) -> None:
        try:
            result, error = fn(*args), None
        except Exception as exc:  # handed to `done`, which tells the user
            result, error = None, exc
        finally:
            self._writing.set()
        self.app.post_message(TagWritten(done, result, error))

    def written(self, msg: TagWritten) -> None:
        """On the UI thread: hand the result back, then start the next change."""
        self._busy = False
        try:
            msg.done(msg.result, msg.error)
        finally:
            self._next()
            if self.idle and self.when_idle is not None:
                self.when_idle()


class TagWatch:
    """Checks the tag file every WATCH_EVERY_S in a worker thread (one stat when nothing
    changed; the read and parse off the UI thread) and hands other writers' changes to
    the screens; also retries changes that could not be saved."""

    def __init__(self, app) -> None:
        self.app = app
        self._busy = threading.Lock()
        self._last_error = ""

    def tick(self) -> None:
        if self._busy.locked() or self.app.tags.is_loading:
            return  # the previous check is still reading, or the file is being opened
        self.app.run_worker(self._check, thread=True, group="tag-watch", exit_on_error=False)

    def _check(self) -> None:
        if not self._busy.acquire(blocking=False):
            return
        try:
            was_unsaved = self.app.tags.unsaved
            diff = self.app.tags.poll()
            error = ""
        except DossierError as exc:
            diff, error = None, exc.message
        except Exception as exc:  # a worker must never take the reader down
            diff, error = None, f"tag file check failed: {exc}"
        finally:
            self._busy.release()
        saved = was_unsaved and not self.app.tags.unsaved
        if diff is not None or error != self._last_error or saved:
            self.app.call_from_thread(self._show, diff, error, saved)

    def _show(self, diff: TagDiff | None, error: str, saved: bool) -> None:
        if error and error != self._last_error:
            self.app.notify(error, title="Tag file", severity="error", timeout=10)
        self._last_error = error
        if saved:
            self.app.notify("Tag changes kept in memory are now saved.", title="Tags")
        for screen in self.app.screen_stack:
            if isinstance(screen, TaggingMixin):
                if diff is not None:
                    screen.tags_changed_on_disk(diff)
                else:
                    screen.tags_changed()
            elif diff is not None and screen is self.app.screen and hasattr(screen, "fill"):
                screen.fill()  # the Tags screen


def watch_tag_file(app) -> TagWatch:
    """Start watching app.tags' file (call once, from on_mount)."""
    watch = TagWatch(app)
    app.set_interval(WATCH_EVERY_S, watch.tick)
    return watch
