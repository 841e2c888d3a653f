"""The app's terminal driver (``ui/prompt_escape.py``): keys read as Textual's own driver
reads them, a lone Escape answered when its wait ends rather than at the next 100 ms wake-up
(issue 16)."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from sro_tui.ui.prompt_escape import IDLE_WAIT, SEQUENCE_POLL, input_wait, prompt_escape

KEY_LOGGER = """
import sys
from textual.app import App
from sro_tui.ui.prompt_escape import prompt_escape

LOG = open(sys.argv[1], "w", buffering=1)


class Keys(App):
    def on_mount(self):
        LOG.write("ready\\n")

    def on_key(self, event):
        LOG.write(event.key + "\\n")
        if event.key == "q":
            self.exit()


app = Keys()
app.driver_class = prompt_escape(app.driver_class)
LOG.write(app.driver_class.__name__ + "\\n")
app.run()
"""


def test_sleeps_briefly_only_while_an_escape_can_fall_due() -> None:
    delay = 0.05
    assert input_wait(10.0, float("-inf"), delay) == IDLE_WAIT  # nothing typed yet
    assert 0 < input_wait(10.0, 10.0, delay) <= SEQUENCE_POLL  # an ESC just read
    assert 0 < input_wait(10.048, 10.0, delay) <= SEQUENCE_POLL  # about to fall due
    assert input_wait(10.0 + delay + SEQUENCE_POLL, 10.0, delay) == IDLE_WAIT  # long past


def test_only_textuals_linux_driver_is_replaced() -> None:
    from textual.drivers.headless_driver import HeadlessDriver
    from textual.drivers.linux_driver import LinuxDriver

    assert prompt_escape(LinuxDriver).__name__ == "PromptEscapeDriver"
    assert prompt_escape(HeadlessDriver) is HeadlessDriver  # tests' run_test, TEXTUAL_DRIVER


def read_lines(log: Path, count: int, seconds: float = 20.0) -> list[str]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        lines = log.read_text().splitlines() if log.exists() else []
        if len(lines) >= count:
            return lines
        time.sleep(0.02)
    raise AssertionError(f"the app logged {log.read_text()!r}, expected {count} lines")


@pytest.mark.skipif(sys.platform == "win32", reason="a pseudo-terminal")
def test_keys_in_a_real_terminal(tmp_path: Path) -> None:
    """Escape alone, F4 and PageDown (ESC and more in one write), alt+x, a letter: each is
    the key it is, through the app's own driver in a pseudo-terminal."""
    log = tmp_path / "keys.log"
    main, side = pty.openpty()
    fcntl.ioctl(side, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    env = {**os.environ, "ESCDELAY": "50", "TERM": "xterm-256color"}
    env.pop("TEXTUAL_DRIVER", None)
    app = subprocess.Popen(
        [sys.executable, "-c", KEY_LOGGER, str(log)],
        stdin=side,
        stdout=side,
        stderr=side,
        env=env,
        close_fds=True,
    )
    os.close(side)
    threading.Thread(target=drain, args=(main,), daemon=True).start()  # the screen's writes
    try:
        assert read_lines(log, 2)[:2] == ["PromptEscapeDriver", "ready"]
        for keys in (b"\x1b", b"\x1bOS", b"\x1b[6~", b"\x1bx", b"a"):
            os.write(main, keys)
            time.sleep(0.2)  # each its own write, as a terminal sends them
        os.write(main, b"q")
        assert read_lines(log, 8)[2:] == ["escape", "f4", "pagedown", "alt+x", "a", "q"]
        app.wait(timeout=20)
    finally:
        if app.poll() is None:
            app.kill()
            app.wait(timeout=20)


def drain(fd: int) -> None:
    """Read what the app draws until it closes the terminal."""
    try:
        while select.select([fd], [], [], 30)[0] and os.read(fd, 65536):
            pass
    except OSError:
        pass
    finally:
        os.close(fd)
