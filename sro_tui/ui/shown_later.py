"""An area's records are read when the officer opens it, not when its screen is made.

The app may make an area's screen before it is asked for (``ui/area_prebuild.py``): composed,
styled and laid out while the officer is idle, so that its first opening is drawn at once.
Reading its records then would read (and audit as read) a list nobody asked to see, so a
screen puts such work behind :meth:`ShownLater.when_shown`: run now when the screen is the
one on the terminal (opened the usual way), else at its first showing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events

__all__ = ["ShownLater"]


class ShownLater:
    """Mixed into a Screen."""

    FIRST_ANSWER_WAIT: ClassVar[float] = 0.0
    """Seconds the first showing of a screen (made ahead, or opened at once) may draw nothing
    while its records are read, ended by :meth:`first_answer_shown` (a list: one frame with
    its rows, not an empty table first, a frame that also slowed the reading down); 0: no
    wait."""

    _shown = False
    _on_first_show: list[Callable[[], Any]] | None = None
    _release_drawing: Callable[[], None] | None = None
    app: Any

    if TYPE_CHECKING:  # a Screen's

        @property
        def is_current(self) -> bool: ...

    @property
    def made_ahead(self) -> bool:
        """Made before it was asked for, and not shown yet."""
        return not (self._shown or self.is_current)

    def when_shown(self, work: Callable[[], Any]) -> None:
        """``work`` now if the screen is shown or showing, else when it first shows."""
        if not self.made_ahead:
            if not self._shown:  # opened at once (not made ahead): held the same way
                self._hold_first_showing()
            self._shown = True
            work()
            return
        if self._on_first_show is None:
            self._on_first_show = []
        self._on_first_show.append(work)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        self._shown = True
        waiting, self._on_first_show = self._on_first_show or [], None
        if waiting:
            self._hold_first_showing()
        for work in waiting:
            work()

    def _hold_first_showing(self) -> None:
        """Draw nothing until the first answer is in (FIRST_ANSWER_WAIT at most)."""
        hold = getattr(self.app, "hold_drawing", None)
        if self.FIRST_ANSWER_WAIT and hold is not None and self._release_drawing is None:
            self._release_drawing = hold(self.FIRST_ANSWER_WAIT)

    def prepare_unseen(self) -> None:
        """Made ahead and laid out: a place for preparations that read nothing (the app
        calls it once)."""

    def first_answer_shown(self) -> None:
        """The records read at the first showing are in the screen: draw it."""
        release, self._release_drawing = self._release_drawing, None
        if release is not None:
            release()
