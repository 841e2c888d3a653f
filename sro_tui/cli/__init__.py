"""The `sro` command. Subcommands live one group per module and call services only.

Bad input (an unknown option, a bad URL, a locked or damaged store) gets one clear line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import import_module
from typing import NoReturn

from ..domain.errors import SroError

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

# Each module has register(subparsers) adding its commands; a command's handler is
# stored as `func` and receives the parsed arguments, returning an exit code.
COMMAND_MODULES = (
    "db",
    "officers",
    "demo",
    "students",
    "incidents",
    "audit",
    "security",
    "reports",
    "search",
    "export",
    "backup",
)


class CliError(SroError):
    """A problem with what was typed on the command line."""


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of a usage block."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see `{self.prog} --help`)")


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="sro",
        description="sro-tui: the School Resource Officer's campus log. "
        "With no command, opens the app.",
    )
    parser.add_argument(
        "--db",
        metavar="PATH_OR_URL",
        help="the store: a SQLite file path or a SQLAlchemy URL "
        "(default: $SRO_DATABASE_URL, else a file in the user data folder)",
    )
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=ArgumentParser
    )
    for name in COMMAND_MODULES:
        try:
            module = import_module(f"{__name__}.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{name}":
                continue  # a command group not built yet
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            from .app import run_app

            return run_app(args)
        return int(args.func(args) or EXIT_OK)
    except SroError as exc:
        print(f"sro: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("sro: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from .common import unexpected_message

        message = unexpected_message(exc)
        if message is None:
            raise
        print(f"sro: {message}", file=sys.stderr)
        return EXIT_USAGE


if __name__ == "__main__":
    sys.exit(main())
