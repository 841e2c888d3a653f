"""An area's screen drawn as soon as it is ready: at once when it comes back, and as soon as
it is composed at its first opening, not 50 ms later.

Textual's ``switch_mode`` suspends every repaint for 50 ms (``delay_update``) to hide a new
mode's screen while it composes. An area the officer has opened before keeps its screen
(composed, styled, its rows drawn), so there is nothing to hide on the way back, and the
pause was most of a return's time (F4 back to the incidents: 58 ms from the key to the
drawn screen, of which 50 waiting; issue 16). At a first opening the pause still hides the
screen while it composes, but it ends when the screen has composed, mounted and taken its
first showing (its ``ScreenResume``), not at a fixed 50 ms: Today, composed in some 15 ms
after the school is chosen, waited 35 ms more for nothing. 50 ms stays the longest wait.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import App
from textual.screen import Screen

__all__ = ["AreaReturns"]

OPENING_WAIT_SECONDS = 0.05
"""The longest a first opening hides the screen (Textual's own pause)."""


class AreaReturns(App[Any]):
    _returning = False
    _switching = False
    _opening_held: Callable[[], None] | None = None

    def switch_mode(self, mode: str) -> Any:
        self._returning = self.has_kept_screen(mode)
        self._switching = True
        try:
            mounted = super().switch_mode(mode)
        finally:
            self._returning = self._switching = False
        release, self._opening_held = self._opening_held, None
        if release is not None:
            # Queued behind the new screen's compose, mount and ScreenResume (posted above).
            self.screen.call_later(release)
        return mounted

    def has_kept_screen(self, mode: str) -> bool:
        """Whether ``mode``'s screen has been made (and is kept) in this session."""
        stack: list[Screen[Any]] = self._screen_stacks.get(mode, [])
        return bool(stack) and stack[-1].is_mounted

    def delay_update(self, delay: float | None = None) -> None:
        if self._returning:
            return
        if self._switching:  # a first opening: hidden until its screen has shown
            self._opening_held = self.hold_drawing(OPENING_WAIT_SECONDS if delay is None else delay)
            return
        super().delay_update(OPENING_WAIT_SECONDS if delay is None else delay)

    def hold_drawing(self, seconds: float) -> Callable[[], None]:
        """Draw nothing until the returned function is called, or ``seconds`` at most
        (Textual's ``delay_update``, ended early when what it waits for is there)."""
        self._begin_batch()
        held = True

        def release() -> None:
            nonlocal held
            if held:
                held = False
                self._end_batch()
                if not self._batch_count:
                    self.call_later(self._draw_now)

        self.set_timer(seconds, release, name="first answer wait")
        return release

    def _draw_now(self) -> None:
        """The screen's frame now, not at its update timer's next tick (up to 1/60 s on)."""
        self.screen._on_timer_update()
