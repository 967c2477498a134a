"""What every command does with the config: `--config` before or after the command,
and the reader's checks of `keys:`, so that a broken one fails every command."""

from __future__ import annotations

import argparse
import os

from index.config import Settings

CONFIG_ENV = "DOSSIER_CONFIG"
CONFIG_HELP = f"path to config.yaml (default: ${CONFIG_ENV}, else ./config.yaml)"


def default_config() -> str:
    return os.environ.get(CONFIG_ENV) or "config.yaml"


def config_after_commands(sub: argparse._SubParsersAction) -> None:
    """`dossier search X --config c.yaml` as well as `dossier --config c.yaml search X`."""
    for command in sub.choices.values():
        # SUPPRESS: a --config before the command is kept unless one follows it.
        command.add_argument("--config", default=argparse.SUPPRESS, help=CONFIG_HELP)


def check_reader_keys(settings: Settings) -> None:
    """A broken `keys:` section, or a topic key that takes a reading key, is a config
    error (with its line) for every command, as it is for the reader. The checks live
    with the action registry (tui/keys.py, no Textual there)."""
    from tui.keys import check_keys

    check_keys(settings)
