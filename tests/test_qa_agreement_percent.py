"""Found comparing two coders on the BBC corpus: "2 disagreements over 10,855 passages ·
agreement 100.0%" — the share was rounded up to a perfect agreement that was not."""

from __future__ import annotations

from dataclasses import replace

from conftest import app_settings, run_cli
from helpers_tui import until
from test_agree_tui import open_disagreements

from index.library import Library
from index.tags import TagStore
from index.text import percent
from tui.app import DossierApp

ARTICLE = "long"


async def test_agreement_short_of_perfect_is_not_shown_as_100_percent(tmp_path, capsys):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    paragraphs = [f"Paragraph {i} says the council met again on the budget." for i in range(5000)]
    (corpus / f"{ARTICLE}.txt").write_text(
        "A long report\n\n" + "\n\n".join(paragraphs) + "\n", encoding="utf-8"
    )
    settings = app_settings(tmp_path, corpus)
    lib = Library(settings)
    mine = TagStore.open(replace(settings, coder="ana"), lib)
    mine.add_passage(lib.article(ARTICLE), 1, ["border"])
    theirs = TagStore.open(replace(settings, tags_file=tmp_path / "ben.yaml", coder="ben"), lib)
    theirs.add_passage(lib.article(ARTICLE), 2, ["border"])
    app = DossierApp(settings, background_index=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await until(pilot, lambda: not app.tags.is_loading, "the tag file")
        screen = await open_disagreements(pilot, "ben.yaml")
        summary = str(screen.query_one("#agree-summary").render())
        assert "2 disagreements over 5,000 passages" in summary
        assert "agreement >99.9%" in summary
    code, out, err = run_cli(
        capsys, settings.path, "agree", str(settings.tags_file), str(tmp_path / "ben.yaml")
    )
    assert code == 0, err
    overall = next(ln for ln in out.splitlines() if ln.startswith("overall"))
    assert ">99.9%" in overall and "100.0%" not in overall, "dossier agree says the same"


def test_percent_rounds_to_a_whole_only_when_whole():
    assert [percent(x) for x in (1.0, 0.99999, 0.5, 0.00001, 0.0)] == [
        "100.0%",
        ">99.9%",
        "50.0%",
        "<0.1%",
        "0.0%",
    ]
