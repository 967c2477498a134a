"""`dossier` on the command line. Every command takes --config; exit codes are 0 ok,
2 usage or config error, 1 anything else (one line, no traceback)."""

from __future__ import annotations

import argparse
import sys

from index.config import load_settings, require_corpus
from index.errors import DossierError

from . import cli_compare, cli_corpus, cli_tags
from .keys import check_keys


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier", description="Read, search, compare and tag news articles."
    )
    parser.add_argument(
        "--config", default="config.yaml", help="path to config.yaml (default: ./config.yaml)"
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (cli_corpus, cli_compare, cli_tags):
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = load_settings(args.config)
        check_keys(settings)  # `keys:` and topic keys, for every command (tui/keys.py)
        require_corpus(settings)
        if args.command is None:
            from .launch import run_reader

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
