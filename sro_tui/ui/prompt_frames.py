"""A screen's changes drawn as soon as they are made, not at the next tick of a 60 Hz grid.

Textual draws a screen from a timer that ticks on a fixed 60-per-second grid: a change made
between two ticks (a list's page just arrived, a typed letter) waits for the next one, and a
screen idle a moment before starts its timer where the grid left it. On the student list a
type-ahead key's answer, in the table 14-20 ms after the key, was drawn at 29-31 ms (issue
16). A screen with :class:`PromptFrames` draws when it goes idle with something to draw,
if its last frame is a full period old; changes that come faster than that still wait for
the grid, so it never draws more than Textual's 60 frames a second.
"""

from __future__ import annotations

import time

from textual import events
from textual.screen import UPDATE_PERIOD, Screen

__all__ = ["PromptFrames"]


class PromptFrames(Screen[object]):
    """Mixed into a Screen class (before ``Screen`` in its bases)."""

    _last_frame = 0.0

    async def _on_idle(self, event: events.Idle) -> None:
        if (
            self.is_current
            and not self.app._batch_count
            and (
                self._layout_required
                or self._scroll_required
                or self._repaint_required
                or self._dirty_widgets
            )
            and time.monotonic() - self._last_frame >= UPDATE_PERIOD
        ):
            event.prevent_default()  # Screen's handler (next) would wait for the timer
            self._on_timer_update()

    def _on_timer_update(self) -> None:
        self._last_frame = time.monotonic()
        super()._on_timer_update()
