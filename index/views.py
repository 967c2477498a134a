"""What a face draws for one article, as plain data: each passage with its tag marks,
span highlights, suggestion marks and the query's hit spans. Built off the UI thread
(it asks the store, and the engine for hits and suggestions); the faces only paint it.

Layers: this sits above search and tags and below the faces (it imports no Textual)."""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import DossierError
from .library import Library
from .model import Article
from .suggestions import suggestions
from .tags import TagStore
from .tags.marks import Mark, article_marks, suggestion_marks

Span = tuple[int, int]  # offsets inside the passage


@dataclass(frozen=True, slots=True)
class PassageView:
    n: int
    text: str
    marks: tuple[Mark, ...] = ()  # topics tagged here (label, colour)
    spans: tuple[tuple[int, int, str], ...] = ()  # span tags inside it (start, end, colour)
    suggested: tuple[Mark, ...] = ()  # topics whose query matches, not yet tagged
    hits: tuple[Span, ...] = ()  # the query's words


@dataclass(frozen=True, slots=True)
class ArticleViewModel:
    article_id: str
    title: str
    query: str
    passages: tuple[PassageView, ...]
    problems: tuple[str, ...] = field(default=())  # what could not be computed, and why

    def passage(self, n: int) -> PassageView:
        return self.passages[n - 1]

    @property
    def hit_passages(self) -> list[int]:
        return [p.n for p in self.passages if p.hits]

    @property
    def suggested_passages(self) -> list[int]:
        return [p.n for p in self.passages if p.suggested]


def article_view(
    article: Article, library: Library, store: TagStore, query: str = ""
) -> ArticleViewModel:
    """The view model of `article` with `query`'s hits. A failing engine call (no index
    yet, a bad query) leaves that layer empty and says why in `problems`."""
    problems: list[str] = []
    tagged = article_marks(store, article)
    sugg: dict[int, list[Mark]] = {}
    hits: dict[int, list[Span]] = {}
    if not store.read_only:
        try:
            sugg = suggestion_marks(store, suggestions(article, library.engine, store))
        except DossierError as exc:
            problems.append(f"suggestions: {exc.message}")
    try:
        hits = library.hits_in(article, query, None if store.read_only else store.lookup)
    except DossierError as exc:
        problems.append(f"hits: {exc.message}")
    passages = tuple(
        PassageView(
            p.n,
            p.text,
            tuple(tagged.marks.get(p.n, ())),
            tuple(tagged.spans.get(p.n, ())),
            tuple(sugg.get(p.n, ())),
            tuple(hits.get(p.n, ())),
        )
        for p in article.passages
    )
    return ArticleViewModel(article.id, article.title, query, passages, tuple(problems))
