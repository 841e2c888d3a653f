"""An area's screen comes back in one frame, not one and then its footer or header again.

Coming back to a kept area (F4 to the incidents) Textual draws the whole screen in its next
frame. Widgets that asked to be drawn again just before it (the footer lighting F2 and dimming
F4, the header's line) are drawn in that frame, but their request reaches the screen at their
next idle, often after it, and drew them a second time some 25 ms later: the last write of
most returns (issue 16). Such a request is answered by the whole frame: dropped when it is
still pending as the frame is drawn, and ignored when it arrives for a widget drawn since it
last changed.
"""

from __future__ import annotations

from textual import messages
from textual.widget import Widget

from .prompt_frames import PromptFrames

__all__ = ["WholeFrame"]


class WholeFrame(PromptFrames):
    """Mixed into an area's Screen class (before ``Screen`` in its bases); its frames are
    drawn as soon as they are ready (``PromptFrames``)."""

    def _on_timer_update(self) -> None:
        if self._repaint_required and self.is_current and not self.app._batch_count:
            # The whole screen is drawn now: each widget that asked is drawn anew in it (its
            # drawn lines were dropped when it asked).
            for widget in self.walk_children(Widget):
                widget._repaint_required = False
        super()._on_timer_update()

    async def _on_update(self, message: messages.Update) -> None:
        # Textual calls Screen's handler after this one unless the default is prevented.
        widget = message.widget
        if isinstance(widget, Widget) and widget is not self and _drawn_since_changed(widget):
            message.stop()
            message.prevent_default()


def _drawn_since_changed(widget: Widget) -> bool:
    """Whether the widget's lines have been drawn since it last asked to be drawn: a widget
    drawn through Widget.render_line keeps the regions to draw again until it draws them
    (scroll views that draw their own lines keep them, and are never taken for drawn)."""
    return type(widget).render_line is Widget.render_line and not widget._dirty_regions
