# ruff: noqa: E501  (ACTIONS is a table, one action a line, easier to scan than to wrap)
"""Every action of the reader, declared once: id, default keys, description, scope.

The bindings of every screen and widget, the footer, the help screen, the command
palette and the checks of `keys:` in config.yaml are all made from ACTIONS. This module
imports no Textual at load (the command line checks `keys:` with it too).

- `id` is what `keys:` in config.yaml rebinds (`keys: {reader.compare: ctrl+k}`).
- `scope` says where the action works; SCOPES gives each scope its help heading and
  CONTEXTS lists the scopes live at once (where two actions must not share a key).
- `action` is the Textual action string run on the scope's owner (app, screen or widget).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from textual.binding import Binding


@dataclass(frozen=True, slots=True)
class Action:
    id: str
    keys: str  # comma-separated Textual key names, as in config.yaml
    description: str  # short: the footer and the help screen
    scope: str
    action: str
    help: str = ""  # longer: the command palette
    show: bool = False  # in the footer
    priority: bool = False
    palette: bool = True  # offered in the command palette

    @property
    def detail(self) -> str:
        """The palette's line under the title."""
        return self.help.split(":", 1)[1].strip() if ":" in self.help else ""

    @property
    def title(self) -> str:
        return self.help.split(":", 1)[0] if self.help else self.description


SCOPES: dict[str, str] = {
    "global": "Everywhere",
    "search": "First screen: search box, articles list and results",
    "articles": "Articles list",
    "results": "Search results",
    "reader": "Reader",
    "view": "Reading (reader and both columns of compare)",
    "tagging": "Tagging (reader and compare; topic keys from config.yaml)",
    "compare": "Compare",
    "tags": "Tags screen",
    "tag rows": "Tags screen: the table of tags",
    "help": "Help screen",
    "picker": "Article picker",
    "topics": "Topic picker",
    "note": "Note editor",
    "memo": "Memo editor",
    "export": "Export dialog",
    "loading": "Opening a large article",
    "codebook": "Codebook editor",
    "prompt": "Codebook editor: a label, colour or key",
    "coverage": "Coverage screen",
    "disagreements": "Disagreements of two coders",
    "coders reader": "Reader opened from the disagreements",
    "coder file": "Compare coders: the other tag file",
    "quotes": "Quotes screen",
    "reuse": "Shared text screen",
    "shared rows": "Quotes and Shared text screens: the list",
}

# Scopes whose keys are live at the same time (a key may serve one action in each).
# "topics" in a context means the topic keys of config.yaml are live there too.
CONTEXTS: dict[str, tuple[str, ...]] = {
    "the articles list": ("global", "search", "articles"),
    "the search results": ("global", "search", "results"),
    "the reader": ("global", "reader", "view", "tagging", "topic keys"),
    "compare": ("global", "compare", "view", "tagging", "topic keys"),
    "the Tags screen": ("global", "tags", "tag rows"),
    "the help screen": ("help",),
    "the article picker": ("picker",),
    "the topic picker": ("topics",),
    "the note editor": ("note",),
    "the memo editor": ("memo",),
    "the export dialog": ("export",),
    "opening an article": ("loading",),
    "the codebook editor": ("codebook",),
    "a codebook prompt": ("prompt",),
    "the Coverage screen": ("global", "coverage"),
    "the Disagreements screen": ("global", "disagreements", "tag rows"),
    "the reader on a disagreement": (
        "global",
        "reader",
        "view",
        "tagging",
        "coders reader",
        "topic keys",
    ),
    "the coder file dialog": ("coder file",),
    "the Quotes screen": ("global", "quotes", "shared rows"),
    "the Shared text screen": ("global", "reuse", "shared rows"),
}


def _a(id, keys, description, scope, action, help="", **kw) -> Action:
    return Action(id, keys, description, scope, action, help, **kw)


def _virtual_list(prefix: str, scope: str, open_help: str) -> tuple[Action, ...]:
    """The keys of a VirtualList (tui/widgets/virtual_list.py) in `scope`."""
    return (
        _a(f"{prefix}.open", "enter", "Open", scope, "select", open_help, palette=False),
        _a(f"{prefix}.down", "j,down", "Down", scope, "down", palette=False),
        _a(f"{prefix}.up", "k,up", "Up", scope, "up", palette=False),
        _a(f"{prefix}.page_down", "pagedown,space", "Page down", scope, "page_down", palette=False),
        _a(f"{prefix}.page_up", "pageup,b", "Page up", scope, "page_up", palette=False),
        _a(f"{prefix}.top", "g,home", "Top", scope, "first", palette=False),
        _a(f"{prefix}.bottom", "G,end", "Bottom", scope, "last", palette=False),
    )


