"""The dossier reader: a Textual app over the index/ library.

The app owns the library, the index process and the search worker; screens draw. It
tells the search screen what happened through messages (tui/messages.py).

Kept as one module though over 400 lines: it is the single owner of the app's workers
(the indexer process, searches, article loads) and their newest-wins guards; drawing is
in the screens."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Iterable
from multiprocessing import resource_tracker
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.timer import Timer
from textual.worker import get_current_worker

from index.config import Settings
from index.errors import DossierError, IndexUnavailable, StopAsked
from index.exports import export_context, left_out_lines, write_export
from index.library import Library
from index.model import Article
from index.tags import TagStore
from index.tags.evidence import rows
from index.text import nearest

from .actions import bindings
from .codebook_edits import CodebookEdits, watch_config
from .commands import DossierCommands
from .index_runner import IndexRunner
from .keys import key_character, keymap, keys_of
from .matching import TitleIndex
from .messages import (
    ArticleLoaded,
    ResultReady,
    SearchCleared,
    SearchDone,
    TagsOpened,
    TagWritten,
)
from .render import plural
from .reuse_worker import AnalysisMixin
from .screens.loading import LoadingScreen
from .screens.search import SearchScreen
from .tagging import TagWriter, watch_tag_file
from .widgets.article_layout import Layout, layout, text_width
from .worker_errors import ReportsWorkerErrors

CHECK_EVERY_S = 30.0
RESULT_PASSAGES = 40  # ranked passages shown under their articles
RESULT_ARTICLES = 100  # articles listed (the count of all is shown)
# As one types, a word in more passages is read that far (and said so), then the query
# is counted whole. 5,000: every class of bench query within ~35 ms at 100k articles
# (20,000: phrases and prefixes ~60 ms); the complete result follows anyway.
TYPING_CAP = 5_000
DEBOUNCE_S = 0.025  # coalesces fast typing; newest-wins is enforced by sequence numbers
# A capped result's full count starts after this pause in typing: a count started at
# each keystroke would hold the next keystroke's search (the engine runs one at a time).
COUNT_AFTER_S = 0.3

# The app's priority bindings that an ordinary app binding's limits apply to (action: id).
_KEYS_READ_AT_ONCE = {"focus_search": "search", "help": "help", "open_by_title": "open"}


class DossierApp(IndexRunner, CodebookEdits, AnalysisMixin, ReportsWorkerErrors, App):
    CSS_PATH = "dossier.tcss"
    TITLE = "dossier"
    COMMANDS = App.COMMANDS | {DossierCommands}
    BINDINGS = bindings("global")

    def __init__(self, settings: Settings, *, background_index: bool = True) -> None:
        super().__init__()
        # Worker processes (the shared-text analysis of a large corpus) need
        # multiprocessing's resource tracker, started with the fd of sys.stderr; while the
        # app runs, Textual's stand-in for sys.stderr has none: start it now.
        resource_tracker.ensure_running()
        self.settings = settings
        self.init_index_runner()
        self.key_overrides = keymap(settings)  # `keys:` of config.yaml, names normalised
        self.library = Library(settings)
        # read in a worker from on_mount: a large tag file never holds up the first screen
        self.tags = TagStore.loading(settings, self.library)
        self.tag_writer = TagWriter(self)  # tag changes from keys, in order, off the UI thread
        self.background_index = background_index
        self.query_text = ""
        self.index_ready = False
        self._search_seq = 0
        self._search_lock = threading.Lock()
        # set at quit: long work in threads asks it (Textual's cancellation of workers
        # at exit did not always reach a running thread worker)
        self.quitting = threading.Event()
        self._debounce: Timer | None = None
        self._full_count: Timer | None = None
        self._open_seq = 0
        self._on_loaded: tuple[int, Callable] = (0, lambda article, laid_out: None)
        self.last_result = None

    # -- start ----------------------------------------------------------------

    def on_mount(self) -> None:
        self._apply_settings()
        self.push_screen(SearchScreen())
        self._open_tags()
        self.tag_watch = watch_tag_file(self)  # other writers' tag changes, within a second
        self.config_watch = watch_config(self)  # topics edited elsewhere
        self.index_ready = bool(self.library.infos)
        if self.index_ready:
            self._warm()
            self.refresh_analysis()
        if self.background_index:
            self.update_index()
            # pick up articles added or edited while the reader is open
            self.set_interval(CHECK_EVERY_S, self.update_index)
        else:
            self.index_ready = True

    @work(thread=True, group="opening tags", exit_on_error=False)
    def _open_tags(self) -> None:
        store = TagStore.open_or_disabled(self.settings, self.library)
        self.post_message(TagsOpened(store))

    @on(TagsOpened)
    def _tags_opened(self, msg: TagsOpened) -> None:
        """The tag file is read: tagging starts, and every screen shows the tags."""
        self.tags = msg.store
        self._warn_tag_file()
        for screen in self.screen_stack:
            tags_opened = getattr(screen, "tags_opened", None)
            if tags_opened is not None:
                tags_opened()

    @on(TagWritten)
    def _tag_written(self, msg: TagWritten) -> None:
        self.tag_writer.written(msg)

    def _warn_tag_file(self) -> None:
        if self.tags.read_only:
            self.notify(
                f"{self.tags.error.message}\nTagging is off until the file is fixed; "
                "reading works. The file was not changed.",
                title="Tag file",
                severity="error",
                timeout=15,
            )

    def _apply_settings(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        else:
            near = nearest(self.settings.theme, self.available_themes)
            hint = f" (did you mean '{near}'?)" if near else ""
            self.notify(
                f"config.yaml: theme '{self.settings.theme}' is not a Textual theme{hint}; "
                "using the default",
                severity="warning",
            )
        if self.key_overrides:
            self.set_keymap(self.key_overrides)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        """Textual's own commands but Quit, which our palette lists (once)."""
        for command in super().get_system_commands(screen):
            if command.title != "Quit":
                yield command

    def key_display(self, action_id: str) -> str:
        """How the footer shows the keys of an action now (after `keys:`)."""
        return ", ".join(
            self.get_key_display(Binding(key, "")) for key in keys_of(action_id, self.key_overrides)
        )

    @property
    def search_screen(self) -> SearchScreen:
        return next(s for s in self.screen_stack if isinstance(s, SearchScreen))

    def tell_search_screen(self, message: Message) -> None:
        with contextlib.suppress(StopIteration):
            self.search_screen.post_message(message)

    # -- indexing (another process: a Whoosh build holds the GIL) --------------

    async def action_quit(self) -> None:
        """Quit once the tag changes asked for are written (a second quit does not
        wait: what is left is written after the window closes)."""
        self.quitting.set()
        self._stop_indexer()
        if self.tag_writer.idle or self.tag_writer.when_idle is not None:
            self.exit()
            return
        self.tag_writer.when_idle = self.exit
        self.notify("Writing the tag changes, then quitting…", title="Tags")

    @work(thread=True, exclusive=True, group="warm", exit_on_error=False)
    def _warm(self) -> None:
        """Open the index and load what first queries need, off the UI thread (in steps
        the engine takes in turn with searches, so typing never waits for all of it)."""
        worker = get_current_worker()

        def stopped() -> bool:
            return self.quitting.is_set() or worker.is_cancelled

        with contextlib.suppress(IndexUnavailable, StopAsked):
            self.library.engine.warm(stopped)
        if not stopped():
            TitleIndex(self.library.infos.values()).warm()  # titles folded once, for pickers

    # -- search ---------------------------------------------------------------

    def request_search(self, text: str, now: bool = False) -> None:
        """Search after a pause in typing; an older query never replaces a newer one."""
        self.query_text = text
        self._search_seq += 1
        seq = self._search_seq
        for timer in (self._debounce, self._full_count):
            if timer is not None:
                timer.stop()
        if not text.strip():
            self.tell_search_screen(SearchCleared())
            return
        if not self.index_ready:
            self.tell_search_screen(
                SearchCleared("Indexing the corpus; results follow when it is done.")
            )
            return
        cap = TYPING_CAP
        if now:
            self._search(seq, text, cap)
        else:
            self._debounce = self.set_timer(DEBOUNCE_S, lambda: self._search(seq, text, cap))

    @work(thread=True, group="search", exit_on_error=False)
    def _search(self, seq: int, text: str, cap: int | None) -> None:
        """Query number `seq`, its very common words read up to `cap` (None: the full
        count). Searches take turns (the lock; the engine has its own); one whose query
        is no longer the newest when its turn comes does nothing. A full count cannot be
        stopped once the engine runs it: a keystroke meanwhile waits for it to end (at
        100k articles ~0.1 s for a word, ~0.3 s for a common phrase); it starts after a
        pause in typing (COUNT_AFTER_S), not while one types on."""
        if seq != self._search_seq:
            return
        with self._search_lock:
            if seq != self._search_seq:
                return
            try:
                result = self.library.engine.search(
                    text,
                    limit=RESULT_PASSAGES,
                    tags=self.tag_lookup,
                    max_articles=RESULT_ARTICLES,
                    cap=cap,
                )
            except IndexUnavailable:
                self.post_message(
                    SearchDone(seq, None, "the index is being built; results will follow")
                )
                return
            except DossierError as exc:
                self.post_message(SearchDone(seq, None, exc.message))
                return
        self.post_message(SearchDone(seq, result, full=cap is None))

    @property
    def tag_lookup(self):
        """What `tag:` queries ask; None while the tag file is unreadable."""
        return None if self.tags.read_only else self.tags.lookup

    @on(SearchDone)
    def _search_done(self, msg: SearchDone) -> None:
        if msg.seq != self._search_seq:
            return  # a newer query is on its way
        result = msg.result
        if result is not None:
            self.last_result = result
        # Count lazily: a capped result that is not complete is shown at once, then, once
        # typing pauses, the same query runs uncapped and its result replaces it (exact
        # counts, ranked over every passage) unless a newer query came (the seq checks).
        counting = result is not None and not result.complete and not msg.full
        self.tell_search_screen(ResultReady(result, msg.error, counting=counting, recount=msg.full))
        if counting:
            seq, query = msg.seq, result.query
            self._full_count = self.set_timer(COUNT_AFTER_S, lambda: self._search(seq, query, None))

    # -- navigation -----------------------------------------------------------

    def _to_search_screen(self) -> SearchScreen:
        while len(self.screen_stack) > 1 and not isinstance(self.screen, SearchScreen):
            self.pop_screen()
        return self.search_screen

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # `/`, `?` and `o` are priority bindings: they run as the key is read, so the keys
        # typed after them go to the box they focus or the screen they open (Textual
        # handles nothing more until a pushed screen is mounted: push_screen's
        # call_next(AwaitMount)), not to the list. Where an ordinary binding would not
        # run, they do not either: over a modal screen, and in a text box, which takes
        # `/` or `?` as text.
        action_id = _KEYS_READ_AT_ONCE.get(action)
        if action_id and (self.screen.is_modal or self._types_keys_of(action_id)):
            return False
        return super().check_action(action, parameters)

    def _types_keys_of(self, action_id: str) -> bool:
        """Whether the focused widget takes the keys of an action as text (a text box
        and `/`). Textual's priority bindings mean to yield to it, but its check does not
        know the character of `slash` (nor `minus`, `plus`…)."""
        focused = self.focused
        return focused is not None and any(
            focused.check_consume_key(key, key_character(key))
            for key in keys_of(action_id, self.key_overrides)
        )

    def action_focus_search(self) -> None:
        self._to_search_screen().focus_search()

    def action_articles(self) -> None:
        self._to_search_screen().show_articles()

    def action_help(self) -> None:
        from .screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def action_tags(self) -> None:
        from .screens.tags import TagsScreen

        if not isinstance(self.screen, TagsScreen):
            self.push_screen(TagsScreen())

    def action_coverage(self) -> None:
        from .screens.coverage import CoverageScreen

        if not isinstance(self.screen, CoverageScreen):
            self.push_screen(CoverageScreen())

    def action_compare_coders(self) -> None:
        from .screens.disagreements import CoderFileDialog, DisagreementsScreen

        def chosen(path: Path | None) -> None:
            if path is not None:
                self.push_screen(DisagreementsScreen(path))

        if not isinstance(self.screen, CoderFileDialog):
            self.push_screen(CoderFileDialog(self.settings.tags_file), chosen)

    def action_quotes(self) -> None:
        from .screens.quotes import QuotesScreen

        if not isinstance(self.screen, QuotesScreen):
            self.push_screen(QuotesScreen())

    def action_reuse(self) -> None:
        from .screens.reuse import ReuseScreen

        if not isinstance(self.screen, ReuseScreen):
            self.push_screen(ReuseScreen())

    def action_export(self) -> None:
        from .screens.export import ExportDialog

        def chosen(choice: tuple | None) -> None:
            if choice is not None:
                self._export(*choice)

        if not isinstance(self.screen, ExportDialog):
            self.push_screen(ExportDialog(self.settings.tags_file), chosen)

    @work(thread=True, group="export", exit_on_error=False)
    def _export(self, fmt: str, target: Path, bom: bool = False) -> None:
        found = rows(self.tags, self.library.infos, self.settings)
        context = export_context(self.settings, self.tags, self.library)

        def phase(name: str, done: int, total: int) -> None:
            if done == 0:  # each phase once: a long QDPX export says what it is doing
                what = f"{name} ({total:,})" if total > 1 else name
                self.call_from_thread(self.notify, f"{fmt}: {what}…", title="Export", timeout=3)

        context.progress = phase
        try:
            n = write_export(found, fmt, target, self.settings, context, bom=bom)
        except DossierError as exc:
            self.call_from_thread(self.notify, exc.message, title="Export", severity="error")
            return
        said = f"{plural(n, 'tag')} exported to {target}"
        if fmt == "qdc":
            said = f"codebook of {plural(len(self.settings.topics), 'topic')} exported to {target}"
        left = left_out_lines(context.left_out, limit=5)
        self.call_from_thread(
            self.notify,
            "\n".join([said, *left]),
            title="Export",
            severity="warning" if left else "information",
        )

    def action_rebuild_index(self) -> None:
        self.update_index(rebuild=True)

    def open_article(self, article_id: str, n: int | None) -> None:
        """The reader on an article, at passage n (None: its first hit)."""
        from .screens.reader import ReaderScreen

        def opened(article: Article, laid_out: Layout | None) -> None:
            self.push_screen(ReaderScreen(article, n, self.query_text, layout=laid_out))

        self.load_article(article_id, opened)

    def load_article(self, article_id: str, then: Callable[[Article, Layout | None], None]) -> None:
        """Read and lay out an article in a worker, then call `then`. Meanwhile a small
        screen takes the keys typed, so none lands on the next screen; a newer load
        replaces an older one."""
        self._open_seq += 1
        seq = self._open_seq
        self._on_loaded = (seq, then)
        info = self.library.infos.get(article_id)
        self.push_screen(LoadingScreen(seq, info.title if info else article_id))
        self._load_article(seq, article_id, text_width(self.size.width - 1))

    @work(thread=True, group="open article", exit_on_error=False)
    def _load_article(self, seq: int, article_id: str, width: int) -> None:
        try:
            article = self.library.article(article_id)
        except DossierError as exc:
            self.post_message(ArticleLoaded(seq, None, None, exc.message))
            return
        self.post_message(ArticleLoaded(seq, article, layout(article, width)))

    @on(ArticleLoaded)
    def _article_loaded(self, msg: ArticleLoaded) -> None:
        screen = self.screen
        if not (isinstance(screen, LoadingScreen) and screen.seq == msg.seq):
            return  # cancelled, or a newer article is on its way
        self.pop_screen()
        if msg.article is None:
            self.notify(msg.error, severity="error", title="Open")
            return
        seq, then = self._on_loaded
        if seq == msg.seq:
            then(msg.article, msg.layout)

    def pick_article(
        self,
        title: str,
        callback,
        exclude: tuple[str, ...] = (),
        first: tuple[str, ...] = (),
        only: tuple[str, ...] | None = None,
    ) -> None:
        """A picker over the library's articles (`only`: just those)."""
        from .screens.picker import ArticlePicker

        self.push_screen(ArticlePicker(title, exclude, first, only), callback)

    def action_open_by_title(self) -> None:
        def chosen(aid: str | None) -> None:
            if aid:
                self.open_article(aid, 1)

        self.pick_article("Open article", chosen)
