"""A new trespass warning (PC 626.8, 627.7): w on Campus security, or Enter when the watch
check found nobody (the name typed comes along).

Name, age (or date of birth) and a description are what the office needs; the school is
today's, the statute PC 626.8 and the period the statutory 7 days unless changed (longer
notices: the department's setting). The statutory text the person is given shows under the
fields as they are chosen, and is kept with the warning. Enter in a one-line field or ctrl+s
saves.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from ...domain.drafts import DraftRead
from ...domain.errors import NotFound
from ...domain.trespass import (
    STATUTORY_DAYS,
    PersonKind,
    Statute,
    TrespassWarningCreate,
    TrespassWarningRead,
    statute_text,
)
from ..forms.base import FieldProblems, FormModal
from ..widgets.fields import LabelledField

__all__ = ["WARNING_KEYS", "TrespassWarningForm"]

WARNING_KEYS: list[tuple[str, str]] = [
    ("ctrl+g", "Campus security; the cursor is in the watch check"),
    ("…", "the person's name"),
    ("enter", "nobody found: a new warning with that name"),
    ("…", "age"),
    ("tab", "to Description"),
    ("…", "what the person looks like"),
    ("enter", "save: today's school, PC 626.8, 7 days"),
]
"""Recording a warning (the Pilot test presses exactly these; "…" is typed text)."""

KIND_OPTIONS = [
    ("Adult", PersonKind.ADULT.value),
    ("Student of another school", PersonKind.STUDENT_OTHER_SCHOOL.value),
    ("Juvenile (not a student here)", PersonKind.JUVENILE.value),
]
STATUTE_OPTIONS = [
    ("PC 626.8: directed to leave", Statute.PC_626_8.value),
    ("PC 627.7: registration revoked", Statute.PC_627_7.value),
]


@dataclass
class WarningLoaded:
    days: list[int]
    schools: dict[str, int] = field(default_factory=dict)
    draft: DraftRead | None = None


class TrespassWarningForm(FormModal):
    """The warning dialog; dismissed with the new ``TrespassWarningRead``, or None."""

    FORM = "trespass_warning"
    WHAT = "this trespass warning"
    CSS_PATH = "trespass_warning.tcss"
    AUTO_FOCUS = "#warn-name"

    def __init__(self, prefill: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id)
        self.schools: dict[str, int] = {}
        self.day_choices = [STATUTORY_DAYS]
        self.name_box = Input(placeholder="last and first name", compact=True, id="warn-name")
        self.age = Input(
            placeholder="years", type="integer", max_length=3, compact=True, id="warn-age"
        )
        self.description = Input(
            placeholder="clothing, build, vehicle…", compact=True, id="warn-description"
        )
        self.birth_date = Input(placeholder="YYYY-MM-DD", compact=True, id="warn-dob")
        self.kind: Select[str] = Select(
            KIND_OPTIONS,
            value=PersonKind.ADULT.value,
            allow_blank=False,
            compact=True,
            id="warn-kind",
        )
        self.school_codes = Input(
            placeholder="school codes, e.g. VHS,BHS", compact=True, id="warn-schools"
        )
        self.statute: Select[str] = Select(
            STATUTE_OPTIONS,
            value=Statute.PC_626_8.value,
            allow_blank=False,
            compact=True,
            id="warn-statute",
        )
        self.days: Select[int] = Select(
            [(f"{STATUTORY_DAYS} days", STATUTORY_DAYS)],
            value=STATUTORY_DAYS,
            allow_blank=False,
            compact=True,
            id="warn-days",
        )
        self.photo = Input(placeholder="optional", compact=True, id="warn-photo")
        self.incident = Input(
            placeholder="optional, e.g. SRO-2026-000123", compact=True, id="warn-incident"
        )
        self.text_shown = Static("", id="warn-text", markup=False)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="warn-body") as body:
            body.border_title = "Trespass warning"
            yield from self.compose_message()
            yield LabelledField("Name", self.name_box, field="person_name", required=True)
            with Horizontal(classes="row"):
                yield LabelledField("Age", self.age, field="age")
                yield LabelledField("Description", self.description, field="description")
            with Horizontal(classes="row"):
                yield LabelledField("or date of birth", self.birth_date, field="birth_date")
                yield LabelledField("Adult or student", self.kind, field="person_kind")
            with Horizontal(classes="row"):
                yield LabelledField("Schools", self.school_codes, field="school_ids")
                yield LabelledField("Statute", self.statute, field="statute")
                yield LabelledField("Period", self.days, field="days")
            with Horizontal(classes="row"):
                yield LabelledField("Photo reference", self.photo, field="photo_ref")
                yield LabelledField("Incident", self.incident, field="incident_id")
            yield self.text_shown
            with Horizontal(id="warn-status"):
                yield Label("enter/ctrl+s save · esc back · tab next field")
                yield Static("", classes="draft-status")

    def on_mount(self) -> None:
        name = str(self.prefill.get("person_name", "")).strip()
        self.name_box.value = name
        school = self.sro.school
        if school is not None:
            self.school_codes.value = school.code
        self._show_text()
        if name:
            self.age.focus()  # the check gave the name: typing goes on with the age

    @on(Select.Changed)
    def _chosen(self, _event: Select.Changed) -> None:
        self._show_text()

    def _show_text(self) -> None:
        statute = self.statute.value
        days = self.days.value
        if isinstance(statute, str) and isinstance(days, int):
            self.text_shown.update(statute_text(Statute(statute), days))

    # -- loading -------------------------------------------------------------------------------

    def load(self) -> WarningLoaded:
        services = self.services
        loaded = WarningLoaded(days=services.trespass.allowed_days())
        loaded.schools = {s.code: s.id for s in services.reference.schools()}
        if self.draft_id is not None:
            loaded.draft = services.drafts.get(self.actor, self.draft_id)
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, WarningLoaded)
        self.schools = loaded.schools
        self.day_choices = loaded.days
        chosen = self.days.value
        self.days.set_options([(f"{d} days", d) for d in loaded.days])
        self.days.value = chosen if chosen in loaded.days else STATUTORY_DAYS
        if loaded.draft is not None:
            self.draft_key = loaded.draft.key
            self.from_draft = True
            self.restore(loaded.draft.payload)
        self._show_text()

    # -- drafts --------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        return {
            "person_name": self.name_box.value,
            "age": self.age.value,
            "birth_date": self.birth_date.value,
            "description": self.description.value,
            "person_kind": self.kind.value,
            "schools": self.school_codes.value,
            "statute": self.statute.value,
            "days": self.days.value,
            "photo_ref": self.photo.value,
            "incident": self.incident.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        self.name_box.value = str(payload.get("person_name", ""))
        self.age.value = str(payload.get("age", ""))
        self.birth_date.value = str(payload.get("birth_date", ""))
        self.description.value = str(payload.get("description", ""))
        if payload.get("person_kind") in {k.value for k in PersonKind}:
            self.kind.value = str(payload["person_kind"])
        self.school_codes.value = str(payload.get("schools", ""))
        if payload.get("statute") in {s.value for s in Statute}:
            self.statute.value = str(payload["statute"])
        days = payload.get("days")
        if isinstance(days, int) and days in self.day_choices:
            self.days.value = days
        self.photo.value = str(payload.get("photo_ref", ""))
        self.incident.value = str(payload.get("incident", ""))

    def draft_title(self) -> str:
        name = self.name_box.value.strip() or "no name yet"
        return f"Trespass warning — {name}"

    # -- save ----------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> tuple[TrespassWarningCreate, str] | None:
        age: int | None = None
        if self.age.value.strip():
            try:
                age = int(self.age.value)
            except ValueError:
                problems.add("age", "Age must be a whole number of years")
        birth: date | None = None
        if self.birth_date.value.strip():
            try:
                birth = date.fromisoformat(self.birth_date.value.strip())
            except ValueError:
                problems.add("birth_date", "Date of birth: type it as YYYY-MM-DD")
        codes = [c.strip().upper() for c in self.school_codes.value.split(",") if c.strip()]
        unknown = [c for c in codes if c not in self.schools]
        if unknown:
            problems.add("school_ids", f"No school with code {unknown[0]!r}")
        elif not codes:
            problems.add("school_ids", "Give the school (its code) the warning covers")
        if age is None and birth is None and "age" not in problems:
            problems.add("age", "Give an age or a date of birth")
        if problems:
            return None
        data = self.validate_model(
            TrespassWarningCreate,
            problems,
            person_name=self.name_box.value,
            age=age,
            birth_date=birth,
            description=self.description.value,
            photo_ref=self.photo.value,
            person_kind=self.kind.value,
            school_ids=[self.schools[c] for c in codes],
            statute=self.statute.value,
            days=self.days.value,
        )
        return None if data is None else (data, self.incident.value.strip())

    def persist(self, data: tuple[TrespassWarningCreate, str]) -> TrespassWarningRead:
        warning, number = data
        if number:
            try:
                incident = self.services.incidents.get_by_number(self.actor, number)
            except NotFound:
                raise NotFound(f"No incident {number}", field="incident_id") from None
            warning = warning.model_copy(update={"incident_id": incident.id})
        return self.services.trespass.warn(self.actor, warning)

    def saved(self, result: TrespassWarningRead) -> None:
        self._finished = True
        self.app.notify(
            f"Warning #{result.id} recorded: in force through {result.last_day.isoformat()}",
            title="Trespass warning",
            markup=False,
        )
        self.close_form(result)
