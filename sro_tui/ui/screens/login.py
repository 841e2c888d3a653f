"""Sign-in: badge and password, then the one-time code for an officer with an authenticator
app. The store opens behind this screen; the button works once it is ready. A wrong password
keeps the badge and clears the password."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from ...domain.errors import SroError
from ...domain.officers import Actor
from ..access import SroAccess
from ..text import literal
from ..widgets.field_keys import FIELD_KEYS, FieldKeys
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader


class LoginScreen(FieldKeys, SroAccess, Screen[None]):
    """The first screen: who is signing in."""

    AUTO_FOCUS = "#badge"
    BINDINGS = [*FIELD_KEYS]
    FIELD_ORDER = ("#badge", "#password", "#otp")

    def compose(self) -> ComposeResult:
        yield SroHeader("Sign in")
        with Middle(), Center(), Vertical(id="login-box", classes="dialog") as box:
            box.border_title = "Sign in"
            yield Static("School Resource Officer campus log", id="login-title")
            yield Label("Badge", classes="field-label")
            yield Input(id="badge", max_length=10, placeholder="badge number", compact=True)
            yield Static("", id="badge-error", classes="field-error")
            yield Label("Password", classes="field-label")
            yield Input(id="password", password=True, placeholder="password", compact=True)
            yield Static("", id="password-error", classes="field-error")
            # Shown only when the officer's account asks for a second factor.
            yield Label("One-time code", id="otp-label", classes="field-label otp")
            yield Input(
                id="otp",
                max_length=6,
                placeholder="6 digits from your app",
                compact=True,
                classes="otp",
            )
            yield Static("", id="otp-error", classes="field-error")
            yield Button("Sign in", id="sign-in", variant="primary", disabled=True, compact=True)
            yield Static("Opening the store…", id="login-status")
        yield SroFooter(compact=True)

    def on_mount(self) -> None:
        self._show_otp(False)
        if self.sro.services is not None and self.sro.officer_count is not None:
            self.store_ready()
        elif self.sro.store_error:
            self.store_failed(self.sro.store_error)

    # -- the store ---------------------------------------------------------------------------

    def store_ready(self) -> None:
        if not self.is_mounted:
            return  # on_mount reads the app's state itself
        status = self.query_one("#login-status", Static)
        status.update("DEMO store: practice data only" if self.sro.demo else "")
        status.set_class(self.sro.demo, "-demo")
        self.query_one("#sign-in", Button).disabled = False
        self.query_one(SroHeader).refresh()

    def store_failed(self, message: str) -> None:
        if not self.is_mounted:
            return
        status = self.query_one("#login-status", Static)
        status.update(literal(message))
        status.add_class("-error")
        self.query_one("#sign-in", Button).disabled = True

    # -- signing in --------------------------------------------------------------------------

    def _show_otp(self, shown: bool) -> None:
        for widget in self.query(".otp"):
            widget.display = shown

    @on(Input.Changed, "#badge")
    @on(Input.Changed, "#password")
    def _credentials_changed(self) -> None:
        """A different badge or password starts the sign-in over: no code asked yet."""
        if self.query_one("#otp", Input).display:
            self._show_otp(False)
            self.query_one("#otp", Input).value = ""

    @on(Input.Submitted, "#password")
    @on(Input.Submitted, "#otp")
    @on(Button.Pressed, "#sign-in")
    def submit(self) -> None:
        badge = self.query_one("#badge", Input).value.strip()
        password = self.query_one("#password", Input).value
        otp_input = self.query_one("#otp", Input)
        otp = otp_input.value.strip() if otp_input.display else None
        self._set_errors()
        if self.sro.services is None or self.sro.officer_count is None:
            self._set_errors(password=self.sro.store_error or "The store is still opening…")
            return
        if not badge:
            self._set_errors(badge="Type your badge number")
            self.query_one("#badge", Input).focus()
            return
        if not password:
            self._set_errors(password="Type your password")
            self.query_one("#password", Input).focus()
            return
        button = self.query_one("#sign-in", Button)
        button.disabled = True
        button.label = "Checking…"
        self.authenticate(badge, password, otp or None)

    @work(thread=True, exclusive=True, group="login")
    def authenticate(self, badge: str, password: str, otp: str | None = None) -> None:
        """The password hash is slow on purpose: never on the UI thread."""
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
        self.app.call_from_thread(self._accepted, actor)

    def _ask_code(self, message: str) -> None:
        """The password was right; the account also wants its one-time code (or the code
        given was wrong). The password stays typed."""
        self._done_checking()
        otp = self.query_one("#otp", Input)
        with otp.prevent(Input.Changed):
            otp.value = ""
        self._show_otp(True)
        self._set_errors(otp=message)
        otp.focus()

    def _refused(self, message: str) -> None:
        self._done_checking()
        self._show_otp(False)
        password = self.query_one("#password", Input)
        password.value = ""
        self._set_errors(password=message)
        password.focus()

    def _accepted(self, actor: Actor) -> None:
        self._done_checking()
        self.reset(keep_badge=False)
        self.sro.begin_session(actor)

    def _done_checking(self) -> None:
        button = self.query_one("#sign-in", Button)
        button.label = "Sign in"
        button.disabled = self.sro.services is None

    def _set_errors(self, *, badge: str = "", password: str = "", otp: str = "") -> None:
        for name, text in (("badge", badge), ("password", password), ("otp", otp)):
            error = self.query_one(f"#{name}-error", Static)
            error.update(literal(text))
            error.set_class(bool(text), "-shown")
            self.query_one(f"#{name}", Input).set_class(bool(text), "-invalid")

    def reset(self, *, keep_badge: bool = True) -> None:
        """Ready for the next sign-in (after a sign-out)."""
        self._set_errors()
        self.query_one("#password", Input).value = ""
        self.query_one("#otp", Input).value = ""
        self._show_otp(False)
        badge = self.query_one("#badge", Input)
        if not keep_badge:
            badge.value = ""
        (self.query_one("#password", Input) if badge.value else badge).focus()
        self.query_one(SroHeader).refresh()
