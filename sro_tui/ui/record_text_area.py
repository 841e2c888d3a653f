"""The editor for record text (narratives, notes, reasons); ``ui.text`` names it too (and
imports this module only when it is first asked for: Textual's TextArea is not needed by the
sign-in screen, issue 16)."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import TextArea

from .text import VISIBLE_HIGHLIGHTER

__all__ = ["RecordTextArea"]


class RecordTextArea(TextArea):
    """A ``TextArea`` for record text (narratives, notes, reasons): what it draws has each
    hidden character as a visible stand-in; the document, and so what is saved, is as typed."""

    def get_line(self, line_index: int) -> Text:
        line = super().get_line(line_index)
        VISIBLE_HIGHLIGHTER.highlight(line)
        return line
