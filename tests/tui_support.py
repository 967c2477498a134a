"""Building apps over small corpora for Pilot tests."""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

from index.config import Settings, load_settings
from index.engine import update_index

REPO = Path(__file__).resolve().parents[1]


def settings_for(tmp: Path, corpus: Path | None = None) -> Settings:
    """The bundled config with the index and tag file in tmp, the index built."""
    base = load_settings(REPO / "config.yaml")
    cfg = tmp / "config.yaml"
    shutil.copy(REPO / "config.yaml", cfg)
    s = dataclasses.replace(
        base,
        path=cfg,
        corpus=corpus or base.corpus,
        index_dir=tmp / "index",
        tags_file=tmp / "tags.yaml",
    )
    text = cfg.read_text(encoding="utf-8")
    text = text.replace("corpus: articles", f"corpus: {s.corpus}")
    text = text.replace("index: .dossier-cache/index", f"index: {s.index_dir}")
    text = text.replace("tags: tags.yaml", f"tags: {s.tags_file}")
    cfg.write_text(text, encoding="utf-8")
    update_index(s)
    return s
