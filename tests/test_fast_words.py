"""The query reader's words of a text (and the headline table, built from every title)
come from a fast path that skips Whoosh's token objects: it must give exactly what the
fields' analyzers give, or a search would miss what the index holds."""

from __future__ import annotations

from conftest import ARTICLES, settings_for

from index.engine import make_schema
from index.engine.analysis import fast_words

TEXTS = [
    "José Manuel Barroso’s “constructive” U.S. talks: 3.5% rise, it's 1,000,000",
    "ǅemal and the Ǆ ligature; ﬁnance ½ Ⅻ ﬀ İstanbul ß Łódź Øresund",
    "Nagorno-Karabakh / Lachin corridor — Azerbaijan’s and Armenia's e.g. U.N.",
    "   ",
    "the the THE The",
]


def test_fast_words_are_the_analyzers_words(tmp_path):
    settings = settings_for(ARTICLES, tmp_path)  # the project's spelling variants
    assert settings.variants
    schema = make_schema(settings)
    texts = TEXTS + [p.read_text(encoding="utf-8") for p in sorted(ARTICLES.glob("*"))]
    checked = 0
    for name in schema.names():
        quick = fast_words(schema[name])
        if quick is None:
            continue
        for text in texts:
            assert quick(text) == [t.text for t in schema[name].analyzer(text, mode="query")]
            checked += 1
    assert checked >= 4 * len(texts)  # text, exact, title and source read fast
    assert fast_words(schema["date"]) is None  # any other analyzer: Whoosh's own path
