"""The report as the Reports screen shows it: its Markdown drawn by Rich in one widget.

Textual's ``Markdown`` widget makes a widget of every block and every table cell: a monthly
report's tables came to about 300 widgets, each styled, laid out and drawn again whenever the
screen was shown or its focus moved (3 s from F8 to the drawn report on a large store, issue
16). Rich draws the same Markdown (headings, tables, lists) as one renderable: one widget. The
report's text is never read as Textual or Rich markup: Rich's Markdown makes plain text of it.
"""

from __future__ import annotations

from rich.markdown import Markdown as RichMarkdown
from textual.widgets import Static

__all__ = ["ReportView"]


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

    def show(self, source: str) -> None:
        """Draw ``source`` (Markdown); an empty text clears the view."""
        self.source = source
        self.update(RichMarkdown(source, hyperlinks=False) if source else "")
