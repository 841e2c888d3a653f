"""The `sro` command. Subcommands live one group per module and call services only.

Bad input (an unknown option, a bad URL, a locked or damaged store) gets one clear line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import Any, NoReturn

from ..domain.errors import SroError
from . import (
    audit,
    backup,
    calls,
    db,
    demo,
    export,
    incidents,
    keys,
    officers,
    reference,
    reports,
    retention,
    schools,
    sealing,
    search,
    security,
    settings,
    students,
    trespass,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

COMMAND_GROUPS = (
    db,
    officers,
    schools,
    settings,
    reference,
    demo,
    students,
    incidents,
    sealing,
    retention,
    audit,
    security,
    reports,
    trespass,
    calls,
    search,
    export,
    backup,
    keys,
)
"""Each group's register(subparsers) adds its commands, in this order in `sro --help`; a
command's handler is stored as `func` and receives the parsed arguments, returning an exit
code."""


class CliError(SroError):
    """A problem with what was typed on the command line."""


DB_HELP = (
    "the store: a SQLite file path or a SQLAlchemy URL "
    "(default: $SRO_DATABASE_URL, else a file in the user data folder)"
)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line instead of a usage block."""

    def error(self, message: str) -> NoReturn:
        raise CliError(f"{message} (see `{self.prog} --help`)")


class CommandParser(ArgumentParser):
    """The parser of a command (and of its actions): takes ``--db`` after the command too,
    as ``sro officer list --db X``. Stored apart (``db_after``) and reconciled in main."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.add_argument(
            "--db", dest="db_after", metavar="PATH_OR_URL", default=argparse.SUPPRESS, help=DB_HELP
        )


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="sro",
        description="sro-tui: the School Resource Officer's campus log. "
        "With no command, opens the app.",
    )
    parser.add_argument("--db", metavar="PATH_OR_URL", help=DB_HELP)
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    # Every parser made under this one is a CommandParser (argparse gives nested
    # add_subparsers the class of the parser they are added to).
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=CommandParser
    )
    for group in COMMAND_GROUPS:
        group.register(subparsers)
    return parser


def _version() -> str:
    """The installed package's version (a source tree that was never installed says so)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sro-tui")
    except PackageNotFoundError:
        return "(not installed)"


def _reconcile_db(args: argparse.Namespace) -> None:
    """``--db`` before and after the command name the same store, or only one is given; an
    empty one is refused (not taken as "the default store")."""
    after = getattr(args, "db_after", None)
    if after is not None:
        del args.db_after
        if args.db is not None and args.db != after:
            raise CliError(
                f"--db is given twice with different stores ({args.db!r} and {after!r}); give one"
            )
        args.db = after
    if args.db is not None and not args.db.strip():
        raise CliError("--db needs a SQLite file path or a database URL, not an empty value")


def _one_line(message: str) -> str:
    """An error message as one safe line: line breaks, escape sequences and other control
    characters (from what was typed, or a file name) are shown escaped, never acted on."""
    return "".join(
        ch if ch.isprintable() or ch == " " else ascii(ch)[1:-1] for ch in message
    ).strip()


def _fail(message: str) -> int:
    print(f"sro: {_one_line(message)}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from .inputs import check_argv

        arguments = list(sys.argv[1:] if argv is None else argv)
        check_argv(arguments)
        parser = build_parser()
        args = parser.parse_args(arguments)
        _reconcile_db(args)
        if args.version:
            print(f"sro-tui {_version()}")
            return EXIT_OK
        if args.command is None:
            from .app import run_app

            return run_app(args)
        return int(args.func(args) or EXIT_OK)
    except SroError as exc:
        return _fail(str(exc))
    except KeyboardInterrupt:
        print("sro: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        from .common import unexpected_message

        message = unexpected_message(exc)
        if message is None:
            raise
        return _fail(message)


if __name__ == "__main__":
    sys.exit(main())
