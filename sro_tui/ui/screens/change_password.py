"""Change one's own password: the current one, the new one twice, and at the new one's field
why it would be refused (too short, common, easy to guess: zxcvbn) while it is typed.

Opened by its key from any screen of a session, and at once after a sign-in with a one-time
password (an administrator's reset): then there is no way past it but a new password (escape
signs out). The check and the change run in thread workers (the hash is slow on purpose)."""

from __future__ import annotations

from dataclasses import replace

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from ...domain.actor import Actor
from ...domain.errors import SroError
from ..access import SroAccess
from ..store_messages import store_problem
from ..text import literal
from ..widgets.field_keys import FIELD_KEYS, FieldKeys
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader

FIELDS = (
    ("current", "Current password"),
    ("password", "New password"),
    ("again", "New password again"),
)


class ChangePasswordScreen(FieldKeys, SroAccess, Screen[Actor | None]):
    """Dismissed with the officer as signed in after the change, or None (not changed)."""

    CSS_PATH = "change_password.tcss"
    AUTO_FOCUS = "#current"
    BINDINGS = [
        *FIELD_KEYS,
        Binding("escape", "cancel", "Cancel", id="password.cancel"),
    ]
    FIELD_ORDER = tuple(f"#{name}" for name, _label in FIELDS)

    def __init__(self, actor: Actor, *, forced: bool = False) -> None:
        super().__init__()
        self.actor = actor
        self.forced = forced

    def compose(self) -> ComposeResult:
        yield SroHeader("Change password")
        with Middle(), Center(), Vertical(id="password-box", classes="dialog") as box:
            box.border_title = "Change your password"
            hint = (
                "An administrator set a one-time password for you: choose your own now. "
                "Escape signs out."
                if self.forced
                else "A passphrase of a few uncommon words is easy to type and hard to guess."
            )
            yield Static(
                literal(f"{self.actor.name} (badge {self.actor.badge}). {hint}"),
                id="password-who",
                classes="hint",
            )
            for name, label in FIELDS:
                yield Label(label, classes="field-label")
                yield Input(id=name, password=True, max_length=128, compact=True)
                yield Static("", id=f"{name}-error", classes="field-error")
            yield Button("Change password", id="change", variant="primary", compact=True)
        yield SroFooter(compact=True)

    # -- the strength message while typing -------------------------------------------------

    @on(Input.Changed, "#password")
    def _typed(self, event: Input.Changed) -> None:
        if event.value:
            self._judge(event.value)
        else:
            self.show_problems({})

    @work(thread=True, exclusive=True, group="password-strength", exit_on_error=False)
    def _judge(self, password: str) -> None:
        services = self.sro.services
        if services is None:
            return
        problem = services.security.password_problem(
            password, badge=self.actor.badge, name=self.actor.name
        )
        self.app.call_from_thread(self._judged, password, problem or "")

    def _judged(self, password: str, problem: str) -> None:
        if self.query_one("#password", Input).value == password:
            self._show("password", problem)

    # -- the change ------------------------------------------------------------------------

    @on(Input.Submitted, "#again")  # Enter in the other fields moves on (FIELD_KEYS)
    @on(Button.Pressed, "#change")
    def submit(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value for name, _label in FIELDS}
        problems: dict[str, str] = {}
        if not values["current"]:
            problems["current"] = "Type your current password"
        if not values["password"]:
            problems["password"] = "Choose a new password"
        elif values["password"] != values["again"]:
            problems["again"] = "The two new passwords differ"
        self.show_problems(problems)
        if problems:
            return
        self.query_one("#change", Button).disabled = True
        self._change(values["current"], values["password"])

    @work(thread=True, exclusive=True, group="password-change")
    def _change(self, current: str, password: str) -> None:
        services = self.sro.services
        if services is None:
            return
        try:
            services.officers.set_password(
                self.actor, self.actor.badge, password, current_password=current
            )
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        except Exception as exc:
            self.app.call_from_thread(self._failed, SroError(store_problem(exc)))
            return
        self.app.call_from_thread(self._changed)

    def _failed(self, exc: SroError) -> None:
        self.query_one("#change", Button).disabled = False
        field = exc.field if exc.field in ("current", "password") else "password"
        if field == "current":
            self.query_one("#current", Input).value = ""
        self.show_problems({field: str(exc)})

    def _changed(self) -> None:
        self.notify("Password changed", timeout=4)
        self.dismiss(replace(self.actor, password_must_change=False))

    def action_cancel(self) -> None:
        self.dismiss(None)

    # -- messages at the fields -------------------------------------------------------------

    def _show(self, name: str, text: str) -> None:
        error = self.query_one(f"#{name}-error", Static)
        error.update(literal(text))
        error.set_class(bool(text), "-shown")
        self.query_one(f"#{name}", Input).set_class(bool(text), "-invalid")

    def show_problems(self, problems: dict[str, str]) -> None:
        first = None
        for name, _label in FIELDS:
            text = problems.get(name, "")
            self._show(name, text)
            if text and first is None:
                first = name
        if first is not None:
            self.query_one(f"#{first}", Input).focus()
