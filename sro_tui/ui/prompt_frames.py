"""A screen's changes drawn as soon as they are made, not at the next tick of a 60 Hz grid.

Textual draws a screen from a timer that ticks on a fixed 60-per-second grid: a change made
between two ticks (a list's page just arrived, a typed letter) waits for the next one, and a
screen idle a moment before starts its timer where the grid left it. On the student list a
type-ahead key's answer, in the table 14-20 ms after the key, was drawn at 29-31 ms (issue
16). A screen with :class:`PromptFrames` draws when it goes idle with something to draw,
if its last frame is a full period old. A change too soon after a frame is drawn a full
period after that frame (a timer of its own), not at whichever later tick Textual's grid
gives it: a type-ahead's list, resized as its matches narrow, was redrawn 25-33 ms after
its first drawing instead of 17. Either way it never draws more than 60 frames a second.
"""

from __future__ import annotations

import time

from textual import events
from textual.screen import UPDATE_PERIOD, Screen
from textual.timer import Timer

__all__ = ["PromptFrames"]


class PromptFrames(Screen[object]):
    """Mixed into a Screen class (before ``Screen`` in its bases)."""

    _last_frame = 0.0
    _next_frame: Timer | None = None

    def _has_changes(self) -> bool:
        return bool(
            self._layout_required
            or self._scroll_required
            or self._repaint_required
            or self._dirty_widgets
        )

    async def _on_idle(self, event: events.Idle) -> None:
        if not (self.is_current and not self.app._batch_count and self._has_changes()):
            return
        since = time.monotonic() - self._last_frame
        if since >= UPDATE_PERIOD:
            event.prevent_default()  # Screen's handler (next) would wait for the timer
            self._on_timer_update()
        elif self._next_frame is None:  # Textual's timer is asked too (Screen's handler)
            self._next_frame = self.set_timer(UPDATE_PERIOD - since, self._frame_due)

    def _frame_due(self) -> None:
        self._next_frame = None
        if self.is_current and not self.app._batch_count and self._has_changes():
            self._on_timer_update()

    def _on_timer_update(self) -> None:
        self._last_frame = time.monotonic()
        super()._on_timer_update()
