"""The search engine: the one package of dossier that imports Whoosh.

Modules: `writer` (schema, creating/opening an index, the build's `Batch`), `analysis`
(the Whoosh analyzers and fields), `fastpath` (scoring straight from postings),
`private` (every use of Whoosh's private attributes), `termtable` (words within an
edit distance).
"""

from .writer import Batch, Progress, create_index, make_schema, open_at, open_index

__all__ = ["Batch", "Progress", "create_index", "make_schema", "open_at", "open_index"]
