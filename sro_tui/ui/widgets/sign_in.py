"""The badge and password form of the sign-in and the lock screens.

One widget for both: the badge, the password and (only when the account asks for it) the
one-time code, each key kept in the field it was typed for however fast it came
(:mod:`.field_keys`), one message line under the fields, and the password check in a thread
worker (the hash is slow on purpose).

The screen around it keeps what differs: it listens for :class:`SignInForm.Submitted` (the
fields are filled in), starts :meth:`SignInForm.check` when it is ready to, and acts on
:class:`SignInForm.SignedIn`. Its own buttons follow :attr:`SignInForm.checking`.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import var
from textual.widgets import Input, Label, Static

from ...domain.actor import Actor
from ...domain.errors import SroError
from ..access import SroAccess
from ..store_messages import store_problem
from ..text import literal
from .field_keys import FIELD_KEYS, FieldKeys

__all__ = ["SignInForm"]

FIELDS = ("badge", "password", "otp")


class SignInForm(FieldKeys, SroAccess, Vertical):
    """Badge, password and one-time code, with a message line.

    The ids of its widgets are ``prefix`` + ``badge``, ``password``, ``otp`` and ``error``
    (the message line), so that a screen's selectors name them as before.
    """

    # Its own label class, not the dialogs' ``field-label``: the first label must not add a
    # line above the form (a margin inside the form does not collapse with the one above it).
    DEFAULT_CSS = """
    SignInForm {
        height: auto;
    }
    SignInForm > .sign-in-label {
        color: $text-muted;
        margin-top: 1;
    }
    SignInForm > .sign-in-label:first-child {
        margin-top: 0;
    }
    """

    BINDINGS = [*FIELD_KEYS]

    checking: var[bool] = var(False)
    """True while the password is being checked (a screen disables its buttons)."""

    @dataclass
    class Submitted(Message):
        """The officer asked to sign in with these (badge and password typed; the code only
        when it is asked for, else None). Nothing is checked yet."""

        form: SignInForm
        badge: str
        password: str
        otp: str | None

        @property
        def control(self) -> SignInForm:
            return self.form

    @dataclass
    class SignedIn(Message):
        """The password (and the code, if asked for) was right: this officer signed in."""

        form: SignInForm
        actor: Actor

        @property
        def control(self) -> SignInForm:
            return self.form

    def __init__(self, *, badge: str = "", prefix: str = "", id: str | None = None) -> None:
        super().__init__(id=id)
        self._badge = badge
        self.prefix = prefix
        self.FIELD_ORDER = tuple(f"#{prefix}{name}" for name in FIELDS)

    def compose(self) -> ComposeResult:
        prefix = self.prefix
        yield Label("Badge", classes="sign-in-label")
        yield Input(
            self._badge,
            id=f"{prefix}badge",
            max_length=10,
            placeholder="badge number",
            compact=True,
        )
        yield Label("Password", classes="sign-in-label")
        yield Input(id=f"{prefix}password", password=True, placeholder="password", compact=True)
        # Shown only when the officer's account asks for a second factor.
        yield Label("One-time code", classes="sign-in-label otp")
        yield Input(
            id=f"{prefix}otp",
            max_length=6,
            placeholder="6 digits from your app",
            compact=True,
            classes="otp",
        )
        yield Static("", id=f"{prefix}error", classes="field-error")

    def on_mount(self) -> None:
        self._show_otp(False)

    def field(self, name: str) -> Input:
        """One of the form's inputs: ``badge``, ``password`` or ``otp``."""
        return self.query_one(f"#{self.prefix}{name}", Input)

    # -- typing ------------------------------------------------------------------------------

    def _show_otp(self, shown: bool) -> None:
        for widget in self.query(".otp"):
            widget.display = shown

    @on(Input.Changed)
    def _credentials_changed(self, event: Input.Changed) -> None:
        """A different badge or password starts the sign-in over: no code asked yet."""
        otp = self.field("otp")
        if event.input is not otp and otp.display:
            self._show_otp(False)
            with otp.prevent(Input.Changed):
                otp.value = ""

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        """Enter in the last field shown (the field keys moved on from the others)."""
        event.stop()
        self.submit()

    def submit(self) -> None:
        """The officer asks to sign in (Enter, or the screen's button): both fields must be
        typed; the screen then starts :meth:`check`. Ignored while a check runs."""
        if self.checking:
            return
        badge = self.field("badge").value.strip()
        password = self.field("password").value
        otp = self.field("otp")
        code = otp.value.strip() if otp.display else ""
        if not badge:
            self.show_message("Type your badge number", "badge")
        elif not password:
            self.show_message("Type your password", "password")
        else:
            self.show_message("")
            self.post_message(self.Submitted(self, badge, password, code or None))

    # -- the check ---------------------------------------------------------------------------

    def check(self, badge: str, password: str, otp: str | None = None) -> None:
        """Check the password (and the code) off the UI thread; :class:`SignedIn` follows a
        right one, the message line says why a wrong one was refused."""
        self.checking = True
        self._authenticate(badge, password, otp)

    @work(thread=True, exclusive=True, group="sign-in")
    def _authenticate(self, badge: str, password: str, otp: str | None) -> None:
        """The password hash is slow on purpose: never on the UI thread."""
        services = self.sro.services
        if services is None:
            message = self.sro.store_error or "The store is still opening…"
            self.app.call_from_thread(self._refused, message)
            return
        try:
            actor = services.officers.authenticate(badge, password, otp=otp)
        except SroError as exc:
            if exc.field == "otp":
                self.app.call_from_thread(self._ask_code, str(exc))
            else:
                self.app.call_from_thread(self._refused, str(exc))
            return
        except Exception as exc:
            self.app.call_from_thread(self._refused, store_problem(exc))
            return
        self.app.call_from_thread(self._accepted, actor)

    def _ask_code(self, message: str) -> None:
        """The password was right; the account also wants its one-time code (or the code
        given was wrong). The password stays typed."""
        self.checking = False
        otp = self.field("otp")
        with otp.prevent(Input.Changed):
            otp.value = ""
        self._show_otp(True)
        self.show_message(message, "otp")

    def _refused(self, message: str) -> None:
        """A wrong password (or a locked account): the badge stays, the password goes."""
        self.checking = False
        self._show_otp(False)
        password = self.field("password")
        password.value = ""
        self.show_message(message, "password")

    def _accepted(self, actor: Actor) -> None:
        self.checking = False
        self.post_message(self.SignedIn(self, actor))

    # -- what the officer sees ---------------------------------------------------------------

    def show_message(self, text: str, field: str | None = None) -> None:
        """``text`` on the message line (empty clears it); with ``field``, that field is
        marked and takes the keyboard."""
        line = self.query_one(f"#{self.prefix}error", Static)
        line.update(literal(text))
        line.set_class(bool(text), "-shown")
        for name in FIELDS:
            self.field(name).set_class(bool(text) and name == field, "-invalid")
        if field is not None:
            self.field(field).focus()

    def reset(self, *, keep_badge: bool = True) -> None:
        """Ready for the next sign-in (after a sign-out): the keyboard on the password when
        the badge is kept, else on the badge."""
        self.show_message("")
        self.field("password").value = ""
        self.field("otp").value = ""
        self._show_otp(False)
        badge = self.field("badge")
        if not keep_badge:
            badge.value = ""
        (self.field("password") if badge.value else badge).focus()
