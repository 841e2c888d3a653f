"""The areas' screens made while the officer is idle, so each first opening is drawn at once.

An area's first opening composed its screen (the incident list's filter line alone: 28 ms),
styled it, laid it out and then drew it behind Textual's 50 ms pause: 130-220 ms from F4 to
the drawn list, against 10-25 ms for a return to a screen already made (issue 16). Once
the officer is signed in and the keyboard has been quiet for :data:`QUIET_SECONDS` (on the
school pick, which follows the sign-in, :data:`PICK_QUIET_SECONDS`), the app makes the areas'
screens ahead, one per :data:`CHECK_SECONDS` while it stays quiet, each as its mode's screen,
without showing it: composed, mounted and laid out for the terminal's size. Its records are
not read until it is shown (``ui/shown_later.py``), so nothing is read, or audited as read,
that the officer did not open. A key pressed while a screen is being made waits for that one
screen at most. The quick-incident form (ctrl+n) is made the same way, first, and again after
each use.
:meth:`~sro_tui.ui.area_returns.AreaReturns.hold_drawing` lets such a screen's first showing
wait (briefly) for what it reads, so that it is drawn once, filled.

`sro` turns this on (``prebuild_areas``); tests that are not about it leave it off.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual.app import App
from textual.screen import Screen

from .shown_later import ShownLater

__all__ = ["PICK_QUIET_SECONDS", "QUIET_SECONDS", "AreaPrebuild"]

QUIET_SECONDS = 1.0
"""No key for this long, and one area's screen is made."""

PICK_QUIET_SECONDS = 0.3
"""The same while today's school is picked: a list read and chosen from with a key or two,
not typed into, so the areas are made while the officer reads it (an area opened at once
after the pick is then drawn as a made one: F4 pressed at once 94 -> ~50 ms)."""

CHECK_SECONDS = 0.1
"""Once quiet, one screen per check: all seven are made some 1.7 s after sign-in, not 4.5."""


class AreaPrebuild(App[Any]):
    PREBUILT_AREAS: ClassVar[tuple[str, ...]] = ()
    """The modes made ahead, in this order (the slowest to make and most used first)."""

    prebuild_areas = False
    _last_input = 0.0
    _prebuild_started = False

    def note_input(self) -> None:
        """A key or a click: making screens ahead waits for the keyboard to be quiet."""
        self._last_input = time.monotonic()

    def can_prebuild(self) -> bool:
        """Whether screens may be made now (the app says: an officer signed in, unlocked)."""
        return False

    def quiet_seconds(self) -> float:
        """How long the keyboard is quiet before a screen is made (the app may say less)."""
        return QUIET_SECONDS

    def start_prebuilding(self) -> None:
        if self.prebuild_areas and not self._prebuild_started:
            self._prebuild_started = True
            self.set_interval(CHECK_SECONDS, self._prebuild_when_quiet, name="area prebuild")

    def next_area_to_build(self) -> str | None:
        return next((mode for mode in self.PREBUILT_AREAS if mode not in self._screen_stacks), None)

    def _prebuild_when_quiet(self) -> None:
        if time.monotonic() - self._last_input < self.quiet_seconds() or not self.can_prebuild():
            return
        if any(not screen.is_mounted for screen in self._made_screens()):
            return  # one at a time: the last one is still being made
        # The form first: its widgets bring CSS of their own, which would restyle each area
        # made before it at its first showing (some 14 ms of F4's).
        form = self.form_to_make_ahead() if self._form_ahead is None else None
        if form is not None:
            self._form_ahead = form
            self._make_unseen(form)
            return
        mode = self.next_area_to_build()
        if mode is not None:
            self.prebuild(mode)

    def _made_screens(self) -> list[Screen[Any]]:
        made = [stack[0] for stack in self._screen_stacks.values() if stack]
        return made + ([self._form_ahead] if self._form_ahead is not None else [])

    # -- a form made ahead (the quick incident: ctrl+n) ------------------------------------------

    _form_ahead: Screen[Any] | None = None

    def form_to_make_ahead(self) -> Screen[Any] | None:
        """A new form to make ahead, before the areas (the app says which), or None."""
        return None

    def take_form_ahead(self, wanted: Callable[[Screen[Any]], bool]) -> Screen[Any] | None:
        """The form made ahead, if made and ``wanted`` (the same kind, school and prefill as
        the one asked for); the next quiet spell makes another."""
        form = self._form_ahead
        if form is None or not form.is_mounted or not wanted(form):
            return None
        self._form_ahead = None
        return form

    async def drop_form_ahead(self) -> None:
        """Sign-out: the form made for this officer goes."""
        form, self._form_ahead = self._form_ahead, None
        if form is not None and form.is_attached:
            await form.remove()

    def prebuild(self, mode: str) -> None:
        """Make ``mode``'s screen now without showing it (Textual makes a mode's screen when
        first switched to, in ``_init_mode``; this does the same, less the showing)."""
        if mode in self._screen_stacks or mode not in self._modes:
            return
        build = self._modes[mode]
        if not callable(build):
            return
        screen = build()
        self._screen_stacks[mode] = [screen]  # switch_mode now finds it made
        self._make_unseen(screen)

    def _make_unseen(self, screen: Screen[Any]) -> None:
        """Compose, mount, lay out and draw ``screen`` without showing it."""
        self._load_screen_css(screen)
        _, mounted = self._get_screen(screen)  # composed and mounted by its own task

        async def lay_out() -> None:
            await mounted
            if screen.is_attached and not screen.is_current and not screen.stack_updates:
                screen._refresh_layout(self.size)  # laid out now, not at its first showing
                # And drawn once, unseen: its widgets keep their drawn lines until they
                # change, so the first showing draws little more than the rows it reads.
                screen._compositor.render_update(full=True)
                if isinstance(screen, ShownLater):
                    screen.prepare_unseen()

        self.run_worker(lay_out(), group="area-prebuild", exit_on_error=False)
