"""Tagging in the reader and compare views, driven by keys; the file is the proof."""

from __future__ import annotations

import yaml
from helpers_tui import until, workers_done
from textual.widgets import DataTable, OptionList, Static

from tui.app import DossierApp
from tui.screens.reader import ReaderScreen
from tui.screens.tags import TagsScreen
from tui.widgets.article_view import ArticleView

W, H = 120, 40
ART = "001_1a5c9ff20c0ee09c"


def saved(settings) -> list[dict]:
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    return data["entries"]


async def written(pilot) -> None:
    """Until the tag changes typed so far are written and drawn (they run in workers)."""
    await until(pilot, lambda: pilot.app.tag_writer.idle, "tag writes")
    await pilot.pause()


async def open_reader(pilot, n: int) -> ArticleView:
    pilot.app.open_article(ART, n)  # read in a worker
    await workers_done(pilot.app)
    await pilot.pause()
    return pilot.app.screen.query_one(ArticleView)


async def test_tag_passage_span_note_quit_reopen_undo_redo(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 10)  # the Lachin checkpoint passage
        await pilot.press("2")  # corridor
        await written(pilot)
        assert [label for label, _ in view.decor.marks[10]] == ["Corridor"]
        await pilot.press("m", *"checkpoint set up April 23", "ctrl+s")
        await written(pilot)
        # a span: the first sentence of passage 5, one word less, tagged as treaty
        await pilot.press("k", "k", "k", "k", "k", "v", "W", "3")
        await written(pilot)
        status = str(app.screen.query_one("#reader-status", Static).render())
        assert "Peace treaty" in status
    entries = saved(settings)
    assert len(entries) == 2
    by_topic = {tuple(e["topics"]): e for e in entries}
    corridor = by_topic[("corridor",)]
    assert corridor["note"] == "checkpoint set up April 23"
    assert "Lachin Corridor" in corridor["anchor"]["exact"]
    span = by_topic[("treaty",)]
    article = app.library.article(ART)
    p5 = article.passage(5)
    assert p5.start == span["anchor"]["start"] < span["anchor"]["end"] < p5.end
    assert article.text[span["anchor"]["start"] : span["anchor"]["end"]] == span["anchor"]["exact"]

    # reopen: the tags are shown again; undo and redo work on this session's changes
    app2 = DossierApp(settings, background_index=False)
    async with app2.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 10)
        assert [label for label, _ in view.decor.marks[10]] == ["Corridor"]
        assert [label for label, _ in view.decor.marks[5]] == ["Peace treaty"]
        await pilot.press("1")  # border on passage 10 too
        await written(pilot)
        assert {label for label, _ in view.decor.marks[10]} == {"Corridor", "Border"}
        await pilot.press("u")
        await written(pilot)
        assert [label for label, _ in view.decor.marks[10]] == ["Corridor"]
        assert sorted(t for e in saved(settings) for t in e["topics"]) == ["corridor", "treaty"]
        await pilot.press("ctrl+r")
        await written(pilot)
        assert {label for label, _ in view.decor.marks[10]} == {"Corridor", "Border"}
        await pilot.press("d")
        await written(pilot)
        assert 10 not in view.decor.marks
        assert [e["topics"] for e in saved(settings)] == [["treaty"]]


async def test_topic_picker_tags_several_topics(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 11)
        await pilot.press("t")
        await pilot.press(*"corr", "down", "space")
        await pilot.press("enter")
        await written(pilot)
        await pilot.press("t", *"treaty", "enter")
        await written(pilot)
        assert {label for label, _ in view.decor.marks[11]} == {"Corridor", "Peace treaty"}
    (entry,) = saved(settings)
    assert entry["topics"] == ["corridor", "treaty"]


async def test_suggestions_accept_dismiss_and_jump(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 1)
        suggested = sorted(view.decor.suggestions)
        assert suggested, "topic queries mark candidate passages"
        await pilot.press("right_square_bracket")
        first = view.cursor
        assert first == next((n for n in suggested if n > 1), suggested[0])
        labels = [label for label, _ in view.decor.suggestions[first]]
        await pilot.press("plus")
        await written(pilot)
        assert {label for label, _ in view.decor.marks[first]} == set(labels)
        assert first not in view.decor.suggestions
        await pilot.press("right_square_bracket")
        second = view.cursor
        await pilot.press("minus")
        await written(pilot)
        assert second not in view.decor.suggestions and second not in view.decor.marks
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    assert data["dismissed"], "a dismissal is remembered in the tag file"


