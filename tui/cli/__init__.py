"""`dossier` on the command line. Every command takes --config, before or after the
command; exit codes are 0 ok, 2 usage or config error, 1 anything else (one line, no
traceback). The reader (the default command) is imported only when it is opened: the
command line shares nothing with the app but the library."""

from __future__ import annotations

import argparse
import os
import sys

from index.config import Settings, line_of, load_settings, require_corpus
from index.errors import ConfigError, DossierError

from . import compare, corpus, tags

CONFIG_ENV = "DOSSIER_CONFIG"
CONFIG_HELP = f"path to config.yaml (default: ${CONFIG_ENV}, else ./config.yaml)"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier", description="Read, search, compare and tag news articles."
    )
    parser.add_argument(
        "--config", default=os.environ.get(CONFIG_ENV) or "config.yaml", help=CONFIG_HELP
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (corpus, compare, tags):
        module.register(sub)
    for command in sub.choices.values():
        # SUPPRESS: a --config before the command is kept unless one follows it.
        command.add_argument("--config", default=argparse.SUPPRESS, help=CONFIG_HELP)
    return parser


def check_reader_keys(settings: Settings) -> None:
    """A broken `keys:` section, or a topic key that shadows a reader key, is a config
    error for every command, as it is for the reader. The checks live with the bindings
    (tui/keys.py) and load the app, so they run only when a key is rebound or a topic
    key is not a digit (digits are never reading keys)."""
    if not settings.keys and all(t.key.isdigit() for t in settings.topics):
        return
    from tui.keys import check_keys

    try:
        check_keys(settings)
    except ConfigError as exc:
        if exc.line is not None or not exc.key:
            raise
        raise ConfigError(exc.path, exc.reason, line_of(settings.path, exc.key), exc.key) from None


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        require_corpus(settings)
        check_reader_keys(settings)
        if args.command is None:
            from ..launch import run_reader

            return run_reader(settings)
        return args.run(settings, args) or 0
    except DossierError as exc:
        print(f"dossier: {exc.message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("dossier: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # one clear line, never a traceback
        print(f"dossier: unexpected error: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
