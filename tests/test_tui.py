"""The reader driven as a user would: keys in, widgets read."""

from __future__ import annotations

import shutil
import threading

from conftest import ARTICLES, app_settings
from helpers_tui import (
    H,
    W,
    open_reader,
    record_notes,
    search,
    settle,
    text_of,
    until,
    view_lines,
)
from textual.widgets import Input, OptionList, Static

import tui.app
import tui.index_runner
from index.build import update_index
from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp
from tui.screens.help import HelpScreen
from tui.screens.picker import ArticlePicker
from tui.screens.reader import ReaderScreen
from tui.screens.search import SearchScreen
from tui.widgets.article_view import ArticleView
from tui.widgets.virtual_list import VirtualList

ART = "001_1a5c9ff20c0ee09c"


def message(app) -> str:
    return text_of(app.screen.query_one("#message", Static))


def listed(app) -> list[str]:
    return list(app.screen.query_one("#articles", VirtualList)._keys)


async def test_first_screen_is_the_articles_list(settings):
    article = Library(settings).article(ART)
    TagStore.open(settings).add_passage(article, 10, ["corridor"])
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.pause()
        lst = app.screen.query_one("#articles", VirtualList)
        assert lst.has_focus, "the list has the keys, so letters are commands"
        head = text_of(app.screen.query_one("#articles-head", Static))
        for column in ("Title", "Outlet", "Date ▼", "Passages", "Tags"):
            assert column in head
        rows = {key: lst._render_row(key, 118).plain for key in lst._keys}
        assert len(rows) == 5
        row = rows[ART]
        assert "Make Progress" in row and "RFE/RL" in row and "2023-05-04" in row
        assert row.split()[-2:] == ["15", "1"], "15 passages, 1 tag"
        assert "5 articles, by date" in message(app)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        assert app.screen.article.id == lst._keys[0]


