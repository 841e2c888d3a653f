"""The `sro` command. Subcommands live one group per module and call services only.

Bad input (an unknown option, a bad URL, a locked or damaged store) gets one clear line on
stderr and exit code 2, never a traceback.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, NoReturn

from ..domain.errors import SroError

if TYPE_CHECKING:
    from types import ModuleType

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2

COMMAND_GROUPS = (
    "db",
    "officers",
    "schools",
    "settings",
    "reference",
    "demo",
    "students",
    "incidents",
    "sealing",
    "retention",
    "audit",
    "security",
    "reports",
    "trespass",
    "calls",
    "threats",
    "search",
    "export",
    "backup",
    "keys",
)
COMMANDS = {
    "init": "db",
    "db": "db",
    "officer": "officers",
    "school": "schools",
    "settings": "settings",
    "reference": "reference",
    "seed-demo": "demo",
    "demo": "demo",
    "students": "students",
    "note": "students",
    "incident": "incidents",
    "seal": "sealing",
    "unseal": "sealing",
    "retention": "retention",
    "audit": "audit",
    "mfa": "security",
    "store": "security",
    "report": "reports",
    "trespass": "trespass",
    "call": "calls",
    "threat": "threats",
    "search": "search",
    "export": "export",
    "backup": "backup",
    "restore": "backup",
    "keys": "keys",
}
"""Each group (a module of this package) has register(subparsers), which adds its commands, in
this order in `sro --help`; a command's handler is stored as `func` and receives the parsed
arguments, returning an exit code. ``COMMANDS`` says which group adds each command: `sro X`
imports X's module only (`sro` alone, the app, imports none), so each command starts with
only what it uses (tests/test_cli_lazy.py checks the table against the groups)."""


def command_group(name: str) -> ModuleType:
    """The command module ``name`` of ``COMMAND_GROUPS``, imported now (static imports, so
    a renamed module fails the type check and the tests, never at a user's prompt)."""
    match name:
        case "db":
            from . import db

            return db
        case "officers":
            from . import officers

            return officers
        case "schools":
            from . import schools

            return schools
        case "settings":
            from . import settings

            return settings
        case "reference":
            from . import reference

            return reference
        case "demo":
            from . import demo

            return demo
        case "students":
            from . import students

            return students
        case "incidents":
            from . import incidents

            return incidents
        case "sealing":
            from . import sealing

            return sealing
        case "retention":
            from . import retention

            return retention
        case "audit":
            from . import audit

            return audit
        case "security":
            from . import security

            return security
        case "reports":
            from . import reports

            return reports
        case "trespass":
            from . import trespass

            return trespass
        case "calls":
            from . import calls

            return calls
        case "threats":
            from . import threats

            return threats
        case "search":
            from . import search

            return search
        case "export":
            from . import export

            return export
        case "backup":
            from . import backup

            return backup
        case "keys":
            from . import keys

            return keys
    raise KeyError(name)


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


def _main_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--db", metavar="PATH_OR_URL", help=DB_HELP)
    parser.add_argument("--version", action="store_true", help="print the version and exit")


def build_parser(groups: Sequence[str] = COMMAND_GROUPS) -> ArgumentParser:
    """`sro`'s parser with the commands of ``groups`` (all of them by default)."""
    parser = ArgumentParser(
        prog="sro",
        description="sro-tui: the School Resource Officer's campus log. "
        "With no command, opens the app.",
    )
    _main_options(parser)
    # Every parser made under this one is a CommandParser (argparse gives nested
    # add_subparsers the class of the parser they are added to).
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=CommandParser
    )
    for name in groups:
        command_group(name).register(subparsers)
    return parser


def groups_needed(arguments: Sequence[str]) -> Sequence[str]:
    """The command groups a parse of ``arguments`` needs: the one of the command typed, none
    for `sro` alone (the app) or `sro --version`, every group for `sro --help` or a command
    that does not exist (so the help and the error list them all).

    The command is found as `sro`'s own parser finds it (its options, abbreviations and
    ``--db=X`` included); anything that parser refuses gets every group, whose parser then
    says what is wrong."""
    if not arguments:
        return ()  # `sro` alone: the app, at once (a parser costs ~1.5 ms, issue 16)
    finder = ArgumentParser(prog="sro", add_help=False)
    _main_options(finder)
    finder.add_argument("command", nargs="?")
    try:
        found, _ = finder.parse_known_args(list(arguments))
    except CliError:
        return COMMAND_GROUPS
    if found.command is None:
        asks_help = any(arg in ("-h", "--help") for arg in arguments)
        return COMMAND_GROUPS if asks_help else ()
    group = COMMANDS.get(found.command)
    return COMMAND_GROUPS if group is None else (group,)


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


EXIT_BROKEN_PIPE = 141
"""What a shell reports for a command whose reader closed the pipe (128 + SIGPIPE)."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        from .inputs import check_argv

        arguments = list(sys.argv[1:] if argv is None else argv)
        check_argv(arguments)
        parser = build_parser(groups_needed(arguments))
        args = parser.parse_args(arguments)
        _reconcile_db(args)
        if args.version:
            print(f"sro-tui {_version()}")
            return EXIT_OK
        if args.command is None:
            from .app import run_app

            return run_app(args)
        return int(args.func(args) or EXIT_OK)
    except BrokenPipeError:
        # The reader went away (`sro incident list ... | head`): nothing more to say. Whatever
        # is still buffered goes nowhere, so the exit's flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
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
