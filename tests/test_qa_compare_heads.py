"""Found comparing a BBC-corpus pair in compare (`c`): a title that takes two lines on
one side and one on the other started that side's text a line lower, so passages
reported alike, scrolled level by sync, stood a line apart."""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import settle, until

from tui.app import DossierApp
from tui.screens.compare import CompareScreen

SHORT_TITLE = "002_e536400ab8bce265"  # Peace Deal ‘Within Reach’ in Armenia-Azerbaijan Talks
LONG_TITLE = "004_bd0bc0e79d4348b1"  # US points to “significant progress” in … (94 chars)


async def test_both_columns_start_their_text_on_the_same_line(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        left, right = app.library.article(SHORT_TITLE), app.library.article(LONG_TITLE)
        app.push_screen(CompareScreen(left, right, 1))
        await until(pilot, lambda: isinstance(app.screen, CompareScreen), "compare")
        await settle(pilot)
        screen = app.screen
        titles = [screen.query_one(f"#title-{side}") for side in ("left", "right")]
        views = screen.all_views()
        assert views[0].region.y == views[1].region.y
        # and the long title is not cut to nothing: it shows its first words
        assert "US points to" in str(titles[1].render())
