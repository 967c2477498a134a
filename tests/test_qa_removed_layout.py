"""Found with `x` in the reader at 80×24: the first line of a removed stretch opens
with its reason (‹boilerplate› ) but was wrapped as if it had none, so its end ran past
the text column and was cut off ("By clicking on "I accept cooki")."""

from __future__ import annotations

from conftest import app_settings

from index.library import Library
from tui.widgets.article_layout import layout, removed_label

CAUCASUS = "000_0d42f3f6a94791ae"  # a cookie banner and a recruitment footer removed


def test_removed_lines_fit_with_their_reason_and_lose_no_text(tmp_path):
    article = Library(app_settings(tmp_path)).article(CAUCASUS)
    assert article.removed
    for width in (40, 62, 78):
        laid = layout(article, width, show_removed=True)
        removed = [ln for ln in laid.lines if ln.n == 0]
        for ln in removed:
            shown = (removed_label(ln.label) if ln.first else "") + article.text[ln.start : ln.end]
            assert len(shown.rstrip()) <= width, (width, shown)
        for r in article.removed:  # every word of each stretch is on some line
            mine = [ln for ln in removed if r.start <= ln.start and ln.end <= r.end]
            words = " ".join(article.text[ln.start : ln.end] for ln in mine).split()
            assert words == article.text[r.start : r.end].split()
