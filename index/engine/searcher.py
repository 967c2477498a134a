"""An open Whoosh index as index/search.py uses it: parsed queries in, document numbers,
scores, counts per article and stored passages out. Not safe to share between threads
by itself: SearchEngine takes turns for it."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from whoosh import query as wq

from .. import querymodel as qm
from ..errors import QueryError
from ..querymodel import Analysis
from .articlecounts import ArticleCounts, DocArticles
from .fastpath import CountingCollector, flat_search
from .private import column_texts
from .queries import IndexWords, analysis_of, to_whoosh, word_matcher
from .termtable import TermTable, table_source
from .wordscores import FastBM25F, ScoreCache
from .writer import make_schema, open_index

if TYPE_CHECKING:
    from ..config import Settings

# (docnum, score) best first; hits per article; whether every match was read
Ranked = tuple[list[tuple[int, float]], ArticleCounts, bool]


class Searcher:
    """The index as last committed, and what is read once per commit: the article of
    every document, field lengths, the word tables of fuzzy lookups."""

    def __init__(self, settings: Settings):
        self.schema = make_schema(settings)
        self.analysis: Analysis = analysis_of(self.schema)
        self._settings = settings
        self._ix = open_index(settings)  # IndexUnavailable when there is none
        self._searcher = self._ix.searcher(weighting=FastBM25F())
        self._forget()

    def _forget(self) -> None:
        self.generation = getattr(self, "generation", 0) + 1  # which commit is open
        self._doc_article: DocArticles | None = None
        self._tables: dict[str, TermTable] = {}
        self._scores = ScoreCache(self._tables)

    @property
    def passage_count(self) -> int:
        return self._searcher.doc_count()

    def refresh(self) -> bool:
        """Pick up a newer commit. True if there was one; raises when the files of this
        index are gone (the caller opens the index afresh)."""
        if self._searcher.up_to_date():
            return False
        # Opened afresh: Whoosh's searcher.refresh() keeps a reused segment's old
        # deletions, so passages removed by the update were still found.
        ix = open_index(self._settings)
        self._searcher.close()
        self._ix, self._searcher = ix, ix.searcher(weighting=FastBM25F())
        self._forget()
        return True

    def close(self) -> None:
        self._searcher.close()

    def normalizer(self, field: str) -> Callable[[str], str]:
        """One word as `field` indexes it."""
        return self.schema[field].analyzer[-1].normalize

    def word_matcher(self, field: str, wanted: set[str]) -> Callable[[str], bool]:
        """Whether a word, as `field` indexes it, is one of `wanted` (for highlights)."""
        return word_matcher(self.schema[field].analyzer[-1], wanted)

    @property
    def words(self) -> IndexWords:
        """The index's words, for expanding patterns and suggesting spellings."""
        return IndexWords(self._searcher.reader(), self._tables)

    def unbuilt_table(self, field: str) -> Callable[..., TermTable] | None:
        """What the word table of `field` is made of, if it is not built yet; calling it
        builds the table (a while: do it without holding the engine, then
        `keep_table`)."""
        if field in self._tables or field not in self.schema:
            return None
        return table_source(self._searcher.reader(), field)

    def keep_table(self, field: str, table: TermTable, built_for: int | None = None) -> None:
        """Keep a word table built from `unbuilt_table` (`built_for`: the `generation`
        it was read in; a table of an older commit is dropped, else a prefix would
        expand to the words of the older commit)."""
        if built_for is None or built_for == self.generation:
            self._tables.setdefault(field, table)

    def articles_of_docs(self) -> DocArticles:
        """The article of every document number, read once per commit from the `article`
        column. Iterated per segment: a multi-segment column reader has no usable len()
        in Whoosh 2.7.5."""
        if self._doc_article is None:
            reader = self._searcher.reader()
            ids: dict[str, str] = {}
            seen: dict[bytes, str] = {}
            out: list[str] = []
            for sub, _offset in reader.leaf_readers():
                if not sub.doc_count_all():  # an empty index has no columns
                    continue
                col = column_texts(sub, "article", seen)
                if col is None:
                    col = (ids.setdefault(a, a) for a in sub.column_reader("article"))
                out.extend(col)
            self._doc_article = DocArticles(out)
        return self._doc_article

    def open_segments(self) -> None:
        """Read what Whoosh or the fast path reads whole at a segment's first use: where
        its stored passages are (~30 ms a segment at 50k articles) and the lengths of
        the fields words are scored in (a list per segment and field, and one of the
        whole index), so that the first queries do not pay for them."""
        weighting = self._searcher.weighting
        for sub, _offset in self._searcher.reader().leaf_readers():
            if sub.doc_count_all():
                sub.stored_fields(0)
                for name in ("text", "exact"):
                    if name in self.schema:
                        weighting.lengths_of(sub, name)
        for name in ("text", "exact"):
            if name in self.schema:
                weighting.all_lengths(self._searcher, name)

    def ranked(self, q: qm.Query, limit: int, fast: bool = True, cap: int | None = None) -> Ranked:
        """The best `limit` passages and every match counted per article (`fast`: plain
        terms scored straight from the postings; `cap`: a word in more passages than
        that is read only that far). Raises QueryError for a query Whoosh refuses only
        when it runs."""
        wq_query = to_whoosh(q)
        doc_article = self.articles_of_docs()
        s = self._searcher
        ranked = flat_search(s, wq_query, limit, doc_article, self._scores, cap) if fast else None
        if ranked is not None:
            return ranked
        collector = CountingCollector(limit, doc_article)
        try:
            s.search_with_collector(wq_query, collector)
        except wq.QueryError as exc:
            raise QueryError(str(exc)) from None
        return [(hit.docnum, hit.score) for hit in collector.results()], collector.counts, True

    def passage(self, docnum: int) -> tuple[str, str, str]:
        """(passage id, article id, text) of a document."""
        stored = self._searcher.stored_fields(docnum)
        return stored["pid"], stored["article"], stored.get("text", "")

    def matching_pids(self, q: qm.Query, article_id: str | None = None) -> set[str]:
        """Ids of every passage the query matches (unranked), optionally in one article."""
        wq_query = to_whoosh(q)
        if article_id is not None:
            wq_query = wq.And([wq_query, wq.Term("article", article_id)])
        s = self._searcher
        try:
            return {s.stored_fields(d)["pid"] for d in wq_query.docs(s)}
        except wq.QueryError:
            return set()
