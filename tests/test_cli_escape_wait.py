"""A lone Escape waits 50 ms for the rest of a key's sequence, not Textual's 100 (issue 16),
unless ESCDELAY in the environment says otherwise."""

from __future__ import annotations

import os
import subprocess
import sys

CHECK = (
    "import sys, sro_tui.cli\n"
    "from sro_tui.cli.app import quick_escape\n"
    "assert 'textual' not in sys.modules, 'textual imported before the wait is set'\n"
    "quick_escape()\n"
    "from textual import constants\n"
    "print(constants.ESCAPE_DELAY)\n"
)


def escape_delay(env_value: str | None) -> float:
    env = {k: v for k, v in os.environ.items() if k != "ESCDELAY"}
    if env_value is not None:
        env["ESCDELAY"] = env_value
    done = subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return float(done.stdout)


def test_escape_waits_50_ms() -> None:
    assert escape_delay(None) == 0.05


def test_escdelay_in_the_environment_decides() -> None:
    assert escape_delay("120") == 0.12