async def test_first_screen_keys_are_commands_outside_the_box(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        box = app.screen.query_one("#query", Input)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape", "slash")
        assert box.has_focus and box.value == ""
        await pilot.press("escape")  # leaves the box, empty as it is
        assert not box.has_focus
        await pilot.press("slash", "q", "a", "slash", "question_mark")
        assert box.value == "qa/?", "in the box, keys are text"
        assert isinstance(app.screen, SearchScreen)
        box.value = ""
        await pilot.press("escape", "a")
        assert app.screen.query_one("#articles", VirtualList).has_focus
        await pilot.press("q")
        assert app.return_code == 0, "q quits"


async def test_a_help_key_read_before_the_help_screen_is_drawn_does_nothing(settings):
    """`?` then `b` in one burst: `b` (page up) reaches the help screen before it is
    drawn; it does nothing instead of stopping the app."""
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = HelpScreen()
        app.push_screen(screen)  # not awaited: not drawn yet
        screen.action_scroll("up")
        await pilot.pause()
        assert app.screen is screen and app.return_code is None, "the app runs on"
        await pilot.press("G")
        assert screen.query_one("#help").scroll_y > 0, "once drawn, its keys scroll it"


async def test_articles_list_filters_on_words_in_any_order(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("f")
        box = app.screen.query_one("#filter", Input)
        assert box.has_focus
        await pilot.press(*"talks peace")  # "Peace Deal … Talks", "… peace talks hosted"
        await pilot.pause()
        assert sorted(listed(app)) == ["002_e536400ab8bce265", "003_408a409204c2d65a"]
        assert "2 articles of 5 match “talks peace”" in message(app)
        await pilot.press("escape")  # the filter stays, the box is left
        assert app.screen.query_one("#articles", VirtualList).has_focus
        box.value = "europa"  # outlets match too
        await pilot.pause()
        assert listed(app) == ["004_bd0bc0e79d4348b1"]
        box.value = "unknown 2023-05"  # what the list shows for an article with no outlet
        await pilot.pause()
        assert listed(app) == ["002_e536400ab8bce265"]


async def test_articles_list_sorts_and_opens(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        infos = app.library.infos
        dates = [infos[k].date for k in listed(app)]
        assert dates == sorted(dates, reverse=True)
        await pilot.press("s")  # by outlet
        outlets = [(infos[k].source or "~").casefold() for k in listed(app)]
        assert outlets == sorted(outlets)
        assert "Outlet ▼" in text_of(app.screen.query_one("#articles-head", Static))
        await pilot.press("s")  # by title
        titles = [infos[k].title.casefold() for k in listed(app)]
        assert titles == sorted(titles)
        await pilot.press("down", "enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        assert app.screen.article.id == listed_second(titles, infos)


def listed_second(titles, infos) -> str:
    return next(i.id for i in infos.values() if i.title.casefold() == titles[1])


async def test_search_open_next_hit(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("slash")
        await search(pilot, "Lachin")
        assert "4 passages in 3 articles" in message(app)
        results = app.screen.query_one("#results", OptionList)
        ids = [o.id for o in results.options]
        assert sum(1 for i in ids if i.startswith("a:")) == 3
        await pilot.press("enter")  # from the box: the highlighted passage
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen) and app.screen.hits, "hits")
        view = app.screen.query_one(ArticleView)
        first = view.cursor
        assert "Lachin" in view.article.passage(first).text
        assert view.decor.hits[first], "the query's words are highlighted"
        await pilot.press("n")
        hits = sorted(view.decor.hits)
        assert view.cursor == (hits[(hits.index(first) + 1) % len(hits)])
        status = text_of(app.screen.query_one("#reader-status", Static))
        assert f"hit {hits.index(view.cursor) + 1}/{len(hits)} for “Lachin”" in status


async def test_reader_status_says_hit_only_on_a_hit(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.query_text = "Lachin"
        screen = await open_reader(pilot, ART, 1)
        view = screen.view
        assert screen.hits, "the article has hits for the query"
        first = min(screen.hits)
        after = [n for n in range(first, len(view.article.passages) + 1) if n not in screen.hits]
        view.move_to(after[0])  # a passage past a hit that is not one
        await pilot.pause()
        status = text_of(screen.query_one("#reader-status", Static))
        assert "hit " not in status
        assert f"{len(screen.hits)} passage" in status and "match “Lachin”" in status
        assert "1 passages" not in status
        view.move_to(min(screen.hits))
        await pilot.pause()
        assert f"hit 1/{len(screen.hits)}" in text_of(screen.query_one("#reader-status", Static))
        meta = text_of(screen.query_one("#reader-meta", Static))
        assert f"· {len(view.article.passages)} passages ·" in meta


async def test_reader_keys_move_by_passage_and_page(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_reader(pilot, "002_e536400ab8bce265", 1)
        view = screen.view
        await pilot.press("j", "j", "down")
        assert view.cursor == 4
        await pilot.press("k")
        assert view.cursor == 3
        await pilot.press("G")
        assert view.cursor == len(view.article.passages)
        await pilot.press("g")
        assert view.cursor == 1
        await pilot.press("space")
        await pilot.pause()
        assert view.scroll_offset.y > 0 and view.cursor > 1
        # a readable width: lines never run past the text column
        assert max(len(line.rstrip()) for line in view_lines(view).splitlines()) <= 9 + 78 + 1


async def test_picker_matches_words_in_any_order_and_echoes(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("o")
        assert isinstance(app.screen, ArticlePicker)
        await pilot.press(*"hosted blinken")  # the title says "Blinken … hosted"
        await pilot.pause()
        options = app.screen.query_one("#picker-list", OptionList).options
        assert {o.id for o in options} == {"003_408a409204c2d65a", ART}
        count = text_of(app.screen.query_one("#picker-count", Static))
        assert "2 articles with “hosted blinken”" in count
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")


async def test_malformed_query_shows_message(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await search(pilot, '"within reach')
        assert "quote is not closed" in message(app)
        assert "passages in" in message(app)  # the lenient reading still searched


async def test_did_you_mean_is_accepted_by_a_key(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await pilot.press("slash")
        await search(pilot, "border agreemnt")
        assert "No passages match" in message(app) and "agreement" in message(app)
        assert "^y searches “agreement”" in message(app)
        await pilot.press("ctrl+y")
        box = app.screen.query_one("#query", Input)
        assert box.value == "border agreement"
        await until(pilot, lambda: app.last_result.query == box.value, "the new results")
        await settle(pilot)
        assert "No passages match" not in message(app) and "1 passage in 1 article" in message(app)


async def test_results_say_how_many_are_listed(settings, monkeypatch):
    monkeypatch.setattr(tui.app, "RESULT_PASSAGES", 1)
    monkeypatch.setattr(tui.app, "RESULT_ARTICLES", 2)
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await search(pilot, "peace")
        assert "in 5 articles — first 2 of 5 articles listed" in message(app)


def test_search_placeholder_comes_from_the_codebook(tmp_path):
    from tui.screens.search import placeholder

    settings = app_settings(tmp_path)
    shown = placeholder(settings)
    assert f"tag:{settings.topics[0].id}" in shown
    assert "Lachin" not in shown and "europa" not in shown


async def test_zero_results_offers_near_spellings(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await search(pilot, "agreemnt")
        assert "No passages match" in message(app) and "agreement" in message(app)


async def test_empty_corpus(tmp_path):
    corpus = tmp_path / "empty"
    corpus.mkdir()
    app = DossierApp(app_settings(tmp_path, corpus), background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        assert "0 articles" in message(app)
        await search(pilot, "peace")
        assert "No passages match" in message(app)
        await pilot.press("escape", "a")
        assert app.screen.query_one("#articles", VirtualList).row_count == 0


async def test_search_follows_typing_newest_wins(settings, monkeypatch):
    """An older query never replaces a newer one: the first search is held inside the
    engine while two more are typed; the middle one is never run, and the screen never
    shows a result older than the newest query."""
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await settle(pilot)  # the start-up warm-up has run its own search
        engine = app.library.engine
        real = engine.search
        entered, release = threading.Event(), threading.Event()
        searched: list[str] = []

        def held(text, **kw):
            searched.append(text)
            if text == "Lachin":
                entered.set()
                release.wait(10)
            return real(text, **kw)

        monkeypatch.setattr(engine, "search", held)
        shown: list[str] = []
        show = SearchScreen.show_result
        monkeypatch.setattr(
            SearchScreen,
            "show_result",
            lambda s, r, **kw: (shown.append(r.query), show(s, r, **kw)),
        )
        box = app.screen.query_one("#query", Input)
        box.value = "Lachin"
        await until(pilot, entered.is_set, "the first search to start")
        box.value = "border"
        await pilot.pause()
        box.value = "delimitation"
        await pilot.pause()
        release.set()
        await until(pilot, lambda: "delimitation" in shown, "the newest results")
        await settle(pilot)
        assert searched == ["Lachin", "delimitation"], "a superseded query is never run"
        assert shown == ["delimitation"], "an older result never replaces a newer one"
        assert app.last_result.query == "delimitation"
        ids = [o.id for o in app.screen.query_one("#results", OptionList).options]
        assert ids[0] == "a:000_0d42f3f6a94791ae"


async def test_toggle_removed_text(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        screen = await open_reader(pilot, "000_0d42f3f6a94791ae", 1)
        assert "cookies" not in view_lines(screen.view)
        await pilot.press("x", "G")
        await pilot.pause()
        assert "cookies" in view_lines(screen.view)
        assert "removed text" in text_of(screen.query_one("#reader-status"))


async def test_first_start_indexes_in_the_background(tmp_path, monkeypatch):
    settings = app_settings(tmp_path)
    shutil.rmtree(settings.index_dir)  # a first start: no index yet
    # The indexer process starts only when released, so "while indexing" is not a race.
    release = threading.Event()
    real_popen = tui.index_runner.subprocess.Popen

    def held_popen(*args, **kwargs):
        release.wait(60)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr(tui.index_runner.subprocess, "Popen", held_popen)
    app = DossierApp(settings)
    async with app.run_test(size=(W, H)) as pilot:
        assert not app.index_ready
        app.screen.query_one("#query", Input).value = "Lachin"
        await until(
            pilot, lambda: "Indexing the corpus" in message(app), "the notice", all_workers=False
        )
        release.set()
        status = app.screen.query_one("#index-status", Static)
        await until(pilot, lambda: "index updated" in text_of(status), "the index", 60)
        assert "5 articles" in text_of(status)
        await until(pilot, lambda: app.last_result is not None, "the results")
        await settle(pilot)
        assert "4 passages in 3 articles" in message(app)


async def test_engine_work_runs_off_the_ui_thread(settings, monkeypatch):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        threads: list[str] = []
        lib = app.library
        real_hits, real_article = lib.hits_in, lib.article

        def hits_in(*a, **kw):
            threads.append(threading.current_thread().name)
            return real_hits(*a, **kw)

        def article(*a, **kw):
            threads.append(threading.current_thread().name)
            return real_article(*a, **kw)

        monkeypatch.setattr(lib, "hits_in", hits_in)
        monkeypatch.setattr(lib, "article", article)
        app.query_text = "Lachin"
        await open_reader(pilot, ART, 1)
        assert len(threads) == 2
        assert threading.main_thread().name not in threads


async def test_worker_errors_reach_the_user(settings, monkeypatch):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        shown = record_notes(app)

        def broken(*a, **kw):
            raise RuntimeError("disk on fire")

        monkeypatch.setattr(app.library, "hits_in", broken)
        app.query_text = "Lachin"
        app.open_article(ART, 1)
        await until(
            pilot,
            lambda: any("disk on fire" in s for s in shown),
            "the error",
            worker_errors_ok=True,
        )
        monkeypatch.setattr(app.library.engine, "search", broken)
        await pilot.press("escape")
        app.screen.query_one("#query", Input).value = "peace"
        await until(
            pilot,
            lambda: sum("disk on fire" in s for s in shown) >= 2,
            "the error",
            worker_errors_ok=True,
        )
        assert app.is_running, "the reader keeps running"


async def test_articles_indexed_by_another_process_appear_in_an_open_reader(tmp_path):
    """`dossier add` / `dossier index` in another shell while the reader is open: the
    reader's next index check finds nothing left to do, but must still show them."""
    corpus = tmp_path / "corpus"
    shutil.copytree(ARTICLES, corpus)
    settings = app_settings(tmp_path, corpus)
    app = DossierApp(settings)
    async with app.run_test(size=(W, H)) as pilot:
        await until(pilot, lambda: app.index_ready and not app._indexing, "the first check")
        (corpus / "ferry.txt").write_text(
            "Ferry strike ends\n\nThe passengers boarded again on Monday.\n", encoding="utf-8"
        )
        update_index(settings)  # as `dossier index` would, from another process
        app.update_index()  # the reader's periodic check
        await until(pilot, lambda: "ferry" in app.library.infos, "the new article")
        await pilot.press("slash")
        await search(pilot, "passengers")
        assert app.last_result.total == 1
