"""A DataTable that keeps its drawn rows when it is restyled to the same look.

Textual restyles every widget of a screen each time the screen comes back (a list returned to
with F4) and on each focus change; DataTable answers every restyle by dropping all its drawn
cells, lines and rows, so each return drew every visible cell again through Rich: most of a
list screen's return (issue 16). This table drops them only when what they were drawn with
has changed: its own style, its parts' styles (cursor, header, stripes: a theme change or the
focus alters them) and its pseudo-classes. That is judged when it next draws, after Textual
has also restyled the parts.
"""

from __future__ import annotations

from typing import Any

from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable

__all__ = ["SteadyTable"]

DrawnLook = tuple[Style, tuple[tuple[str, Style, Style], ...]]


class SteadyTable(DataTable[Any]):
    """A DataTable whose rendered rows survive a restyle that changes nothing."""

    _restyled = False
    _drawn_look: DrawnLook | None = None

    def notify_style_update(self) -> None:
        # Widget's own (its cached rich styles), not DataTable's (every rendered row).
        Widget.notify_style_update(self)
        self._restyled = True
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        if self._restyled:
            self._restyled = False
            look = self.drawn_look()
            if look != self._drawn_look:
                self._drawn_look = look
                self._clear_caches()
        return super().render_lines(crop)

    def drawn_look(self) -> DrawnLook:
        """What the rendered rows depend on besides their keys (the caches' keys hold the
        cursor, hover, size and pseudo-classes): the table's style and each part's."""
        parts = tuple(
            (name, styles.rich_style, styles.partial_rich_style)
            for name in sorted(self.COMPONENT_CLASSES)
            for styles in (self.get_component_styles(name),)
        )
        return self.rich_style, parts
