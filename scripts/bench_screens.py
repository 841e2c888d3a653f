"""Key sent -> screen drawn, in the real app in a real pseudo-terminal (issue 16).

The app (`sro --db PATH`) runs in a pty of ``--size`` (120x40 by default) and signs in as
badge 1001 (password ``demo``) at the first school offered. Then, ``--rounds`` times, each step
writes its keys and reads what the app writes until it has been quiet for ``--quiet`` seconds
(a focused field's cursor blink, a write of a few bytes, does not count as drawing). A step's
figure is the time from the keys written to the last drawing write before that quiet spell:
the screen fully drawn, the list's rows and status line included (they come in a later frame
than the screen's first). ``first`` is the time to the first write.

After sign-in it stays on Today ``--on-today`` seconds (5), as an officer reading the day's
summary; the app makes the areas' screens meanwhile (``--on-today 0``: first openings with
none made). Steps: F4, F5, F6, F7, F8 (the first round opens each, later rounds return),
PageDown on the incident list, a student name typed on F7 one key at a time (each key, its
rows drawn), the same word in search (ctrl+f), and ``m`` on Reports (the monthly report).

Beside the app, the same pty measure of a plain Textual app (``--reference``): two screens
of one 50-row DataTable, a key switching between them, and a key echo: what Textual itself
costs on this machine in the same run.

    .venv/bin/sro seed-demo --db /tmp/j.db --scale 20
    .venv/bin/python scripts/bench_screens.py --db /tmp/j.db [--rounds 5] [--reference]

Prints p50 / p95 / max per step in milliseconds; asserts nothing (a shared machine's figures
vary; run it quiet, compare runs made the same way).
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import pty
import select
import signal
import statistics
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
SRO_CODE = """
import sys
from sro_tui.cli.app import quick_escape

quick_escape()  # as `sro` does before Textual is imported (here, by the line below)
from textual.widgets import Input

_init = Input.__init__


def _no_blink(self, *args, **kwargs):
    _init(self, *args, **kwargs)
    self.set_reactive(Input.cursor_blink, False)  # a blink would draw twice a second


Input.__init__ = _no_blink
from sro_tui.cli import main

sys.exit(main())
"""

KEYS = {
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "f8": b"\x1b[19~",
    "pagedown": b"\x1b[6~",
    "pageup": b"\x1b[5~",
    "home": b"\x1b[H",
    "escape": b"\x1b",
    "ctrl+f": b"\x06",
    "ctrl+u": b"\x15",
    "backspace": b"\x7f",
}
SCHOOL_PICK = b"Enter confirms"
"""The school pick after the password ("... Enter confirms the highlighted school")."""
BLINK_BYTES = 120
"""A write this small is a terminal query or a cursor move, not a drawn screen. (The app runs
with its fields' cursor blink off: each blink redraws the field's line.)"""

REFERENCE_APP = """
from textual.app import App
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

class Rows(Screen):
    BINDINGS = [("x", "app.switch('b')", "Other"), ("y", "app.switch('a')", "Back")]

    def compose(self):
        yield Header()
        yield Static("", id="echo")
        yield DataTable(id="rows")
        yield Footer()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("Number", "Occurred", "Status", "Category", "Location")
        table.add_rows([(f"SRO-2026-{i:06}", "2026-09-14 10:00", "draft", "Fight", "Hall")
                        for i in range(50)])

    def on_key(self, event):
        if event.character and event.character.isalpha() and event.character not in "xy":
            self.query_one("#echo", Static).update(event.character * 10)

class Reference(App):
    MODES = {"a": Rows, "b": Rows}
    DEFAULT_MODE = "a"

    def action_switch(self, mode):
        self.switch_mode(mode)

