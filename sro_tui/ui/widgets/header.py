"""The top line of every screen: who is signed in, at which school, which day, and a
DEMO banner on a demo store (so nobody enters a real case into it)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widget import Widget

from ..access import SroAccess
from ..text import append_literal

if TYPE_CHECKING:
    from ..app import SroApp


class SroHeader(SroAccess, Widget):
    """One line; reads the app's session each time it renders."""

    DEFAULT_CSS = """
    SroHeader {
        dock: top;
        height: 1;
        background: $panel;
        color: $foreground;
    }
    """

    DAY_CHECK_SECONDS = 30.0
    """How often the header looks whether the day it shows has turned."""

    def __init__(self, title: str = "", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.title = title
        self._day_drawn = ""

    def on_mount(self) -> None:
        self.set_interval(self.DAY_CHECK_SECONDS, self._check_day)

    def _check_day(self) -> None:
        """Drawn again when the day has turned, on the screen shown only: each kept area has
        a header, and a redraw every 30 s of each, hidden ones included, drew the screen on
        the terminal again in full (a search's results drawn, then the whole screen a
        moment later; issue 16). A screen shown again after midnight shows the new day at
        its next check (Today and the checklist at once: :meth:`redraw_with_screen`)."""
        if self.screen.is_current and self._day() != self._day_drawn:
            self.refresh()

    def _day(self) -> str:
        return f"{self.sro.local_now():%a %b %-d}"

    def redraw_with_screen(self) -> None:
        """Its screen is back and draws all of itself next: drawn anew in that frame (the
        date may have turned), without a repaint request of its own, which would reach the
        screen after that frame and draw the header twice (issue 16)."""
        self._set_dirty()

    def render(self) -> Text:
        app = self.sro
        self._day_drawn = self._day()
        width = self.size.width
        # Narrow terminals: the school's code instead of its name, then no screen title.
        for long_school, with_title in ((True, True), (False, True), (False, False)):
            left = self._left(app, with_title)
            right = self._right(app, long_school)
            if left.cell_len + right.cell_len + 1 <= width:
                break
        gap = max(1, width - left.cell_len - right.cell_len)
        return Text.assemble(left, " " * gap, right, no_wrap=True, overflow="ellipsis")

    def _left(self, app: SroApp, with_title: bool) -> Text:
        left = Text()
        if app.demo:
            left.append(" DEMO ", style="bold reverse red")
            left.append(" ")
        left.append("sro-tui", style="bold")
        if self.title and with_title:
            append_literal(left, f" · {self.title}")
        return left

    def _right(self, app: SroApp, long_school: bool) -> Text:
        parts = []
        if app.actor is not None:
            parts.append(f"{app.actor.badge} {app.actor.name}")
        if app.school is not None:
            parts.append(app.school.name if long_school else app.school.code)
        parts.append(self._day_drawn)
        return append_literal(Text(), " · ".join(parts) + " ")  # names: record text
