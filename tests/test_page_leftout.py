"""`x` on a web page: what extraction left out of it (menus, link lists, footers), read
again from the saved page, in page order; the article's own text is not listed; a page
that cannot be read again says so; hostile page text never reaches the terminal raw."""

from __future__ import annotations

from conftest import app_settings, write_files
from helpers_tui import H, W, until
from test_extract import FILLER, STRUCTURED, page, read
from textual.widgets import Static

from index.library import Library
from index.page_leftout import left_out, page_blocks
from tui.app import DossierApp
from tui.screens.reader import ReaderScreen


def test_menus_and_footer_are_listed_the_article_is_not(make_corpus):
    settings = make_corpus({"talks.html": page(STRUCTURED)})
    article = read(settings, "talks.html")
    found = left_out(article.path, article.text)
    assert found.error is None
    assert "Home" in found.blocks and "Sport" in found.blocks
    assert any("All rights reserved" in b for b in found.blocks)
    assert not any(FILLER[:40] in b for b in found.blocks), "the article's own text"
    assert not any("Delimitation of the northern" in b for b in found.blocks)


def test_blocks_follow_the_page_and_skip_scripts(tmp_path):
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body>"
        "<div>one <b>bold</b> line<p>two</p>three</div><script>var x=1</script>"
        "<!-- a comment --><ul><li>four</li></ul></body></html>"
    )
    assert page_blocks(html) == ["one bold line", "two", "three", "four"]


def test_a_page_gone_since_indexing_is_said(make_corpus):
    settings = make_corpus({"talks.html": page(STRUCTURED)})
    article = read(settings, "talks.html")
    (settings.corpus / "talks.html").unlink()
    found = left_out(article.path, article.text)
    assert found.blocks == [] and "could not be read again" in found.error


async def test_x_on_a_web_page_shows_what_extraction_left_out(tmp_path):
    corpus = tmp_path / "corpus"
    hostile = "<nav><p>Menu \x1b[31mred\x1b[0m [bold]not markup[/bold]</p></nav>"
    write_files(corpus, {"talks.html": page(STRUCTURED).replace("<nav>", hostile + "<nav>")})
    settings = app_settings(tmp_path, corpus)
    aid = next(iter(Library(settings).infos))
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.open_article(aid, 1)
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        screen = app.screen
        box = screen.query_one("#reader-leftout")
        assert not box.display
        await pilot.press("x")
        shown = lambda: str(box.query_one(Static).render())  # noqa: E731
        await until(pilot, lambda: "Left out by extraction" in shown(), "the left-out text")
        assert box.display
        assert "✂ Sport" in shown() and "All rights reserved" in shown()
        assert "[bold]not markup[/bold]" in shown() and "\x1b" not in shown()
        await pilot.press("x")
        assert not box.display


async def test_x_on_a_text_file_shows_no_page_panel(tmp_path):
    settings = app_settings(tmp_path)
    aid = sorted(Library(settings).infos)[0]
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(W, H)) as pilot:
        app.open_article(aid, 1)
        await until(pilot, lambda: isinstance(app.screen, ReaderScreen), "the reader")
        await pilot.press("x")
        assert not app.screen.query_one("#reader-leftout").display
