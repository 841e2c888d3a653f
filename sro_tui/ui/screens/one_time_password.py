"""The one-time password of an officer just added (Administration, ``a`` on Officers): shown
once, to be handed to the officer, who must change it at the first sign-in. It is not kept
anywhere (the store holds its hash only) and goes when this dialog closes."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from ...domain.officers import OfficerRead
from ..text import literal

__all__ = ["OneTimePasswordScreen"]


class OneTimePasswordScreen(ModalScreen[None]):
    """The password in large type with what to do with it. Keys: Enter or Escape close."""

    CSS_PATH = "one_time_password.tcss"
    BINDINGS = [
        Binding("enter,escape", "close", "Close", id="password.close"),
    ]

    def __init__(self, officer: OfficerRead, password: str) -> None:
        super().__init__()
        self.officer = officer
        self.password = password

    def compose(self) -> ComposeResult:
        officer = self.officer
        with Vertical(id="one-time-box") as box:
            box.border_title = "One-time password"
            yield Static(
                literal(f"Added {officer.role.value} {officer.name}, badge {officer.badge}."),
                classes="one-time-who",
            )
            yield Static(literal(self.password), id="one-time-password")
            yield Static(
                "Give it to the officer now: it is shown only this once. They sign in with "
                "it and choose their own password at once.",
                classes="one-time-help",
            )
            yield Static("Enter or Esc closes", classes="one-time-keys")

    def action_close(self) -> None:
        self.password = ""
        self.dismiss(None)
