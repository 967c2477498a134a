"""Found searching the BBC corpus (`brown`): in the results, a snippet line was wider than
the list (its scrollbar and padding were not left out), so its last word wrapped onto a
line of its own at the left edge, under nothing:

          Preston. In it he alleges that Mr Blair told Mr Brown in 2003 he would step
     the
          coming general…
"""

from __future__ import annotations

from conftest import app_settings
from helpers_tui import search
from textual.widgets import OptionList

from tui.app import DossierApp


async def test_snippet_lines_fit_the_results_list_with_its_scrollbar(tmp_path):
    app = DossierApp(app_settings(tmp_path), background_index=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await search(pilot, "Azerbaijan")
        results = app.screen.query_one("#results", OptionList)
        assert results.scrollbars_enabled[0]  # more results than the screen holds
        width = results.scrollable_content_region.width
        for i in range(results.option_count):
            option = results.get_option_at_index(i)
            if not (option.id or "").startswith("p:"):
                continue
            lines = str(option.prompt).splitlines()
            assert max(len(line) for line in lines) <= width, lines
