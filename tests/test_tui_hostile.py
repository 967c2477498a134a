"""Untrusted text and giant inputs: nothing reaches the terminal as a control, nothing
fills the screen, nothing freezes it."""

from __future__ import annotations

import threading

from conftest import app_settings, write_files
from helpers_tui import H, W, open_reader, search, text_of, until, view_lines
from textual.widgets import OptionList, Static

from index.model import Article
from tui.app import DossierApp
from tui.render import BIDI_SYMBOL, TITLE_MAX, safe
from tui.screens.loading import LoadingScreen
from tui.screens.reader import ReaderScreen
from tui.widgets import article_view

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"


def test_bidi_controls_are_shown_one_for_one():
    text = f"price {BIDI} 100"
    shown = safe(text)
    assert len(shown) == len(text), "offsets stay exact"
    assert not set(BIDI) & set(shown)
    assert shown.count(BIDI_SYMBOL) == len(BIDI)
    assert safe("\x1b[31m") == "␛[31m"


async def test_markup_escapes_and_bidi_shown_literally(tmp_path):
    corpus = tmp_path / "corpus"
    write_files(
        corpus,
        {
            "evil.txt": "Title with [/b] and [bold red]markup[/] \u202egnp.exe\n\n"
            "Body [link=http://x]click[/link] and \x1b[31mred\x1b[0m and a bell\x07, "
            "then \u202eyad a 001$\u202c and \u2067isolate\u2069.\n"
        },
    )
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await search(pilot, "click")
        results = app.screen.query_one("#results", OptionList)
        assert any("[/b]" in str(o.prompt) for o in results.options)
        assert not any("\u202e" in str(o.prompt) for o in results.options)
        screen = await open_reader(pilot, "evil", 1)
        title = text_of(screen.query_one("#reader-title"))
        assert "[/b] and [bold red]markup[/]" in title and "\u202e" not in title
        shown = view_lines(screen.view)
        assert "[link=http://x]click[/link]" in shown
        assert not set("\x1b\x07" + BIDI) & set(shown)
        assert "␛[31mred␛[0m" in shown
    assert f"{BIDI_SYMBOL}yad a" in shown and f"001${BIDI_SYMBOL}" in shown


async def test_a_giant_title_is_capped(tmp_path):
    corpus = tmp_path / "corpus"
    write_files(corpus, {"long.txt": "Title " + "word " * 4000 + "\n\nThe body of it.\n"})
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_reader(pilot, "long", 1)
        title = screen.query_one("#reader-title", Static)
        assert len(text_of(title)) <= TITLE_MAX
        assert title.size.height <= 2
        assert screen.view.size.height >= H - 8, "the text keeps the screen"


async def test_an_article_loads_in_a_worker_and_early_keys_stay_there(tmp_path, monkeypatch):
    """Reading and laying out an article (seconds for a 20 MB one) happens in a worker;
    the keys typed meanwhile go to the loading screen, not to the reader."""
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        release = threading.Event()
        real = app.library.article

        def slow_article(ref):
            release.wait(10)
            return real(ref)

        monkeypatch.setattr(app.library, "article", slow_article)
        app.open_article("002_e536400ab8bce265", 1)
        assert isinstance(app.screen, LoadingScreen), "the UI shows it is opening"
        await pilot.press("j", "j", "G")  # typed while it loads
        assert isinstance(app.screen, LoadingScreen), "the UI still answers"
        release.set()
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.pause()
        assert app.screen.view.cursor == 1, "keys typed while loading did not land here"


async def test_a_large_article_is_laid_out_again_in_a_worker(tmp_path, monkeypatch):
    """Showing removed text (x) or a resize lays a large article out again: in a worker."""
    monkeypatch.setattr(article_view, "LARGE", 100)  # the bundled articles count as large
    threads: list[str] = []
    real = article_view.layout

    def recording(*a, **kw):
        threads.append(threading.current_thread().name)
        return real(*a, **kw)

    monkeypatch.setattr(article_view, "layout", recording)
    # nor is the article printed on the UI thread (Textual describes a worker without a
    # description by the repr of its arguments: here the article's whole text)
    printed: list[str] = []
    monkeypatch.setattr(Article, "__repr__", lambda self: printed.append(self.id) or "…")
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_reader(pilot, "000_0d42f3f6a94791ae", 1)
        await pilot.press("x", "G")
        await until(pilot, lambda: "cookies" in view_lines(screen.view), "the removed text")
        assert threads and threading.main_thread().name not in threads
    assert printed == []
