"""Back to an area already open: drawn at once, not 50 ms later.

Textual's ``switch_mode`` suspends every repaint for 50 ms (``delay_update``) to hide a new
mode's screen while it composes. An area the officer has opened before keeps its screen
(composed, styled, its rows drawn), so there is nothing to hide on the way back, and the
pause was most of a return's time (F4 back to the incidents: 58 ms from the key to the
drawn screen, of which 50 waiting; issue 16). The first opening of an area keeps the pause.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.screen import Screen

__all__ = ["AreaReturns"]


class AreaReturns(App[Any]):
    _returning = False

    def switch_mode(self, mode: str) -> Any:
        self._returning = self.has_kept_screen(mode)
        try:
            return super().switch_mode(mode)
        finally:
            self._returning = False

    def has_kept_screen(self, mode: str) -> bool:
        """Whether ``mode``'s screen has been made (and is kept) in this session."""
        stack: list[Screen[Any]] = self._screen_stacks.get(mode, [])
        return bool(stack) and stack[-1].is_mounted

    def delay_update(self, delay: float = 0.05) -> None:
        if not self._returning:
            super().delay_update(delay)
