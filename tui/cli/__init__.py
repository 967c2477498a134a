"""`dossier` on the command line. Every command takes --config (before or after it);
exit codes are 0 ok, 2 usage or config error, 1 anything else (one line, no traceback).
The reader, the default command, is imported only when it opens: the command line
shares nothing with the app but the library."""

from __future__ import annotations

import argparse
import sys

from index.config import load_settings, require_corpus
from index.errors import DossierError

from . import codebook, compare, corpus, coverage, memos, reuse, tags
from .config import CONFIG_HELP, check_reader_keys, config_after_commands, default_config


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dossier", description="Read, search, compare and tag news articles."
    )
    parser.add_argument("--config", default=default_config(), help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module in (corpus, compare, tags, memos, codebook, coverage, reuse):
        module.register(sub)
    config_after_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "intermixed", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    if extra:  # words after an option (`memo ARTICLE --topic T TEXT`)
        args.words = [*args.words, *extra]
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