async def test_tags_screen_and_tag_search(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:

        def result_for(text: str) -> bool:
            return app.last_result is not None and app.last_result.query == text

        view = await open_reader(pilot, 10)
        await pilot.press("2", "j", "1")
        await written(pilot)
        await pilot.press("T")
        assert isinstance(app.screen, TagsScreen)
        await workers_done(app)  # rows are resolved in a worker
        await written(pilot)
        table = app.screen.query_one("#tag-table", DataTable)
        assert table.row_count == 2
        matrix = app.screen.query_one("#tag-matrix", DataTable)
        assert matrix.row_count == 1  # one tagged article (articles down, topics across)
        await pilot.press("enter")
        await workers_done(app)
        await written(pilot)
        assert isinstance(app.screen, ReaderScreen)
        assert app.screen.query_one(ArticleView).cursor == 11  # border sorts first
        await pilot.press("slash", *"tag:corridor")
        await until(pilot, lambda: result_for("tag:corridor"), "results for tag:corridor")
        await pilot.pause()  # the results reach the screen
        ids = [o.id for o in app.screen.query_one("#results", OptionList).options]
        assert ids == ["a:" + ART, f"p:{ART}#10"]
        await pilot.press(*" AND NOT tag:border")
        await until(pilot, lambda: result_for("tag:corridor AND NOT tag:border"), "the results")
        await written(pilot)
        assert "1 passage in 1 article" in str(app.screen.query_one("#message", Static).render())
    assert view is not None


async def test_broken_tag_file_disables_tagging_and_is_untouched(settings):
    settings.tags_file.write_text("version: 1\nentries: [\n  - oops: {\n", encoding="utf-8")
    before = settings.tags_file.read_bytes()
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 10)
        await pilot.press("2")
        await written(pilot)
        assert 10 not in view.decor.marks
        assert "tagging off" in str(app.screen.query_one("#reader-status", Static).render())
    assert settings.tags_file.read_bytes() == before


async def test_mouse_drag_selects_a_span_to_tag(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 1)
        y = view._first_line[1] - int(view.scroll_offset.y)
        gutter = 9
        await pilot.mouse_down(view, offset=(gutter + 3, y))
        await pilot.hover(view, offset=(gutter + 20, y))
        await pilot.mouse_up(view, offset=(gutter + 20, y))
        await written(pilot)
        n, start, end = view.selection
        assert (n, start, end) == (1, 3, 20)
        await pilot.press("1")
        await written(pilot)
    (entry,) = saved(settings)
    p1 = app.library.article(ART).passage(1)
    assert entry["anchor"]["exact"] == p1.text[3:20]
    assert entry["topics"] == ["border"]


async def test_quit_writes_the_tag_changes_asked_for_first(settings, monkeypatch):
    """`q` right after tagging, while the first change is still being written and the
    next waits behind it: the reader stays until both are written, then quits; a
    second `q` quits at once and what is left is written once the window is gone (as
    `dossier` does after the app ends). Reopened, every tag is in the file."""
    import threading

    from index.tags.store import TagStore

    gate = threading.Event()
    apply = TagStore.apply
    calls: list[str] = []

    def held_apply(self, ops, description):
        calls.append(description)
        if len(calls) in (1, 3):  # the first change of each session waits for the gate
            assert gate.wait(30)
        return apply(self, ops, description)

    monkeypatch.setattr(TagStore, "apply", held_apply)
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        await open_reader(pilot, 10)
        await pilot.press("2", "k", "1")  # corridor on 10 (held), border on 9 (queued)
        await pilot.press("q")
        await until(pilot, lambda: len(calls) == 1, "the first write", all_workers=False)
        assert app.is_running and not app.tag_writer.idle
        gate.set()
        await until(pilot, lambda: not app.is_running, "quit", all_workers=False)
    assert sorted(t for e in saved(settings) for t in e["topics"]) == ["border", "corridor"]

    gate.clear()
    app2 = DossierApp(settings, background_index=False)
    async with app2.run_test(size=(W, H)) as pilot:
        await open_reader(pilot, 8)
        await pilot.press("3", "k", "3", "q", "q")  # treaty on 8 (held) and 7; quit twice
        await until(pilot, lambda: not app2.is_running, "quit", all_workers=False)
    assert not app2.tag_writer.idle
    gate.set()
    assert app2.tag_writer.finish() == []
    topics = sorted(t for e in saved(settings) for t in e["topics"])
    assert topics == ["border", "corridor", "treaty", "treaty"]
