"""A DataTable that keeps its drawn rows when it is restyled to the same look.

Textual restyles every widget of a screen each time the screen comes back (a list returned to
with F4) and on each focus change; DataTable answers every restyle by dropping all its drawn
cells, lines and rows, so each return drew every visible cell again through Rich: most of a
list screen's return (issue 16). This table drops them only when what they were drawn with
has changed: its own style, its parts' styles (cursor, header, stripes: a theme change or the
focus alters them) and its pseudo-classes. That is judged when it next draws, after Textual
has also restyled the parts.

It also draws a one-line text cell itself (:meth:`_render_cell`): the same segments Rich's
general path gives (cut or ellipsis at the column's edge, padded, the row's and the cursor's
styles around the text's own), without Rich's nested renderables, which took some 200 us a
cell, most of the time of drawing a list's page. Anything else (the header, a cell that is
not one line of text) goes to DataTable's own drawing. tests/test_ui_steady_table.py checks
the two give equal segments. Its scrollbars are drawn again only when they change
(``SteadyScrollbars``).
"""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable

from .steady_scrollbars import SteadyScrollbars

__all__ = ["SteadyTable"]

SegmentLines = list[list[Segment]]
DrawnLook = tuple[Style, tuple[tuple[str, Style, Style], ...]]


class SteadyTable(SteadyScrollbars, DataTable[Any]):
    """A DataTable whose rendered rows survive a restyle that changes nothing."""

    _restyled = False
    _drawn_look: DrawnLook | None = None
    _overflow: str | None = None

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

    def settle(self) -> None:
        """Measure the rows just added (or changed) now, in the frame that draws them.
        DataTable does it when it next goes idle, after that frame: its virtual size, hence
        its scrollbar (and any column that widened), then came in a frame of their own, some
        30 ms later (issue 16). Call after filling the table."""
        if self._updated_cells:
            updated = self._updated_cells.copy()
            self._updated_cells.clear()
            self._update_column_widths(updated)
        if self._require_update_dimensions:
            self._require_update_dimensions = False
            new_rows = self._new_rows.copy()
            self._new_rows.clear()
            self._update_dimensions(new_rows)
        if self.size and self.virtual_size != self._scrolled_for:
            # Its scrollbars too: left to the frame's layout, a scrollbar that appears
            # (a first page longer than the screen) asked for a second layout and a third
            # frame, the whole table drawn again one scrollbar narrower.
            self._scroll_update(self.virtual_size)

    def drawn_look(self) -> DrawnLook:
        """What the rendered rows depend on besides their keys (the caches' keys hold the
        cursor, hover, size and pseudo-classes): the table's style and each part's."""
        parts = tuple(
            (name, styles.rich_style, styles.partial_rich_style)
            for name in sorted(self.COMPONENT_CLASSES)
            for styles in (self.get_component_styles(name),)
        )
        return self.rich_style, parts

    def _render_cell(
        self,
        row_index: int,
        column_index: int,
        base_style: Style,
        width: int,
        cursor: bool = False,
        hover: bool = False,
    ) -> SegmentLines:
        if (
            row_index < self.fixed_rows  # the header (-1) and fixed rows
            or column_index < self.fixed_columns  # a row label (-1) and fixed columns
        ):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        if row_key is None or column_key is None:  # not a row or column (any more)
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        # DataTable's own key: the two drawings share one cache.
        key = (
            row_key,
            column_key,
            base_style,
            cursor,
            hover,
            self._show_hover_cursor,
            self._update_count,
            self._pseudo_class_state,
        )
        cached = self._cell_render_cache.get(key)
        if cached is not None:
            return cached
        content = self._get_row_renderables(row_index).cells[column_index]
        if self.rows[row_key].height != 1 or not one_line_text(content):
            return super()._render_cell(row_index, column_index, base_style, width, cursor, hover)
        assert isinstance(content, Text)
        part_style, after_style = self._get_styles_to_render_cell(
            False,
            False,
            False,
            hover,
            cursor,
            self.show_cursor,
            self._show_hover_cursor,
            self.cursor_foreground_priority == "css",
            self.cursor_background_priority == "css",
        )
        before_style = (
            base_style + Style.from_meta({"row": row_index, "column": column_index}) + part_style
        )
        console = self.app.console
        if self._overflow is None:  # the app's console options are built anew at each call
            self._overflow = self.app.console_options.overflow or "fold"
        line = text_line(
            console, content, width, self.cell_padding, self._overflow, before_style, after_style
        )
        lines = [line]
        self._cell_render_cache[key] = lines
        return lines


def one_line_text(content: object) -> bool:
    """A cell :func:`text_line` draws as Rich would: text on one line, no tab, left as it
    comes (justified text is padded inside its own style)."""
    return (
        isinstance(content, Text)
        and content.justify in (None, "default")
        and "\n" not in content.plain
        and "\t" not in content.plain
    )


def text_line(
    console: Console,
    content: Text,
    width: int,
    padding: int,
    overflow: str,
    before: Style,
    after: Style,
) -> list[Segment]:
    """One line ``width`` cells wide: ``padding`` blanks, the text cut (or ended with an
    ellipsis) to what is left, blanks to the edge, ``padding`` blanks; every segment styled
    ``before`` + its own + ``after``."""
    inner = max(width - 2 * padding, 0)
    text = content.copy()
    text.rstrip_end(inner)
    text.truncate(inner, overflow=text.overflow or overflow)  # type: ignore[arg-type]
    blank = console.get_style("none")
    # Joined as Rich joins a text's lines: the text's own style becomes a span (Text.render
    # alone leaves out the style of a text without spans).
    segments = list(Text("\n").join([text]).render(console))
    short = inner - text.cell_len
    if short > 0:
        segments.append(Segment(" " * short, blank))
    if padding:
        edge = Segment(" " * padding, blank)
        segments = [edge, *segments, edge]
    return list(Segment.apply_style(segments, style=before, post_style=after))
