"""The report as the Reports screen shows it: its Markdown drawn in one widget.

Textual's ``Markdown`` widget makes a widget of every block and every table cell: a monthly
report's tables came to about 300 widgets, each styled, laid out and drawn again whenever the
screen was shown or its focus moved (3 s from F8 to the drawn report on a large store, issue
16). ``report_text`` draws the same Markdown (headings, tables, lists) with Rich's parts, as
Rich's ``Markdown`` did but without importing a Markdown parser: one widget. The report's text
is never read as Textual or Rich markup.

Drawing a report's tables is slow (a monthly report: tens of ms), and Textual draws a widget's
renderable more than once per layout (its height, then its lines, again when a scrollbar
appears). :class:`ReportDrawing` keeps what Rich drew per width; the report's worker draws it
beforehand, off the UI thread, at the widths the view is likely to have, so the UI thread only
copies lines (issue 16: F8 and each report key).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from rich.console import Console, ConsoleOptions, RenderResult
from rich.segment import Segment
from textual.widgets import Static

from .report_text import draw_report_text

__all__ = ["ReportDrawing", "ReportView"]


class ReportDrawing:
    """A report's Markdown as a Rich renderable that draws it once per width (and console
    options that change the drawing) and then gives the same segments again."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._drawn: dict[tuple[Any, ...], list[Segment]] = {}
        self._lock = threading.Lock()

    @staticmethod
    def _key(options: ConsoleOptions) -> tuple[Any, ...]:
        return (
            options.max_width,
            options.min_width,
            options.justify,
            options.overflow,
            options.no_wrap,
            options.encoding,
            options.legacy_windows,
            options.markup,
            options.highlight,
        )

    def segments(self, console: Console, options: ConsoleOptions) -> list[Segment]:
        key = self._key(options)
        with self._lock:
            drawn = self._drawn.get(key)
        if drawn is None:
            drawn = list(draw_report_text(self.source, console, options))
            with self._lock:
                self._drawn[key] = drawn
        return drawn

    def prepare(self, console: Console, options: ConsoleOptions, widths: Iterable[int]) -> None:
        """Draw the report at each of ``widths`` now (a worker thread: the UI thread then
        finds the drawing done). ``options``: the app's console options, as Textual passes
        them to a widget's renderable."""
        for width in widths:
            if width > 0:
                self.segments(console, options.update_width(width))

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self.segments(console, options)


class ReportView(Static):
    """One report's Markdown; :attr:`source` is the text last shown."""

    DEFAULT_CSS = """
    ReportView {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.source = ""

    def show(self, source: str | ReportDrawing) -> None:
        """Draw ``source`` (Markdown, or a drawing made ready by a worker); an empty text
        clears the view."""
        drawing = source if isinstance(source, ReportDrawing) else ReportDrawing(source)
        self.source = drawing.source
        self.update(drawing if drawing.source else "")

    def likely_widths(self, screen_width: int) -> tuple[int, ...]:
        """The widths the report's lines will be drawn at: the view's now (a report that
        gains or loses the scroll bar is drawn again at the new width, on the UI thread),
        or, before the first layout, the screen's less this view's padding, with and without
        the scroll bar of the container (a long report has one)."""
        if self.size.width > 0:
            return (self.size.width,)
        parent = self.parent
        bar = parent.styles.scrollbar_size_vertical if parent is not None else 0
        width = screen_width - self.styles.padding.width
        return (width, width - bar)
