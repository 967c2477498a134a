"""Tags: topics from the codebook on passages and spans, with notes, kept in the user's
tag file. model.py says what a tag and a change are; store.py keeps the file (lock,
operations, undo); evidence.py makes the rows the Tags screen and exports show;
exporters.py writes them (one registry of formats); marks.py is what a view of one
article draws. The file itself is tagfile.py, re-anchoring anchoring.py.

This package sits below search: it never imports the engine or the Library. Suggestions,
which need the engine, are in index/suggestions.py.
"""

from ..anchoring import EXACT, FUZZY, MOVED, ORPHANED
from .model import Anchored, Memo, TagEntry, TagError, TagNotSaved, new_id, now_iso
from .store import ArticleSource, Change, TagDiff, TagStore

__all__ = [
    "EXACT",
    "FUZZY",
    "MOVED",
    "ORPHANED",
    "Anchored",
    "ArticleSource",
    "Change",
    "Memo",
    "TagDiff",
    "TagEntry",
    "TagError",
    "TagNotSaved",
    "TagStore",
    "new_id",
    "now_iso",
]
