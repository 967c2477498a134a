"""`dossier` on the command line. Every command takes --config (before or after it);
exit codes are 0 ok, 2 usage or config error, 1 anything else (one line, no traceback).
The reader, the default command, is imported only when it opens: the command line
shares nothing with the app but the library.

Only the module of the command given is imported (each pulls in what its commands need:
the index, the search engine, the exporters...): `dossier tag` starts in a fraction of
the time it takes to import them all. Help, and a word that is no command, import every
one (the list of commands is theirs)."""

from __future__ import annotations

import argparse
import importlib
import sys

from index.config import load_settings, require_corpus
from index.errors import DossierError

from .config import CONFIG_HELP, check_reader_keys, config_after_commands, default_config

# Command -> the module (in this package) whose register() adds it, in help order.
COMMANDS = {
    "index": "corpus",
    "search": "corpus",
    "show": "corpus",
    "add": "corpus",
    "compare": "compare",
    "tags": "tags",
    "tag": "tags",
    "untag": "tags",
    "export": "tags",
    "memo": "memos",
    "memos": "memos",
    "codebook": "codebook",
    "agree": "coverage",
    "stats": "coverage",
    "reuse": "reuse",
    "quotes": "reuse",
    "stories": "reuse",
}
_HELP = ("-h", "--help")


def command_modules(argv: list[str] | None) -> list[str]:
    """The modules to register for argv: the named command's alone; none to open the
    reader (no command); every one for help or a word that is no command."""
    words = sys.argv[1:] if argv is None else argv
    skip = False
    for word in words:
        if skip:
            skip = False
        elif word == "--config":
            skip = True  # its value is no command
        elif word in _HELP:
            break
        elif not word.startswith("-"):
            module = COMMANDS.get(word)
            return [module] if module else list(dict.fromkeys(COMMANDS.values()))
    else:
        return []
    return list(dict.fromkeys(COMMANDS.values()))


def build_parser(modules: list[str] | None = None) -> argparse.ArgumentParser:
    """The parser with the commands of `modules` (default: every command)."""
    parser = argparse.ArgumentParser(
        prog="dossier", description="Read, search, compare and tag news articles."
    )
    parser.add_argument("--config", default=default_config(), help=CONFIG_HELP)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in dict.fromkeys(COMMANDS.values()) if modules is None else modules:
        importlib.import_module(f"{__name__}.{name}").register(sub)
    config_after_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser(command_modules(argv))
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
