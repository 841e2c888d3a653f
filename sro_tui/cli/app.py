"""`sro` with no command: open the TUI on the chosen store."""

from __future__ import annotations

import argparse

from .common import settings_from


def run_app(args: argparse.Namespace) -> int:
    from ..ui.app import run

    return run(settings_from(args))
