"""dossier's faces: the command line and the Textual reader."""
