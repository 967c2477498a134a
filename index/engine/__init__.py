"""The search engine: the one package of dossier that imports Whoosh
(tests/test_layers.py fails if any other module does).

What the rest of dossier asks of an engine, and nothing more (an external engine,
OpenSearch or an embedded tantivy, would implement the same):

Writing (index/build.py)
    create_index(dir, settings) / open_at(dir): a fresh or an existing index;
    continue_at(dir) -> (index, passages) | None: a first build that stopped midway,
    its committed parts kept (FreshWriter continues after them).
    Batch(ix, fresh, parallel, on_commit): add(article) writes its passages as
    documents with the fields below; remove(article_id); commit(progress) (progress
    phases "saving", "merging"); cancel(). IndexBusy when another process holds the
    writer. A `fresh` batch (a new, empty index) commits a part at a time, in the order
    the articles came, calling on_commit(articles, passages) after each: a search
    opened then sees those articles (and a later refresh() sees more).
    Fields of a passage document: pid (unique, stored), article (stored, sortable),
    text (stored, stemmed, positions), title (stemmed, positions), source (folded,
    positions), exact (folded, unstemmed, no positions: the words prefix and fuzzy
    words expand to, searched as their `text` stems; one posting a word in a fresh
    build's large segments),
    date (as written), tag (never stored: `tag:` is answered from the tag file).

Analysis
    normalizer(variants, stem) -> word -> normalised word: folded, spelling variants
    merged, Porter2-stemmed if `stem`. Indexing, query words, highlights, alignment and
    word diffs all compare words through it. An external engine is given words
    already normalised (one token per word), so its own analysis never decides.

Searching (index/search.py; one thread at a time, SearchEngine takes turns)
    Searcher(settings): the index as last committed; IndexUnavailable if there is none.
    .analysis: a querymodel.Analysis (how each field reads a query word) for
        index/query.py's QueryReader, which parses text into the engine-neutral
        index/querymodel.py tree: Term, Phrase, AnyOf, And, Or, Not, AndNot, AndMaybe
        (and Prefix, Wildcard, Fuzzy, Range before expansion).
    .words: the index's vocabulary (index/query.py's Lexicon protocol): has,
        doc_frequency, matching(prefix | wildcard | range), within(field, word, edits,
        prefix), near(field, word, n), searched_as(field, words) -> (field, terms) the
        words are searched as (`exact`'s as `text` stems). The query reader expands
        every pattern through it into AnyOf, with its own caps, so the engine never
        expands.
    .ranked(query, limit, fast, cap) -> ([(docnum, score)] best first, hits per
        article, complete): BM25F scores; every match counted per article in the same
        pass; with `cap` (search as one types) a word in more passages than that is
        ranked and counted among its first `cap` (complete False). QueryError if the
        engine refuses a query when it runs.
    .passage(docnum) -> (pid, article id, text); .matching_pids(query, article_id);
    .articles_of_docs(); .open_segments() (warm-up); .passage_count;
    .refresh() -> bool (a newer commit); .normalizer(field);
    .word_matcher(field, words) -> word -> bool (for highlights);
    .close().
    Word tables for fuzzy lookups and prefixes, with each word's count across the
    index and the segments holding it (an OR of many words is counted and looked up
    from them): unbuilt_table(field) (what the table is made of, read from the index)
    and .generation, then keep_table(field, build(), generation), so the slow build
    runs without holding the engine (a table of an older commit is dropped).

Modules: writer (schema, opening, Batch), analysis (Whoosh analyzers and fields),
queries (query tree -> Whoosh; the vocabulary), searcher, fastpath (an OR, an AND or a
phrase scored straight from postings), wordscores (one word's scores, kept), combined
(several words' scores summed, the best picked), articlecounts (hits per article), private
(every use of Whoosh's private attributes, guarded by tests/test_whoosh_private.py),
termtable (words within an edit distance, each field's word counts).
"""

from .analysis import normalizer
from .articlecounts import ArticleCounts
from .searcher import Searcher
from .writer import (
    Batch,
    Progress,
    continue_at,
    create_index,
    make_schema,
    open_at,
    open_index,
)

__all__ = [
    "ArticleCounts",
    "Batch",
    "Progress",
    "Searcher",
    "continue_at",
    "create_index",
    "make_schema",
    "normalizer",
    "open_at",
    "open_index",
]