ACTIONS: tuple[Action, ...] = (
    # -- everywhere (the app) -------------------------------------------------
    _a("search", "slash", "Search", "global", "focus_search", "Search: focus the search box", priority=True),
    _a("articles", "a", "Articles", "global", "articles", "Articles list: every article, sortable"),
    _a("help", "question_mark", "Help", "global", "help", "Help: every key, with its id", show=True, priority=True),
    _a("palette", "ctrl+p", "Palette", "global", "command_palette", "Command palette", priority=True, palette=False),
    _a("open", "o", "Open…", "global", "open_by_title", "Open article by title…: fuzzy pick", priority=True),
    _a("tags", "T", "Tags", "global", "tags", "Tags: the evidence file by topic, filters, counts"),
    _a("export", "E", "Export…", "global", "export", "Export tags…: CSV, Markdown, YAML, QDPX (QDA tools), the QDC codebook or an HTML briefing, written beside the tag file"),
    _a("codebook", "B", "Codebook", "global", "codebook", "Codebook: add, rename, recolour and re-key topics (written to config.yaml)"),
    _a("coverage", "C", "Coverage", "global", "coverage", "Coverage: tagged passages by topic and outlet, co-occurrence, over time"),
    _a("agree", "A", "Compare coders…", "global", "compare_coders", "Compare coders…: agreement with another tag file, and each disagreement"),
    _a("rebuild", "R", "Rebuild index", "global", "rebuild_index", "Rebuild index: from the corpus, in the background"),
    _a("quit", "q", "Quit", "global", "quit", "Quit: leave dossier", show=True),
    _a("quotes", "Q", "Quotes", "global", "quotes", "Quotes: quotations several articles carry, with the words that changed"),
    _a("reuse", "S", "Shared text", "global", "reuse", "Shared text: passages several articles carry, who carried them first"),
    # -- first screen ---------------------------------------------------------
    _a("search.leave", "escape", "Leave box", "search", "leave_box", "Leave the search or filter box"),
    _a("articles.sort", "s", "Sort", "search", "cycle_sort", "Sort articles: by date, outlet, title", show=True),
    _a("articles.filter", "f", "Filter", "search", "filter_articles", "Filter articles: type part of a title, outlet or date", show=True, priority=True),
    _a("search.accept", "ctrl+y", "Did you mean", "search", "accept_suggestion", "Accept “did you mean”: search the suggested spelling"),
    *_virtual_list("list", "articles", "Open the highlighted article"),
    _a("results.open", "enter", "Open", "results", "select", "Open the highlighted result", palette=False),
    _a("results.down", "j", "Down", "results", "cursor_down", palette=False),
    _a("results.up", "k", "Up", "results", "cursor_up", palette=False),
    _a("results.page_down", "space", "Page down", "results", "page_down", palette=False),
    _a("results.page_up", "b", "Page up", "results", "page_up", palette=False),
    _a("results.top", "g", "Top", "results", "first", palette=False),
    _a("results.bottom", "G", "Bottom", "results", "last", palette=False),
    # -- reader -----------------------------------------------------------------
    _a("reader.next_hit", "n", "Next hit", "reader", "next_hit", "Next hit: the next passage that matches the query", show=True),
    _a("reader.previous_hit", "N", "Prev hit", "reader", "previous_hit", "Previous hit"),
    _a("reader.compare", "c", "Compare", "reader", "compare", "Compare with…: a second article side by side", show=True, priority=True),
    _a("reader.removed", "x", "Removed", "reader", "toggle_removed", "Toggle removed text: what cleaning removed and why"),
    _a("reader.back", "escape", "Back", "reader", "back", "Back: leave the reader", show=True),
    _a("reader.carriers", "equals_sign", "Carriers", "reader", "carriers", "Other carriers: compare this shared passage (≡ in the margin) with the articles that also carry it"),
    # -- reading, in the reader and in both columns of compare (ArticleView) -----
    _a("reader.next_passage", "j,down", "Next passage", "view", "next_passage", palette=False),
    _a("reader.previous_passage", "k,up", "Prev passage", "view", "previous_passage", palette=False),
    _a("reader.page_down", "space,pagedown", "Page down", "view", "page_down", palette=False),
    _a("reader.page_up", "b,pageup", "Page up", "view", "page_up", palette=False),
    _a("reader.top", "g,home", "Top", "view", "first", "Top of the article"),
    _a("reader.bottom", "G,end", "Bottom", "view", "last", "Bottom of the article"),
    _a("reader.select", "v", "Select span", "view", "select", "Select span: inside the passage, to tag it"),
    _a("reader.span_word", "w", "Span +word", "view", "extend('word', 1)", palette=False),
    _a("reader.span_unword", "W", "Span -word", "view", "extend('word', -1)", palette=False),
    _a("reader.span_sentence", "right_parenthesis", "Span +sentence", "view", "extend('sentence', 1)", palette=False),
    _a("reader.span_unsentence", "left_parenthesis", "Span -sentence", "view", "extend('sentence', -1)", palette=False),
    _a("reader.span_start_forward", "greater_than_sign", "Span start →", "view", "move_start(1)", palette=False),
    _a("reader.span_start_back", "less_than_sign", "Span start ←", "view", "move_start(-1)", palette=False),
    # -- tagging (reader and compare) -------------------------------------------
    _a("tag.pick", "t", "Tag…", "tagging", "pick_topics", "Tag passage…: pick topics for the passage or span", show=True, priority=True),
    _a("tag.note", "m", "Note", "tagging", "note", "Note: add or edit the note of this passage's tag", priority=True),
    _a("tag.memo", "M", "Memo", "tagging", "memo", "Memo: write or edit the memo on this article (a note that needs no tag)", priority=True),
    _a("tag.remove", "d", "Untag", "tagging", "untag", "Untag: remove the tags on this passage"),
    _a("tag.undo", "u", "Undo", "tagging", "undo", "Undo tag change"),
    _a("tag.redo", "ctrl+r", "Redo", "tagging", "redo", "Redo tag change"),
    _a("tag.accept", "plus", "Accept sugg.", "tagging", "accept_suggestion", "Accept the suggestion on this passage"),
    _a("tag.dismiss", "minus", "Dismiss sugg.", "tagging", "dismiss_suggestion", "Dismiss the suggestion on this passage"),
    _a("tag.next_suggestion", "right_square_bracket", "Next sugg.", "tagging", "next_suggestion", "Next suggestion"),
    _a("tag.previous_suggestion", "left_square_bracket", "Prev sugg.", "tagging", "previous_suggestion", "Previous suggestion"),
    # -- compare ------------------------------------------------------------------
    _a("compare.switch", "tab", "Side", "compare", "switch_side", "Switch side: the other column", show=True, priority=True),
    _a("compare.replace", "r", "Replace", "compare", "replace_side", "Replace side: another article in the active column", show=True, priority=True),
    _a("compare.sync", "y", "Sync", "compare", "toggle_sync", "Toggle sync: the other column follows the aligned passage", show=True),
    _a("compare.back", "escape", "Back", "compare", "back", "Back: leave compare", show=True),
    # -- Tags screen -----------------------------------------------------------------
    _a("tags.filter", "f", "Filter", "tags", "focus_filters", "Filter tags: by topic and outlet", show=True),
    _a("tags.export", "e", "Export", "tags", "app.export", "Export tags…", show=True, palette=False),
    _a("tags.back", "escape", "Back", "tags", "back", "Back: leave the Tags screen", show=True),
    _a("tags.down", "j", "Down", "tag rows", "cursor_down", palette=False),
    _a("tags.up", "k", "Up", "tag rows", "cursor_up", palette=False),
    _a("tags.page_down", "space", "Page down", "tag rows", "page_down", palette=False),
    _a("tags.page_up", "b", "Page up", "tag rows", "page_up", palette=False),
    _a("tags.top", "g", "Top", "tag rows", "scroll_top", palette=False),
    _a("tags.bottom", "G", "Bottom", "tag rows", "scroll_bottom", palette=False),
    # -- Coverage screen ---------------------------------------------------------------
    _a("coverage.filter", "f", "Filter", "coverage", "focus_filters", "Filter coverage: topic, outlet, dates", show=True),
    _a("coverage.period", "p", "Week/month", "coverage", "cycle_period", "Coverage by week or by month", show=True),
    _a("coverage.back", "escape", "Back", "coverage", "back", "Back: leave the Coverage screen", show=True),
    # -- Disagreements screen (two coders) ----------------------------------------------
    _a("agree.theirs", "y", "Take theirs", "disagreements", "take_theirs", "Take their side: the topic on or off this passage in your tag file, as they coded it", show=True),
    _a("agree.mine", "n", "Keep mine", "disagreements", "keep_mine", "Keep your side: the disagreement leaves the list, your file unchanged", show=True),
    _a("agree.undo", "u", "Undo", "disagreements", "undo", "Undo: this screen's last step (a side taken, or a row kept as yours)", show=True),
    _a("agree.back", "escape", "Back", "disagreements", "back", "Back: leave the disagreements", show=True),
    _a("coders.theirs", "y", "Take theirs", "coders reader", "take_theirs", "Take their side on this passage: their topics here, in your tag file"),
    # -- modal screens -----------------------------------------------------------------
    _a("help.close", "escape,question_mark,q", "Close", "help", "close", show=True, palette=False),
    _a("help.down", "space,j,down", "Scroll", "help", "scroll('down')", palette=False),
    _a("help.up", "b,k,up", "Scroll up", "help", "scroll('up')", palette=False),
    _a("help.top", "g,home", "Top", "help", "scroll('home')", palette=False),
    _a("help.bottom", "G,end", "Bottom", "help", "scroll('end')", palette=False),
    _a("picker.cancel", "escape", "Cancel", "picker", "cancel", show=True, palette=False),
    _a("topics.cancel", "escape", "Cancel", "topics", "cancel", show=True, palette=False),
    _a("note.save", "ctrl+s", "Save", "note", "save", show=True, palette=False),
    _a("note.cancel", "escape", "Cancel", "note", "cancel", show=True, palette=False),
    _a("memo.save", "ctrl+s", "Save", "memo", "save", show=True, palette=False),
    _a("memo.cancel", "escape", "Cancel", "memo", "cancel", show=True, palette=False),
    _a("export.write", "enter", "Export", "export", "write", show=True, palette=False, priority=True),
    _a("export.cancel", "escape", "Cancel", "export", "cancel", show=True, palette=False),
    _a("coder_file.cancel", "escape", "Cancel", "coder file", "cancel", show=True, palette=False),
    _a("loading.cancel", "escape", "Cancel", "loading", "cancel", show=True, palette=False),
    _a("codebook.add", "a", "Add topic", "codebook", "add", show=True, palette=False, priority=True),
    _a("codebook.add_child", "A", "Add sub-topic", "codebook", "add_child", show=True, palette=False, priority=True),
    _a("codebook.rename", "r", "Rename", "codebook", "rename", show=True, palette=False, priority=True),
    _a("codebook.recolour", "c", "Colour", "codebook", "recolour", show=True, palette=False, priority=True),
    _a("codebook.rekey", "K", "Key", "codebook", "rekey", show=True, palette=False, priority=True),
    _a("codebook.close", "escape", "Close", "codebook", "close", show=True, palette=False),
    _a("prompt.cancel", "escape", "Cancel", "prompt", "cancel", show=True, palette=False),
    # -- Quotes and Shared text screens ----------------------------------------------
    _a("quotes.back", "escape", "Back", "quotes", "back", "Back: leave the Quotes screen", show=True),
    _a("reuse.back", "escape", "Back", "reuse", "back", "Back: leave the Shared text screen", show=True),
    *_virtual_list("shared", "shared rows", "Open the highlighted row: the quotation in the reader, or the passage beside the earliest carrier's"),
)  # fmt: skip

