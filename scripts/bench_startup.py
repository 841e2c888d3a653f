"""How long `sro` takes to draw the sign-in screen, beside an empty Textual app (issue 16).

Each run starts a process in a real pseudo-terminal (the app's own Linux driver, 80x24, the
size set before the program starts, as a terminal window's is: no resize to answer) and
times from the start of the process to the first time the screen's last line is written (the
sign-in screen's footer; the empty app's one docked line): its first full frame, since the
compositor writes the screen top to bottom. The two run interleaved, in pairs, so a busy
moment on a shared machine falls on both; the figures are medians of the pairs.

    .venv/bin/python scripts/bench_startup.py [--pairs 10] [--db PATH] [--json]

Without ``--db`` the sign-in screen opens on a new SQLite store in a temporary folder (the
store opens behind the screen, in a worker, so its size does not change the first frame).
Prints each median, the ratio (budget: 1.2) and the import time of the app's modules.

Both start from compiled modules: pip compiled Textual's when it installed it, so the tree
measured (``sro_tui``) is byte-compiled first (``compileall``), as an installed copy is and as
a source tree is after its first run, unless PYTHONDONTWRITEBYTECODE is set, as it is on some
machines; then every start would compile the app's modules, 14 ms here. ``--no-compile``
measures a tree as it is. In the same way the app keeps the CSS it parsed in this user's
cache folder (``ui/parsed_css.py``): the first run, the one that makes the store, is left
open 3 s so that it is saved, as any earlier session of the officer's saves it.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import pty
import select
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SRO = [PYTHON, "-c", "import sys; from sro_tui.cli import main; sys.exit(main())"]

EMPTY_APP = """
from textual.app import App
from textual.widgets import Static

class Empty(App):
    CSS = "#last { dock: bottom; }"

    def compose(self):
        yield Static("EMPTY-APP-READY", id="last")

Empty().run()
"""
EMPTY_MARKER = b"EMPTY-APP-READY"
SIGN_IN_MARKER = b" Quit"
"""The sign-in screen's footer (its last line) names ctrl+q's "Quit"; nothing above it says it."""

TIMEOUT_SECONDS = 60.0


def first_frame(
    argv: list[str],
    marker: bytes,
    env: dict[str, str],
    cwd: str | None = None,
    linger: float = 0.0,
) -> float:
    """Seconds from starting ``argv`` in a pty to ``marker`` in what it wrote; the process is
    left running ``linger`` seconds more (reading what it writes) before it is stopped."""
    started = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # the child: a terminal of 80x24 before the program starts, as a real one is
        fcntl.ioctl(sys.stdout.fileno(), termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        if cwd:
            os.chdir(cwd)
        os.execvpe(argv[0], argv, env)
    seen = b""
    try:
        while True:
            left = TIMEOUT_SECONDS - (time.perf_counter() - started)
            if left <= 0:
                raise TimeoutError(f"no first frame from {argv[-1][:40]!r}")
            ready, _, _ = select.select([fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                raise RuntimeError(f"the process ended before drawing: {seen[-500:]!r}") from None
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                took = time.perf_counter() - started
                _drain(fd, linger)
                return took
    finally:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        os.close(fd)


def _drain(fd: int, seconds: float) -> None:
    """Read what the process writes for ``seconds`` (so it never waits on a full pty)."""
    end = time.perf_counter() + seconds
    while (left := end - time.perf_counter()) > 0:
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                os.read(fd, 65536)
            except OSError:
                return


def import_ms(module: str, tree: str | None = None) -> float:
    """Milliseconds to import ``module`` in a fresh interpreter."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    out = subprocess.run([PYTHON, "-c", code], capture_output=True, text=True, check=True, cwd=tree)
    return float(out.stdout.strip()) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=10, help="interleaved pairs (default 10)")
    parser.add_argument("--db", help="the store the sign-in screen opens (default: a new one)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead")
    parser.add_argument(
        "--tree",
        help="start `sro` from this source tree (another checkout: before/after comparisons)",
    )
    parser.add_argument(
        "--no-compile", action="store_true", help="do not byte-compile the tree first"
    )
    args = parser.parse_args()
    if not args.no_compile:
        tree = Path(args.tree or ROOT) / "sro_tui"
        subprocess.run([PYTHON, "-m", "compileall", "-q", str(tree)], check=True)
    with tempfile.TemporaryDirectory() as folder:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        env["SRO_DATABASE_URL"] = args.db or str(Path(folder) / "bench.db")
        env["SRO_AUDIT_KEY_FILE"] = str(Path(folder) / "audit.key")
        env.pop("TEXTUAL", None)
        if args.tree:
            env["PYTHONPATH"] = args.tree
        # Makes the store and warms the caches: left open 3 s, as an officer's earlier session
        # would be, so what the app keeps between runs (its parsed CSS, ui/parsed_css.py) is
        # saved, as its compiled modules are.
        first_frame(SRO, SIGN_IN_MARKER, env, args.tree, linger=3.0)
        first_frame([PYTHON, "-c", EMPTY_APP], EMPTY_MARKER, env)
        empty: list[float] = []
        sro: list[float] = []
        for index in range(args.pairs):
            runs = [
                ("empty", [PYTHON, "-c", EMPTY_APP], EMPTY_MARKER),
                ("sro", SRO, SIGN_IN_MARKER),
            ]
            if index % 2:
                runs.reverse()
            for name, argv, marker in runs:
                (empty if name == "empty" else sro).append(
                    first_frame(argv, marker, env, args.tree)
                )
    ratios = [s / e for s, e in zip(sro, empty, strict=True)]
    result = {
        "pairs": args.pairs,
        "empty_app_first_frame_ms": round(statistics.median(empty) * 1000, 1),
        "sign_in_first_frame_ms": round(statistics.median(sro) * 1000, 1),
        "first_frame_ratio": round(statistics.median(ratios), 2),
        "import_textual_app_ms": round(import_ms("textual.app"), 1),
        "import_sro_ui_app_ms": round(import_ms("sro_tui.ui.app", args.tree), 1),
        "import_sro_cli_ms": round(import_ms("sro_tui.cli", args.tree), 1),
    }
    if args.json:
        print(json.dumps(result))
        return 0
    print(f"pairs                         {args.pairs}")
    print(f"empty Textual app, 1st frame  {result['empty_app_first_frame_ms']:8.1f} ms (median)")
    print(f"sro sign-in, 1st frame        {result['sign_in_first_frame_ms']:8.1f} ms (median)")
    print(f"ratio (median of the pairs)   {result['first_frame_ratio']:8.2f}  (budget 1.2)")
    print(f"import textual.app            {result['import_textual_app_ms']:8.1f} ms")
    print(f"import sro_tui.ui.app         {result['import_sro_ui_app_ms']:8.1f} ms")
    print(f"import sro_tui.cli            {result['import_sro_cli_ms']:8.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
