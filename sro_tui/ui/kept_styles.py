"""An area's screen is not restyled when it comes back unless its styles could have changed.

Textual restyles every widget of a screen each time the screen comes back (``ScreenResume``):
some 25 ms of an area's return (F4 back to the incidents) with nothing to change, since a
widget's own changes of class or state restyle it as they happen, also while its screen is
away (issue 16). What can change a screen's styles while it is away and not reach it is the
app's: its CSS (a theme: Textual's CSS counter; new rules: the stylesheet's sources) and
the app's own classes and pseudo-classes (focus, dark or light), which Textual applies to the
screens shown only. The screen keeps the state it was styled in and lets Textual restyle it
when that state has moved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual import events

if TYPE_CHECKING:
    from textual.app import App

__all__ = ["KeptStyles", "styling_state"]


def styling_state(app: App[Any]) -> tuple[object, ...]:
    """What an app-wide restyle follows; equal states style a screen alike."""
    return (
        getattr(app, "_css_update_count", None),  # Textual's count of CSS changes (theme)
        len(app.stylesheet.source),  # CSS added (a screen's file, a new widget's defaults)
        frozenset(app.classes),
        frozenset(app.get_pseudo_classes()),
    )


class KeptStyles:
    """Mixed into a Screen (before ``Screen`` in its bases, so this runs first)."""

    _styled_in: tuple[object, ...] | None = None
    app: App[Any]

    def _on_mount(self, event: events.Mount) -> None:
        # Its widgets were styled as they mounted, by the stylesheet as it is now.
        self._styled_in = styling_state(self.app)

    def _on_screen_resume(self, event: events.ScreenResume) -> None:
        state = styling_state(self.app)
        if state == self._styled_in:
            event.refresh_styles = False  # Textual's handler (next) skips the restyle
        self._styled_in = state
