"""The lock: a full, opaque screen (nothing of the records behind it shows) that only the
password opens (the form: ``widgets/sign_in.py``); 12 hours after the password was last
given it locks whether idle or not, and says so (CJIS). Another officer may unlock with
their own badge: the first is signed out, their drafts stay in the store."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from ...domain.officers import Actor, password_again_due
from ..access import SroAccess
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.sign_in import SignInForm


class LockScreen(SroAccess, Screen[Actor | None]):
    """Dismissed with the officer who unlocked, or None when the officer chose to sign out."""

    CSS_PATH = "lock.tcss"
    AUTO_FOCUS = "#lock-password"

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def compose(self) -> ComposeResult:
        yield SroHeader("Locked")
        with Middle(), Center(), Vertical(id="lock-box", classes="dialog") as box:
            box.border_title = "Locked"
            why = (
                "12 hours since the password was given: type it again to go on (CJIS). "
                if password_again_due(self.actor, self.sro.now())
                else "Type the password to go on. "
            )
            yield Static(
                literal(
                    f"Locked by {self.actor.name} (badge {self.actor.badge}).\n"
                    f"{why}Another officer may sign in with their own badge.",
                    multiline=True,
                ),
                id="lock-who",
                classes="hint",
            )
            yield SignInForm(badge=self.actor.badge, prefix="lock-", id="lock-form")
            with Horizontal(classes="buttons"):
                yield Button("Unlock", id="unlock", variant="primary", compact=True)
                yield Button("Sign out", id="lock-sign-out", compact=True)
        yield SroFooter(compact=True)

    def on_mount(self) -> None:
        self.watch(self.query_one(SignInForm), "checking", self._checking)

    @on(Button.Pressed, "#unlock")
    def submit(self) -> None:
        self.query_one(SignInForm).submit()

    @on(SignInForm.Submitted)
    def _submitted(self, event: SignInForm.Submitted) -> None:
        event.form.check(event.badge, event.password, event.otp)

    def _checking(self, checking: bool) -> None:
        self.query_one("#unlock", Button).disabled = checking

    @on(SignInForm.SignedIn)
    def _signed_in(self, event: SignInForm.SignedIn) -> None:
        self.dismiss(event.actor)

    @on(Button.Pressed, "#lock-sign-out")
    def _sign_out(self) -> None:
        self.dismiss(None)
