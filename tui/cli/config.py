"""What every command does with the config: `--config` before or after the command,
and the reader's checks of `keys:`, so that a broken one fails every command."""

from __future__ import annotations

import argparse
import os

from index.config import Settings, line_of
from index.errors import ConfigError

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
    error for every command, as it is for the reader. The checks live with the key
    bindings (tui/keys.py) and load the app, so they run only when a key is rebound or
    a topic key is not a digit (digits are never reading keys)."""
    if not settings.keys and all(t.key.isdigit() for t in settings.topics):
        return
    from tui.keys import check_keys

    try:
        check_keys(settings)
    except ConfigError as exc:
        if exc.line is not None or not exc.key:
            raise
        raise ConfigError(exc.path, exc.reason, line_of(settings.path, exc.key), exc.key) from None