Reference().run()
"""


@dataclass
class Step:
    name: str
    keys: bytes
    marker: bytes = b""
    """Text the drawn screen must have written (its title) before the quiet counts."""
    settle: float = 0.0
    """Extra seconds to wait after the step (a debounce to pass before the next key)."""
    quiet: float | None = None
    """Seconds without drawing that end this step (None: the run's ``--quiet``). A search
    key draws its echo at once and its hits only after the debounce and the query: a quiet
    spell shorter than that would end the step before the hits are drawn."""


@dataclass
class Term:
    """A process in a pty, and a reader that times its writes."""

    pid: int
    fd: int
    quiet: float
    log: list[tuple[float, int]] = field(default_factory=list)

    @classmethod
    def start(cls, argv: list[str], size: tuple[int, int], quiet: float) -> Term:
        env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
        cols, rows = size
        pid, fd = pty.fork()
        if pid == 0:  # the terminal's size set before the program starts, as a window's is
            fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
            os.execvpe(argv[0], argv, env)
        return cls(pid, fd, quiet)

    def read_until(self, marker: bytes, timeout: float) -> float | None:
        """Seconds until ``marker`` is written, reading on; None if not within ``timeout``."""
        start = time.perf_counter()
        seen = b""
        while (left := start + timeout - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                return None
            seen = seen[-len(marker) :] + chunk
            if marker in seen:
                return time.perf_counter() - start
        return None

    def drain(self, seconds: float) -> None:
        end = time.perf_counter() + seconds
        while (left := end - time.perf_counter()) > 0:
            ready, _, _ = select.select([self.fd], [], [], left)
            if ready:
                try:
                    os.read(self.fd, 1 << 16)
                except OSError:
                    return

    def step(
        self, keys: bytes, marker: bytes, timeout: float = 20.0, quiet: float | None = None
    ) -> tuple[float, float]:
        """Write ``keys``; (first write, last drawing write before ``quiet`` seconds without
        one), in seconds from the keys written."""
        quiet = self.quiet if quiet is None else quiet
        os.write(self.fd, keys)
        start = time.perf_counter()
        first: float | None = None
        last: float | None = None  # the last drawing write (seconds from the keys)
        small = 0.0  # the last write of any size
        seen = b""
        found = not marker
        while (elapsed := time.perf_counter() - start) < timeout:
            if found and first is not None:
                wait = (last if last is not None else small) + quiet - elapsed
                if wait <= 0:
                    break
            else:
                wait = timeout - elapsed
            ready, _, _ = select.select([self.fd], [], [], wait)
            if not ready:
                continue
            try:
                chunk = os.read(self.fd, 1 << 16)
            except OSError:
                break
            at = time.perf_counter() - start
            first = at if first is None else first
            small = at
            if len(chunk) >= BLINK_BYTES:
                last = at
            if not found:
                seen = seen[-len(marker) :] + chunk
                found = marker in seen
        return (first or 0.0), (last if last is not None else small)

    def quit(self, seconds: float = 60.0) -> None:
        """ctrl+q, and wait for the process to end (a profiler writes its report then)."""
        os.write(self.fd, b"\x11")
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            self.drain(0.2)
            if os.waitpid(self.pid, os.WNOHANG)[0]:
                self.pid = 0
                break
        self.stop()

    def stop(self) -> None:
        if self.pid:
            with contextlib.suppress(ProcessLookupError):
                os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = 0
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1


def title(text: str) -> bytes:
    return f" \u00b7 {text}".encode()


def app_steps(word: str) -> list[Step]:
    steps = [
        Step("F4 incidents", KEYS["f4"], title("Incidents")),
        Step("PageDown (incidents)", KEYS["pagedown"]),
        Step("PageDown (incidents)", KEYS["pagedown"]),
        # Back to the first row: each round pages from the top (at the list's end PageDown
        # draws nothing, and the step would time a later, unrelated write; the demo officer's
        # own list is 38 rows at scale 120, a page and a bit at 40 rows).
        Step("Home (incidents)", KEYS["home"]),
        Step("F5 mentoring", KEYS["f5"], title("Mentoring")),
        Step("F6 referrals", KEYS["f6"], title("Referrals")),
        Step("F7 students", KEYS["f7"], title("Students")),
    ]
    steps += [Step("type-ahead key (F7)", ch.encode()) for ch in word]
    steps += [Step("clear (F7)", KEYS["ctrl+u"])]
    steps += [Step("F8 reports", KEYS["f8"], title("Reports"))]
    steps += [Step("m monthly report", b"m")]
    steps += [Step("ctrl+f search", KEYS["ctrl+f"], title("Search"))]
    steps += [Step("search key", ch.encode(), quiet=1.0) for ch in word]
    steps += [Step("escape (search)", KEYS["escape"])]
    return steps


def reference_steps() -> list[Step]:
    return [
        Step("switch screen", b"x"),
        Step("switch back", b"y"),
        Step("key echo", b"a"),
        Step("key echo", b"b"),
    ]


def run(term: Term, steps: list[Step], rounds: int) -> dict[str, list[float]]:
    times: dict[str, list[float]] = {}
    firsts: dict[str, list[float]] = {}
    for round_no in range(rounds):
        for step in steps:
            first, drawn = term.step(step.keys, step.marker, quiet=step.quiet)
            name = step.name
            if step.name.startswith("F") and step.marker:
                name += " (open)" if round_no == 0 else " (return)"
            times.setdefault(name, []).append(drawn * 1000)
            firsts.setdefault(name, []).append(first * 1000)
            if step.settle:
                term.drain(step.settle)
    return {name: times[name] + [-1.0] + firsts[name] for name in times}


ON_TODAY = 5.0
"""Seconds on Today before the first step, as an officer reads the day's summary: the app
makes the areas' screens ahead meanwhile, once the keyboard has been quiet for a second
(ui/area_prebuild.py). ``--on-today 0`` times first openings with none made yet."""


def sign_in(term: Term, badge: str, store_wait: float = 2.0, on_today: float = ON_TODAY) -> None:
    if term.read_until(b" Quit", 60) is None:
        raise SystemExit("the sign-in screen did not draw in 60 s")
    term.drain(store_wait)  # the store opens behind the screen
    os.write(term.fd, f"{badge}\tdemo\r".encode())
    if term.read_until(SCHOOL_PICK, 30) is None:
        raise SystemExit("sign-in failed (badge, password or store?)")
    term.drain(0.5)
    os.write(term.fd, b"\r")
    if term.read_until(title("Today"), 30) is None:
        raise SystemExit("Today did not draw")
    term.drain(on_today)


def summarize(results: dict[str, list[float]]) -> dict[str, dict[str, float]]:
    """Per step: n, p50, p95 (nearest rank) and max of the drawn times, and the first
    write's p50, in ms (``run`` gives the drawn times, -1, then the first writes)."""
    out: dict[str, dict[str, float]] = {}
    for name, values in results.items():
        split = values.index(-1.0)
        drawn, first = sorted(values[:split]), values[split + 1 :]
        out[name] = {
            "n": len(drawn),
            "p50": round(statistics.median(drawn), 1),
            "p95": round(drawn[min(len(drawn) - 1, round(0.95 * (len(drawn) - 1)))], 1),
            "max": round(drawn[-1], 1),
            "first_p50": round(statistics.median(first), 1),
        }
    return out


def report(label: str, results: dict[str, list[float]]) -> None:
    print(f"\n{label}")
    print(f"{'step':32} {'n':>3} {'p50':>8} {'p95':>8} {'max':>8} {'first p50':>10}")
    for name, f in summarize(results).items():
        print(
            f"{name:32} {f['n']:>3.0f} {f['p50']:>8.0f} {f['p95']:>8.0f} "
            f"{f['max']:>8.0f} {f['first_p50']:>10.0f}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a demo store (sro seed-demo)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--size", default="120x40", help="COLSxROWS of the pty")
    parser.add_argument("--quiet", type=float, default=0.3, help="seconds without drawing")
    parser.add_argument("--word", default="garc", help="typed on F7 and in search")
    parser.add_argument("--badge", default="1001")
    parser.add_argument("--reference", action="store_true", help="also a plain Textual app")
    parser.add_argument("--profile", help="run the app under pyinstrument, its report here")
    parser.add_argument(
        "--on-today", type=float, default=ON_TODAY, help="seconds on Today before the steps"
    )
    args = parser.parse_args()
    cols, rows = (int(n) for n in args.size.lower().split("x"))
    if args.reference:
        ref = Term.start([PYTHON, "-c", REFERENCE_APP], (cols, rows), args.quiet)
        ref.read_until(b"SRO-2026-000000", 30)
        ref.drain(1.0)
        try:
            report("plain Textual app (reference)", run(ref, reference_steps(), args.rounds))
        finally:
            ref.stop()
    code = Path(tempfile.mkdtemp(prefix="bench-screens-")) / "sro_no_blink.py"
    code.write_text(SRO_CODE)
    argv = [PYTHON, str(code), "--db", str(Path(args.db))]
    if args.profile:
        argv[1:1] = ["-m", "pyinstrument", "-r", "text", "--show-all", "-o", args.profile]
    term = Term.start(argv, (cols, rows), args.quiet)
    try:
        sign_in(term, args.badge, 12.0 if args.profile else 6.0, args.on_today)
        results = run(term, app_steps(args.word), args.rounds)
        term.quit()
    finally:
        term.stop()
    report(f"sro-tui on {args.db}, {cols}x{rows}, {args.rounds} rounds (ms)", results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
