"""A placeholder for an area that a later release builds (mentoring, referrals, …)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle
from textual.screen import Screen
from textual.widgets import Static

from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader


class ComingScreen(Screen[None]):
    """Says plainly that this part is not built yet, and how to get back."""

    BINDINGS = [Binding("escape", "back", "Back", show=False)]

    def __init__(self, what: str) -> None:
        super().__init__()
        self.what = what

    def compose(self) -> ComposeResult:
        yield SroHeader(self.what)
        with Middle(), Center():
            yield Static(
                f"[b]{self.what}[/b] is coming in a later release.\n\n"
                "Press [b]f2[/b] for Today, [b]f1[/b] for help.",
                id="coming-text",
                classes="notice",
            )
        yield SroFooter(compact=True)

    def action_back(self) -> None:
        if len(self.app.screen_stack) > 1:
            self.app.pop_screen()
