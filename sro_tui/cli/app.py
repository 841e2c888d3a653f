"""`sro` with no command: open the TUI on the chosen store (in a terminal only)."""

from __future__ import annotations

import argparse
import sys

from ..config import Settings
from ..domain.errors import SroError
from .common import settings_from
from .inputs import is_terminal as _is_terminal

NO_TERMINAL = "The app needs a terminal; run a command (sro --help) or run it in a terminal"


def require_terminal() -> None:
    """Refuse, before any work, to draw the app into a pipe or a file, or to wait for keys
    from one: `sro` in a script, cron or `sro | less`."""
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        raise SroError(NO_TERMINAL)


def open_app(settings: Settings) -> int:
    require_terminal()
    from ..ui.app import run

    return run(settings)


def run_app(args: argparse.Namespace) -> int:
    require_terminal()
    return open_app(settings_from(args))
