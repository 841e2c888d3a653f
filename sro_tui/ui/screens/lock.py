"""The lock: a full, opaque screen (nothing of the records behind it shows) that only the
password opens. Another officer may unlock with their own badge: the first is signed out,
their drafts stay in the store."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Horizontal, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from ...domain.errors import SroError
from ...domain.officers import Actor
from ..access import SroAccess
from ..text import literal
from ..widgets.field_keys import FIELD_KEYS, FieldKeys
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader


class LockScreen(FieldKeys, SroAccess, Screen[Actor | None]):
    """Dismissed with the officer who unlocked, or None when the officer chose to sign out."""

    AUTO_FOCUS = "#lock-password"
    BINDINGS = [*FIELD_KEYS]
    FIELD_ORDER = ("#lock-badge", "#lock-password", "#lock-otp")

    def __init__(self, actor: Actor) -> None:
        super().__init__()
        self.actor = actor

    def compose(self) -> ComposeResult:
        yield SroHeader("Locked")
        with Middle(), Center(), Vertical(id="lock-box", classes="dialog") as box:
            box.border_title = "Locked"
            yield Static(
                literal(
                    f"Locked by {self.actor.name} (badge {self.actor.badge}).\n"
                    "Type the password to go on. "
                    "Another officer may sign in with their own badge.",
                    multiline=True,
                ),
                id="lock-who",
                classes="hint",
            )
            yield Label("Badge", classes="field-label")
            yield Input(self.actor.badge, id="lock-badge", max_length=10, compact=True)
            yield Label("Password", classes="field-label")
            yield Input(id="lock-password", password=True, compact=True)
            # Shown only when the account asks for its one-time code.
            yield Label("One-time code", classes="field-label otp")
            yield Input(id="lock-otp", max_length=6, compact=True, classes="otp")
            yield Static("", id="lock-error", classes="field-error")
            with Horizontal(classes="buttons"):
                yield Button("Unlock", id="unlock", variant="primary", compact=True)
                yield Button("Sign out", id="lock-sign-out", compact=True)
        yield SroFooter(compact=True)

    def on_mount(self) -> None:
        self._show_otp(False)

    def _show_otp(self, shown: bool) -> None:
        for widget in self.query(".otp"):
            widget.display = shown

    @on(Input.Changed, "#lock-badge")
    @on(Input.Changed, "#lock-password")
    def _credentials_changed(self) -> None:
        if self.query_one("#lock-otp", Input).display:
            self._show_otp(False)
            self.query_one("#lock-otp", Input).value = ""

    @on(Input.Submitted, "#lock-password")
    @on(Input.Submitted, "#lock-otp")
    @on(Button.Pressed, "#unlock")
    def submit(self) -> None:
        badge = self.query_one("#lock-badge", Input).value.strip()
        password = self.query_one("#lock-password", Input).value
        otp_input = self.query_one("#lock-otp", Input)
        otp = otp_input.value.strip() if otp_input.display else None
        if not badge or not password:
            self._error("Type the badge and the password")
            return
        self.query_one("#unlock", Button).disabled = True
        self.authenticate(badge, password, otp or None)

    @on(Button.Pressed, "#lock-sign-out")
    def _sign_out(self) -> None:
        self.dismiss(None)

    @work(thread=True, exclusive=True, group="unlock")
    def authenticate(self, badge: str, password: str, otp: str | None = None) -> None:
        services = self.sro.services
        assert services is not None
        try:
            actor = services.officers.authenticate(badge, password, otp=otp)
        except SroError as exc:
            if exc.field == "otp":
                self.app.call_from_thread(self._ask_code, str(exc))
            else:
                self.app.call_from_thread(self._refused, str(exc))
            return
        except Exception as exc:
            from ..app import store_problem

            self.app.call_from_thread(self._refused, store_problem(exc))
            return
        self.app.call_from_thread(self.dismiss, actor)

    def _ask_code(self, message: str) -> None:
        self.query_one("#unlock", Button).disabled = False
        otp = self.query_one("#lock-otp", Input)
        otp.value = ""
        self._show_otp(True)
        otp.focus()
        self._error(message)

    def _refused(self, message: str) -> None:
        self._show_otp(False)
        self.query_one("#unlock", Button).disabled = False
        password = self.query_one("#lock-password", Input)
        password.value = ""
        password.focus()
        self._error(message)

    def _error(self, message: str) -> None:
        error = self.query_one("#lock-error", Static)
        error.update(literal(message))
        error.set_class(bool(message), "-shown")
