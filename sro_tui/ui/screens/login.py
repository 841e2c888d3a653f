"""Sign-in: badge and password, then the one-time code for an officer with an authenticator
app (the form: ``widgets/sign_in.py``). The store opens behind this screen; the button works
once it is ready. A wrong password keeps the badge and clears the password.

An officer signed in with a one-time password (an administrator's reset) goes straight to the
change of password. A session ended because the account changed (disabled, another role or
other schools, a reset: :func:`end_session`) comes back here with the reason on the form."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast
from weakref import WeakKeyDictionary

from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Button, Static

from ..access import SroAccess
from ..kept_styles import KeptStyles
from ..text import literal
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.sign_in import SignInForm

if TYPE_CHECKING:
    from textual.app import App

    from ...domain.actor import Actor
    from ..app import SroApp

# Why the last session ended, shown on the sign-in form when it is back (one per app).
_REASONS: WeakKeyDictionary[App[object], str] = WeakKeyDictionary()


def end_session(app: App[object], reason: str) -> None:
    """The signed-in officer's account changed (services.security.RightsChecked refused a
    call): sign out, the open forms keeping their drafts as they close, and say why on the
    sign-in screen. Once per session, however many workers were refused."""
    sro = cast("SroApp", app)
    if getattr(sro, "actor", None) is None or app in _REASONS or not hasattr(sro, "sign_out"):
        return
    _REASONS[app] = reason
    sro.sign_out()


class SignInButton(Button, inherit_css=False):
    """The sign-in button: a compact primary Button styled by the rules it uses alone.

    Textual's Button brings some 7,000 characters of CSS for every variant and style; parsing
    them and matching them was ~5 ms of the sign-in screen's first frame (issue 16). These
    rules draw it the same (the snapshots say so); other screens' buttons parse Button's own
    CSS when they first show."""

    DEFAULT_CSS = """
    SignInButton {
        width: auto;
        min-width: 16;
        height: auto;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        pointer: pointer;
        text-style: bold;
        color: $button-color-foreground;
        background: $primary;
        border: none;
        &:disabled {
            text-opacity: 0.6;
            pointer: not-allowed;
        }
        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
        &:hover {
            background: $primary-darken-2;
        }
        &.-active {
            tint: $background 30%;
        }
    }
    """

    def __init__(self, label: str, *, id: str) -> None:
        super().__init__(label, id=id, variant="primary", disabled=True, compact=True)


class LoginScreen(KeptStyles, SroAccess, Screen[None]):
    """The first screen: who is signing in."""

    CSS_PATH = "login.tcss"  # also in the app's CSS_PATH: read with it, no reparse to show
    AUTO_FOCUS = "#badge"

    def compose(self) -> ComposeResult:
        yield SroHeader("Sign in")
        # The box is centred by the screen's own alignment (login.tcss): fewer containers to
        # lay out before the first frame (issue 16).
        with Vertical(id="login-box", classes="dialog") as box:
            box.border_title = "Sign in"
            yield Static("School Resource Officer campus log", id="login-title")
            yield SignInForm(id="login-form")
            yield SignInButton("Sign in", id="sign-in")
            yield Static("Opening the store…", id="login-status")
        yield SroFooter(compact=True)

    @property
    def form(self) -> SignInForm:
        return self.query_one(SignInForm)

    def on_mount(self) -> None:
        self.watch(self.form, "checking", self._checking)
        if self.sro.services is not None and self.sro.officer_count is not None:
            self.store_ready()
        elif self.sro.store_error:
            self.store_failed(self.sro.store_error)

    # -- the store ---------------------------------------------------------------------------

    def _store_open(self) -> bool:
        return self.sro.services is not None and self.sro.officer_count is not None

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

    @on(Button.Pressed, "#sign-in")
    def submit(self) -> None:
        self.form.submit()

    @on(SignInForm.Submitted)
    def _submitted(self, event: SignInForm.Submitted) -> None:
        if not self._store_open():
            message = self.sro.store_error or "The store is still opening…"
            event.form.show_message(message, "password")
            return
        event.form.check(event.badge, event.password, event.otp)

    def _checking(self, checking: bool) -> None:
        button = self.query_one("#sign-in", Button)
        button.label = "Checking…" if checking else "Sign in"
        button.disabled = checking or not self._store_open()

    @on(SignInForm.SignedIn)
    def _signed_in(self, event: SignInForm.SignedIn) -> None:
        _REASONS.pop(self.app, None)
        if event.actor.password_must_change:
            from .change_password import ChangePasswordScreen  # rare: not at start-up

            self.app.push_screen(
                ChangePasswordScreen(event.actor, forced=True), self._one_time_changed
            )
            return
        self.reset(keep_badge=False)
        self.sro.begin_session(event.actor)

    def _one_time_changed(self, actor: Actor | None) -> None:
        """After the forced change: the session begins; without it, back to the sign-in."""
        if actor is None:
            self.reset(keep_badge=True)
            return
        self.reset(keep_badge=False)
        self.sro.begin_session(actor)

    def reset(self, *, keep_badge: bool = True) -> None:
        """Ready for the next sign-in (after a sign-out), saying why the session ended when
        the account changed under it."""
        self.form.reset(keep_badge=keep_badge)
        reason = _REASONS.pop(self.app, None)
        if reason:
            self.form.show_message(reason)  # the keyboard stays where reset put it
        self.query_one(SroHeader).refresh()
