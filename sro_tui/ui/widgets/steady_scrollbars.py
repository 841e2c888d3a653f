"""Scroll views whose scrollbars are drawn again only when they change.

Textual's ``ScrollView`` (DataTable, OptionList) learns of each layout of its screen through
``_size_updated``, given the compositor's virtual size, which for a scroll view is the size of
its viewport, and compares that with its own (its rows). Whenever there are more rows than
fit, the two differ at every layout, so every layout of the screen (a key echoed in a search
box, a status line that changed) redrew the list's scrollbars, and a list that sets its
virtual size as it draws asked for a second layout (issue 16: a search key's results came in
three frames, the last two for the same scrollbar; each type-ahead key drew the list's
scrollbar once more).

``SteadyScrollbars`` updates them when what they show can change: the view's size, its
container's size, or its own virtual size since they were last set.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from textual.geometry import Size
from textual.widgets import OptionList

if TYPE_CHECKING:
    from textual.scroll_view import ScrollView

    _ScrollView = ScrollView
else:
    # A plain mixin at run time: Textual inherits CSS and component classes along the first
    # base that is a DOM node, which must stay the widget's own (DataTable, OptionList).
    _ScrollView = object

__all__ = ["SteadyOptionList", "SteadyScrollbars"]


class SteadyScrollbars(_ScrollView):
    """Mixed into a ScrollView subclass, before it: ``class T(SteadyScrollbars, DataTable)``."""

    _scrolled_for: Size | None = None
    """The virtual size the scrollbars were last set for."""

    def _scroll_update(self, virtual_size: Size) -> None:
        self._scrolled_for = virtual_size
        super()._scroll_update(virtual_size)

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        # As ScrollView's, but the compositor's virtual size (the viewport's) is not this
        # view's: its own is compared with the one its scrollbars were last set for.
        if (
            self._size == size
            and self._container_size == size - self.styles.gutter.totals
            and self.virtual_size == self._scrolled_for
        ):
            return self._container_size != container_size
        return super()._size_updated(size, self._forced(virtual_size), container_size, layout)

    def _forced(self, virtual_size: Size) -> Any:
        """A virtual size that ScrollView's comparison cannot take for this view's own, so
        that it sets the scrollbars (from ``self.virtual_size``, as it always does)."""
        if virtual_size == self.virtual_size:
            return Size(virtual_size.width + 1, virtual_size.height)
        return virtual_size


class SteadyOptionList(SteadyScrollbars, OptionList):
    """An OptionList whose scrollbar is drawn again only when it changes (search results,
    Today's lines)."""