BY_ID: dict[str, Action] = {a.id: a for a in ACTIONS}


def in_scope(scope: str) -> list[Action]:
    return [a for a in ACTIONS if a.scope == scope]


def bind_topic_keys(node, topics) -> None:
    """The topic keys of config.yaml on a screen that tags (out of the footer: the help
    screen and the status line name them)."""
    for topic in topics:
        if topic.key:  # a topic without a key is tagged through the picker
            node._bindings.bind(topic.key, f"tag_topic('{topic.id}')", topic.label, show=False)


def rebind_topic_keys(node, topics) -> None:
    """Drop the node's old topic keys and bind the codebook's current ones."""
    keymap = node._bindings.key_to_bindings
    for key, found in list(keymap.items()):
        kept = [b for b in found if not b.action.startswith("tag_topic(")]
        if kept:
            keymap[key] = kept
        else:
            del keymap[key]
    bind_topic_keys(node, topics)


def bindings(*scopes: str) -> list[Binding]:
    """Textual bindings for the actions of `scopes`, each with its id (so `keys:` in
    config.yaml rebinds it through the app's keymap)."""
    from textual.binding import Binding

    return [
        Binding(a.keys, a.action, a.description, show=a.show, priority=a.priority, id=a.id)
        for scope in scopes
        for a in in_scope(scope)
    ]
