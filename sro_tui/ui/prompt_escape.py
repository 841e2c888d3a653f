"""Escape answered as soon as it is known to be Escape, not up to 100 ms later.

A terminal sends Escape as the byte ESC, and most other keys (F4, PageDown, alt+x) as ESC
followed by more bytes in the same write. So a lone ESC is Escape only once no more bytes
follow within the escape wait (``ESCDELAY``; `sro` sets 50 ms, ``cli/app.py``). Textual's
Linux driver looks for that moment only when its ``select()`` returns, which, with no input,
is every 100 ms: Escape, which is "back" in every screen, was the slowest
key of the app (106-110 ms from the key to the drawn screen; issue 16).

:class:`PromptEscapeDriver` reads input the same way, but for one escape wait after each
input it wakes every few milliseconds, so the parser's time-out is seen when it falls due.
Idle, it waits 100 ms like Textual's, costing nothing while nobody types.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import time
from codecs import getincrementaldecoder

from textual import constants
from textual._parser import ParseError
from textual._xterm_parser import XTermParser
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver

__all__ = ["IDLE_WAIT", "SEQUENCE_POLL", "PromptEscapeDriver", "input_wait", "prompt_escape"]

IDLE_WAIT = 0.1
"""Seconds between wake-ups with no input: Textual's own."""

SEQUENCE_POLL = 0.005
"""Seconds between wake-ups while an escape sequence may still be incomplete."""

READ_SIZE = 4096


def input_wait(now: float, last_input: float, escape_delay: float) -> float:
    """How long the input thread may sleep in ``select()``: briefly while a time-out of the
    parser (a lone ESC becoming Escape) can fall due, else Textual's idle wait."""
    due = last_input + escape_delay
    if now >= due + SEQUENCE_POLL:
        return IDLE_WAIT
    return max(0.0, min(SEQUENCE_POLL, due - now + 0.001))


class PromptEscapeDriver(LinuxDriver):
    """Textual's Linux driver, whose input thread sees a lone Escape when it falls due."""

    def run_input_thread(self) -> None:
        parser = XTermParser(self._debug)
        decode = getincrementaldecoder("utf-8")().decode
        fileno = self.fileno
        escape_delay = constants.ESCAPE_DELAY
        last_input = float("-inf")
        selector = selectors.SelectSelector()  # as Textual's: works for every tty on Unix
        selector.register(fileno, selectors.EVENT_READ)

        def handle(ready: bool, final: bool = False) -> None:
            nonlocal last_input
            if ready:
                data = decode(os.read(fileno, READ_SIZE), final=final)
                if data:
                    last_input = time.monotonic()
                    for event in parser.feed(data):
                        self.process_message(event)
            for event in parser.tick():
                self.process_message(event)

        try:
            while not self.exit_event.is_set():
                wait = input_wait(time.monotonic(), last_input, escape_delay)
                handle(bool(selector.select(wait)))
            selector.unregister(fileno)
            handle(bool(selector.select(IDLE_WAIT)), final=True)
        finally:
            selector.close()
            with contextlib.suppress(EOFError, ParseError):
                for _event in parser.feed(""):  # end of input: the parser lets go
                    pass


def prompt_escape(driver_class: type[Driver]) -> type[Driver]:
    """The driver `sro` runs with: this one in place of Textual's Linux driver; any other
    (``TEXTUAL_DRIVER`` set in the environment, the headless driver of tests) unchanged."""
    return PromptEscapeDriver if driver_class is LinuxDriver else driver_class
