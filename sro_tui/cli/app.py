"""`sro` with no command: open the TUI on the chosen store (in a terminal only)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from dataclasses import replace

from ..config import Settings
from ..domain.errors import SroError
from .inputs import is_terminal as _is_terminal

NO_TERMINAL = "The app needs a terminal; run a command (sro --help) or run it in a terminal"


def require_terminal() -> None:
    """Refuse, before any work, to draw the app into a pipe or a file, or to wait for keys
    from one: `sro` in a script, cron or `sro | less`."""
    if not (_is_terminal(sys.stdin) and _is_terminal(sys.stdout)):
        raise SroError(NO_TERMINAL)


ESCAPE_WAIT_MS = "50"
"""How long a lone ESC waits for the rest of a key's escape sequence before it counts as
Escape ("back" in every screen). Textual's default is 100 ms; a terminal sends a key's
sequence in one write, locally and over SSH (tmux 3.5 waits 10 ms). ESCDELAY set in the
environment still decides. Textual reads it once, when first imported; the app's driver
(``ui/prompt_escape.py``) answers Escape when this wait ends (issue 16)."""


def quick_escape() -> None:
    """Escape's wait, set before Textual is imported."""
    os.environ.setdefault("ESCDELAY", ESCAPE_WAIT_MS)


def open_app(settings: Settings) -> int:
    require_terminal()
    quick_escape()
    from ..ui.app import run

    return run(settings)


def app_settings(args: argparse.Namespace) -> Settings:
    """The settings (``settings_from``'s), without importing what the other commands need
    (``cli.common``: the officer records, pydantic) while they are valid: `sro` draws the
    sign-in screen sooner (issue 16)."""
    try:
        settings = Settings()
    except ValueError:  # a bad SRO_* value: settings_from names it, in one line
        from .common import settings_from

        return settings_from(args)
    if getattr(args, "db", None):
        settings = replace(settings, database_url=args.db)
    return settings


def run_app(args: argparse.Namespace) -> int:
    require_terminal()
    # No garbage collection until the sign-in screen is drawn (the app turns it back on):
    # the start-up makes some 70,000 objects, nearly all kept, and the collections they set
    # off, a full one among them, took about 25 ms before the first frame (issue 16).
    gc.disable()
    try:
        return open_app(app_settings(args))
    finally:
        gc.enable()
