"""A screen's status line ("31 shown · Enter opens · n new").

A list says its status again after every page, focus change and return to the screen, most
often in the words already shown. Textual's Label lays out and draws the whole screen again
on every update, the same words or not: a second full frame some 30 ms after each return to a
list (issue 16). This line changes only when its words do.
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Label

__all__ = ["StatusLine"]


class StatusLine(Label):
    def update(self, content: VisualType = "", *, layout: bool = True) -> None:
        if content == self.content:
            return  # already shown
        super().update(content, layout=layout)
