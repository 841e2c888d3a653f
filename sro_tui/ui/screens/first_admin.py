"""A new, empty store: create the first administrator, then sign in as them.

Not the sign-in form (``widgets/sign_in.py``): a name and the password twice, no one-time
code. It shares the form's field keys, so a fast typist's Tab or Enter moves on at once and
every key lands in the field it was typed for."""

from __future__ import annotations

from pydantic import ValidationError
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Center, Middle, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Label, Static

from ...domain.enums import Role
from ...domain.errors import SroError
from ...domain.officers import SYSTEM_ACTOR, Actor, OfficerCreate
from ...domain.validation import field_errors
from ..access import SroAccess
from ..store_messages import store_problem
from ..text import literal
from ..widgets.field_keys import FIELD_KEYS, FieldKeys
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader

FIELDS = (
    ("badge", "Badge", False),
    ("name", "Name", False),
    ("password", "Password", True),
    ("again", "Password again", True),
)

LENGTHS = {"badge": 10, "name": 100, "password": 128, "again": 128}


class FirstAdminScreen(FieldKeys, SroAccess, Screen[Actor | None]):
    """Dismissed with the new administrator, signed in."""

    CSS_PATH = "first_admin.tcss"
    AUTO_FOCUS = "#badge"
    BINDINGS = [*FIELD_KEYS]
    FIELD_ORDER = tuple(f"#{name}" for name, _label, _secret in FIELDS)

    def compose(self) -> ComposeResult:
        yield SroHeader("First start")
        with Middle(), Center(), Vertical(id="first-admin-box", classes="dialog") as box:
            box.border_title = "Create the first administrator"
            yield Static(
                "This store has no officers yet. The first account is an administrator, "
                "who then adds the officers.",
                classes="hint",
            )
            for name, label, secret in FIELDS:
                yield Label(label, classes="field-label")
                yield Input(id=name, password=secret, max_length=LENGTHS[name], compact=True)
                yield Static("", id=f"{name}-error", classes="field-error")
            yield Static("", id="first-admin-message", classes="field-error")
            yield Button("Create and sign in", id="create", variant="primary", compact=True)
        yield SroFooter(compact=True)

    @on(Input.Submitted, "#again")  # Enter in the other fields moves on (FIELD_KEYS)
    @on(Button.Pressed, "#create")
    def submit(self) -> None:
        values = {name: self.query_one(f"#{name}", Input).value for name, _l, _s in FIELDS}
        problems: dict[str, str] = {}
        try:
            data = OfficerCreate(badge=values["badge"], name=values["name"], role=Role.ADMIN)
        except ValidationError as exc:
            for problem in field_errors(exc, OfficerCreate):
                problems.setdefault(problem.field, str(problem))
            data = None
        if not values["password"]:
            problems["password"] = "Choose a password"
        elif values["password"] != values["again"]:
            problems["again"] = "The two passwords differ"
        self.show_problems(problems)
        if problems or data is None:
            return
        self.query_one("#create", Button).disabled = True
        self.create(data, values["password"])

    @work(thread=True, exclusive=True, group="first-admin")
    def create(self, data: OfficerCreate, password: str) -> None:
        services = self.sro.services
        assert services is not None
        try:
            if services.officers.count() > 0:
                raise SroError("Someone else has just created the first officer: sign in instead")
            services.officers.create(SYSTEM_ACTOR, data, password)
            actor = services.officers.authenticate(data.badge, password)
        except SroError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        except Exception as exc:
            self.app.call_from_thread(self._failed, SroError(store_problem(exc)))
            return
        self.app.call_from_thread(self._created, actor)

    def _failed(self, exc: SroError) -> None:
        self.query_one("#create", Button).disabled = False
        self.show_problems({exc.field or "": str(exc)})

    def _created(self, actor: Actor) -> None:
        self.sro.officer_count = 1
        self.dismiss(actor)

    def show_problems(self, problems: dict[str, str]) -> None:
        first = None
        for name, _label, _secret in FIELDS:
            text = problems.get(name, "")
            error = self.query_one(f"#{name}-error", Static)
            error.update(literal(text))
            error.set_class(bool(text), "-shown")
            if text and first is None:
                first = name
        names = {name for name, _label, _secret in FIELDS}
        loose = "; ".join(text for name, text in problems.items() if name not in names)
        message = self.query_one("#first-admin-message", Static)
        message.update(literal(loose))
        message.set_class(bool(loose), "-shown")
        if first is not None:
            self.query_one(f"#{first}", Input).focus()
