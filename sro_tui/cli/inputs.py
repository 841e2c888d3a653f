"""What was typed, checked before it is used: argparse types for days, ids, counts and
incident numbers, one line of standard input read as UTF-8, and the arguments themselves.

An argparse type raises ArgumentTypeError; the parser reports it as
``argument --until: ...`` (naming the option) in one line with exit code 2.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date

from ..domain.errors import SroError
from ..domain.limits import DATE_RANGE_TEXT, MAX_RECORD_ID, day_in_range

MAX_STDIN_LINE = 64 * 1024  # a password, passphrase or code; far more is a mistaken file
MAX_NUMBER_DIGITS = 30  # before int(): no 5,000-digit conversions


def _shown(text: str, width: int = 40) -> str:
    """A typed value inside a message: quoted, escaped (one line, no terminal codes), short."""
    shown = text if len(text) <= width else text[:width] + "…"
    return repr(shown)


def day(text: str) -> date:
    """A calendar day, YYYY-MM-DD, within the years sro-tui accepts."""
    try:
        value = date.fromisoformat(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"needs a date like 2026-09-14, not {_shown(text)}"
        ) from None
    if not day_in_range(value):
        raise argparse.ArgumentTypeError(
            f"{value.isoformat()} is outside the dates sro-tui accepts ({DATE_RANGE_TEXT})"
        )
    return value


def whole_number(low: int, high: int, what: str = "") -> Callable[[str], int]:
    """An argparse type: a whole number from ``low`` to ``high``."""

    def parse(text: str) -> int:
        digits = text.strip()
        try:
            if len(digits) > MAX_NUMBER_DIGITS:
                raise ValueError(digits)
            value = int(digits)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"needs a whole number{what}, not {_shown(text)}"
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                f"must be {low:,} to {high:,}{what}, not {_shown(text)}"
            )
        return value

    parse.__name__ = "whole number"
    return parse


record_id = whole_number(1, MAX_RECORD_ID, " (a record id)")


def incident_number(text: str) -> str:
    """An agency incident number such as SRO-2026-000123 (letters, digits and dashes)."""
    from ..domain.incidents import INCIDENT_NUMBER_PATTERN  # not at import: `sro` draws sooner

    value = text.strip().upper()
    if not INCIDENT_NUMBER_PATTERN.match(value):
        raise argparse.ArgumentTypeError(
            f"needs an incident number like SRO-2026-000123, not {_shown(text)}"
        )
    return value


# --- the arguments and standard input ---------------------------------------------------------


def is_terminal(stream: object) -> bool:
    """Whether ``stream`` (sys.stdin, sys.stdout) is a terminal; False when it is missing,
    closed or not a real stream."""
    isatty = getattr(stream, "isatty", None)
    try:
        return bool(isatty is not None and isatty())
    except (ValueError, OSError):
        return False


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def check_argv(argv: Sequence[str]) -> None:
    """Refuse arguments that are not text: bytes that are not UTF-8 reach Python's argv as
    lone surrogates, which neither store nor standard output can take."""
    for position, value in enumerate(argv, start=1):
        if _has_surrogate(value):
            shown = value.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
            raise SroError(
                f"Argument {position} ({_shown(shown)}) is not UTF-8 text: retype it, "
                "or rename the file"
            )


def read_stdin_line(what: str) -> str:
    """One line of standard input without its line ending: the raw bytes decoded strictly as
    UTF-8 (the text layer may be in another encoding, or let bad bytes through as
    surrogates). ``what`` names the value in the refusal ("the password")."""
    stream = sys.stdin
    if stream is None:
        raise SroError(f"No standard input to read {what} from")
    buffer = getattr(stream, "buffer", None)
    try:
        if buffer is not None:
            raw = buffer.readline(MAX_STDIN_LINE + 1)
            line = raw.decode("utf-8") if isinstance(raw, bytes) else str(raw)
        else:
            line = stream.readline(MAX_STDIN_LINE + 1)
    except UnicodeDecodeError:
        raise SroError(f"{what.capitalize()} on standard input is not UTF-8 text") from None
    if len(line) > MAX_STDIN_LINE:
        raise SroError(f"{what.capitalize()} on standard input is too long")
    if _has_surrogate(line):
        raise SroError(f"{what.capitalize()} on standard input is not UTF-8 text")
    if "\x00" in line:
        raise SroError(f"{what.capitalize()} on standard input holds a NUL character")
    return line.rstrip("\r\n")


def prompted(ask: Callable[[str], str], prompt: str, what: str) -> str:
    """``getpass.getpass(prompt)`` or ``input(prompt)``, refusing what is not UTF-8 text."""
    try:
        value = ask(prompt)
    except UnicodeDecodeError:
        raise SroError(f"{what.capitalize()} typed is not UTF-8 text") from None
    except EOFError:
        raise SroError(f"No {what.removeprefix('the ')} given (end of input)") from None
    if _has_surrogate(value):
        raise SroError(f"{what.capitalize()} typed is not UTF-8 text")
    return value
