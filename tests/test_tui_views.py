"""The screens draw the library's view models (issue 9): the reader paints its
article's view model, built in a worker, as it is."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import open_reader, until

from index.build import update_index
from index.library import Library
from index.tags import TagStore
from tui.app import DossierApp

ART = "001_1a5c9ff20c0ee09c"


async def test_the_reader_draws_its_article_view_model(tmp_path):
    settings = app_settings(tmp_path)
    update_index(settings)
    lib = Library(settings)
    TagStore.open(settings, lib).add_passage(lib.article(ART), 10, ["corridor"])
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file read")
        app.query_text = "Lachin"
        screen = await open_reader(pilot, ART, 1)
        await until(pilot, lambda: screen.model is not None, "the view model")
        model, decor = screen.model, screen.view.decor
        assert model.query == "Lachin" and model.problems == ()
        assert decor.hits == {p.n: list(p.hits) for p in model.passages if p.hits}
        assert sorted(decor.hits) == model.hit_passages != []
        assert [label for label, _ in decor.marks[10]] == ["Corridor"]
        assert sorted(decor.suggestions) == model.suggested_passages != []
        status = str(screen.query_one("#reader-status").render())
        assert "here match “Lachin”" in status or "for “Lachin” (n/N)" in status
