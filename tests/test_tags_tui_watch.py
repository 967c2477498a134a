"""The reader and the tag file's other writers: changes made by another instance show
within a second (and are said when they touch what the user is looking at); a file that
cannot be written keeps the change and saves it later; `d` is one undo step."""

from __future__ import annotations

import errno

import yaml
from helpers_tui import until
from textual.widgets import Static

from index import tagfile
from index.tags import TagStore
from tui.app import DossierApp
from tui.widgets.article_view import ArticleView

W, H = 120, 40
ART = "001_1a5c9ff20c0ee09c"


async def written(pilot) -> None:
    """Until the tag changes typed so far are written and drawn (they run in workers)."""
    await until(pilot, lambda: pilot.app.tag_writer.idle, "tag writes")
    await pilot.pause()


async def open_reader(pilot, n: int) -> ArticleView:
    pilot.app.open_article(ART, n)
    await pilot.pause()
    return pilot.app.screen.query_one(ArticleView)


def labels(view: ArticleView, n: int) -> set[str]:
    return {label for label, _ in view.decor.marks.get(n, [])}


def status(app) -> str:
    return str(app.screen.query_one("#reader-status", Static).render())


def saved_topics(settings) -> list[list[str]]:
    data = yaml.safe_load(settings.tags_file.read_text(encoding="utf-8"))
    return [e["topics"] for e in data["entries"]]


async def test_another_writers_tags_show_in_the_open_reader(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 10)
        await pilot.press("2")  # corridor, from the reader
        await written(pilot)
        cli = TagStore.open(settings, app.library)  # as `dossier tag` would
        article = app.library.article(ART)
        cli.add_passage(article, 10, ["border"])
        await until(
            pilot,
            lambda: labels(view, 10) == {"Corridor", "Border"},
            "the change",
            all_workers=False,
        )
        await until(
            pilot, lambda: "tags changed on disk" in status(app), "the change", all_workers=False
        )
        assert f"{ART}#10 now Border, Corridor" in status(app)
        # the reader's next toggle works on the file as it is now: border comes off
        await pilot.press("1")
        await written(pilot)
        assert labels(view, 10) == {"Corridor"}
        assert saved_topics(settings) == [["corridor"]]
        cli.remove(cli.passage_entry(article, 10).id)
        await until(pilot, lambda: 10 not in view.decor.marks, "the change", all_workers=False)


async def test_an_unwritable_tag_file_keeps_the_change_and_saves_it_later(settings, monkeypatch):
    def disk_full(*_args, **_kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 10)
        monkeypatch.setattr(tagfile, "_write_replace", disk_full)
        await pilot.press("2")
        await written(pilot)
        assert app.is_running
        assert labels(view, 10) == {"Corridor"}
        assert "NOT SAVED" in status(app) and "kept in memory" in status(app)
        assert not settings.tags_file.exists()
        monkeypatch.undo()  # space again: the watch saves it without another key
        await until(pilot, lambda: settings.tags_file.exists(), "the change", all_workers=False)
        await until(pilot, lambda: "NOT SAVED" not in status(app), "the change", all_workers=False)
    assert saved_topics(settings) == [["corridor"]]


async def test_untag_removes_the_passage_tag_in_one_step_and_spans_after(settings):
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        view = await open_reader(pilot, 10)
        article = app.library.article(ART)
        p = article.passage(10)
        app.tags.add(article, p.start, p.start + 10, ["treaty"])  # a span in passage 10
        await pilot.press("1", "t", *"corr", "enter")  # passage tag: border + corridor
        await written(pilot)
        assert sorted(map(sorted, saved_topics(settings))) == [
            ["border", "corridor"],
            ["treaty"],
        ]
        await pilot.press("d")
        await written(pilot)
        assert saved_topics(settings) == [["treaty"]]  # the span stays
        await pilot.press("u")  # one step brings both topics back
        await written(pilot)
        assert sorted(map(sorted, saved_topics(settings))) == [
            ["border", "corridor"],
            ["treaty"],
        ]
        await pilot.press("d", "d")  # then the span goes too
        await written(pilot)
        assert saved_topics(settings) == []
        assert labels(view, 10) == set()
