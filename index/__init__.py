"""dossier's library: corpus, passages, the Whoosh index, search, alignment and tags.

Nothing here imports Textual; faces (the CLI and the TUI) call these functions.
"""
