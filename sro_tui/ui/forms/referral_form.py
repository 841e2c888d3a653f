"""Refer a student to a program: program, reason, linked incident or note, the parent's
consent and its date, and the next follow-up (two weeks unless changed).

Opened from the referral list (``n``), a student's timeline (``r``), an incident or a
mentoring note (prefilled with the student and the link).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from ...domain.days import DayError
from ...domain.enums import ConsentStatus
from ...domain.errors import SroError
from ...domain.referrals import DEFAULT_FOLLOW_UP, ReferralCreate, ReferralRead
from ..text import RecordTextArea, literal, visible
from ..widgets.day_field import DayField
from ..widgets.fields import LabelledField
from ..widgets.footer import SroFooter
from ..widgets.typeahead import Choice, TypeAhead
from .base import FieldProblems, FormScreen, student_choice, student_search
from .later import RestAfterFirstFrame

__all__ = ["ReferralFormScreen"]

CONSENT_OPTIONS = [
    ("Pending", ConsentStatus.PENDING.value),
    ("Yes", ConsentStatus.YES.value),
    ("No", ConsentStatus.NO.value),
]


@dataclass
class ReferralLoaded:
    """What the referral form reads from the store before it can save."""

    programs: list[tuple[Text, str]]
    payload: dict[str, Any] | None = None
    draft_key: str | None = None
    student: Choice | None = None
    problem: str = ""


@dataclass(frozen=True)
class ReferralToSave:
    """The checked referral, and the incident number typed (looked up in the save worker)."""

    data: ReferralCreate
    incident_number: str


class ReferralFormScreen(RestAfterFirstFrame, FormScreen):
    """A new referral. Dismissed with the saved ``ReferralRead``, or None."""

    FORM = "referral"
    WHAT = "this referral"
    AUTO_FOCUS = "#referral-student Input"

    CSS_PATH = "referral_form.tcss"
    REST_INTO = "#referral-body"

    def __init__(self, prefill: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id)
        self.student = TypeAhead(placeholder="name or district ID")
        self.program = Select[str]([], prompt="Program", allow_blank=True)
        self.reason = RecordTextArea(soft_wrap=True)
        self.referred_on = DayField(
            label="Referred on", required=True, placeholder="YYYY-MM-DD or t"
        )
        self.incident = Input(placeholder="e.g. SRO-2026-000123 (optional)")
        self.consent = Select[str](CONSENT_OPTIONS, allow_blank=False, value="pending")
        self.consent_on = DayField(label="Consent date", placeholder="YYYY-MM-DD or t")
        self.follow_up = DayField(label="Next follow-up", placeholder="YYYY-MM-DD or +14")
        self.incident_id: int | None = None
        self.note_id: int | None = None

    def compose(self) -> ComposeResult:
        from ..widgets.header import SroHeader

        yield SroHeader("New referral")
        with VerticalScroll(id="referral-body"):
            yield from self.compose_message()
            yield LabelledField(
                "Student", self.student, field="student_id", required=True, id="referral-student"
            )
            # The rest comes right after the first frame (rest()): the cursor starts in
            # the student, and the form takes keys sooner without its two Selects.
        yield SroFooter()

    def rest(self) -> list[Widget]:
        """The fields below the student, mounted after the first frame."""
        return [
            LabelledField("Program", self.program, field="program_code", required=True),
            LabelledField(
                "Reason", self.reason, field="reason", required=True, id="referral-reason"
            ),
            Horizontal(
                LabelledField("Referred on", self.referred_on, field="referred_on", required=True),
                LabelledField("Linked incident", self.incident, field="incident_id"),
                classes="row",
            ),
            Horizontal(
                LabelledField("Parent consent", self.consent, field="consent"),
                LabelledField("Consent date", self.consent_on, field="consent_on"),
                LabelledField(
                    "Next follow-up",
                    self.follow_up,
                    field="next_follow_up_on",
                    hint="default two weeks",
                ),
                classes="row",
            ),
            Horizontal(
                Label("ctrl+s save · esc back", id="referral-keys"),
                Static(self.status_text, classes="draft-status"),
                id="referral-status",
            ),
        ]

    def on_mount(self) -> None:
        # No store call here: load() reads in a worker; the search runs in its own.
        self.student.set_search(student_search(self.services, self.actor))
        self.mount_rest_later()
        if self.draft_id is None:
            self.when_mounted(self._defaults)

    def load(self) -> ReferralLoaded:
        services, actor = self.services, self.actor
        programs = [(literal(p.name), p.code) for p in services.reference.programs()]
        loaded = ReferralLoaded(programs=programs)
        if self.draft_id is not None:
            draft = services.drafts.get(actor, self.draft_id)
            loaded.draft_key = draft.key
            loaded.payload = dict(draft.payload)
            return loaded
        student_id = self.prefill.get("student_id")
        if student_id:
            try:
                loaded.student = student_choice(services.students.get(actor, int(student_id)))
            except SroError as exc:
                loaded.problem = exc.message
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, ReferralLoaded)
        self.program.set_options(loaded.programs)
        if loaded.payload is not None:
            if loaded.draft_key:
                self.draft_key = loaded.draft_key
            self.from_draft = True
            self.restore(loaded.payload)
            return
        if self.prefill.get("program_code"):
            self.program.value = str(self.prefill["program_code"])
        if loaded.student is not None:
            self.student.set_choice(loaded.student)
        if loaded.problem:
            self.show_problems({"student_id": loaded.problem})

    def _today(self) -> date:
        return self.services.ctx.today()

    def _defaults(self) -> None:
        """The form's own defaults (no store): today, two weeks, the prefilled links."""
        today = self._today()
        self.referred_on.set_day(today)
        self.follow_up.set_day(today + DEFAULT_FOLLOW_UP)
        self.incident_id = self.prefill.get("incident_id")
        self.note_id = self.prefill.get("note_id")
        if self.prefill.get("incident_number"):
            self.incident.value = str(self.prefill["incident_number"])
        if self.prefill.get("reason"):
            self.reason.load_text(str(self.prefill["reason"]))

    # -- drafts --------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        choice = self.student.choice
        program = self.program.value
        return {
            "student": [choice.value, choice.label, choice.detail] if choice else None,
            "student_text": self.student.text,
            "program": None if program is Select.NULL else program,
            "reason": self.reason.text,
            "referred_on": self.referred_on.value,
            "incident": self.incident.value,
            "incident_id": self.incident_id,
            "note_id": self.note_id,
            "consent": str(self.consent.value),
            "consent_on": self.consent_on.value,
            "follow_up": self.follow_up.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        student = payload.get("student")
        if student:
            self.student.set_choice(Choice(int(student[0]), str(student[1]), str(student[2])))
        else:
            self.student.set_choice(None, text=str(payload.get("student_text", "")))
        if payload.get("program"):
            self.program.value = str(payload["program"])
        self.reason.load_text(str(payload.get("reason", "")))
        self.referred_on.value = str(payload.get("referred_on", ""))
        self.incident.value = str(payload.get("incident", ""))
        self.incident_id = payload.get("incident_id")
        self.note_id = payload.get("note_id")
        self.consent.value = str(payload.get("consent", "pending"))
        self.consent_on.value = str(payload.get("consent_on", ""))
        self.follow_up.value = str(payload.get("follow_up", ""))

    def draft_title(self) -> str:
        who = self.student.choice.label if self.student.choice else "no student yet"
        return f"Referral — {who}"

    # -- save ----------------------------------------------------------------------------------

    @staticmethod
    def _day(problems: FieldProblems, field: str, day_field: DayField) -> date | None:
        try:
            return day_field.day()
        except DayError as exc:
            problems.add(field, str(exc))
            return None

    def build(self, problems: FieldProblems) -> ReferralToSave | None:
        if self.student.value is None:
            typed = self.student.text.strip()
            problems.add(
                "student_id",
                f"No student matches {typed!r}: pick one from the list"
                if typed
                else "Student is required: type a name or district ID and pick",
            )
        referred_on = self._day(problems, "referred_on", self.referred_on)
        consent_on = self._day(problems, "consent_on", self.consent_on)
        follow_up = self._day(problems, "next_follow_up_on", self.follow_up)
        number = self.incident.value.strip().upper()
        program = self.program.value
        values = {
            "student_id": self.student.value or 0,
            "program_code": "" if program is Select.NULL else program,
            "reason": self.reason.text,
            "referred_on": referred_on or self._today(),
            # A typed number is looked up in the save worker (an audited read).
            "incident_id": None,
            "note_id": self.note_id,
            "consent": str(self.consent.value),
            "consent_on": consent_on,
            "next_follow_up_on": follow_up,
        }
        if program is Select.NULL:
            problems.add("program_code", "Program is required: pick one")
        data = self.validate_model(ReferralCreate, problems, **values)
        return None if data is None else ReferralToSave(data, number)

    def persist(self, data: ReferralToSave) -> ReferralRead:
        referral = data.data
        if data.incident_number:
            try:
                found = self.services.incidents.get_by_number(self.actor, data.incident_number)
            except SroError:
                raise SroError(
                    f"No incident {data.incident_number} that you may see", field="incident_id"
                ) from None
            referral = referral.model_copy(update={"incident_id": found.id})
        return self.services.referrals.create(self.actor, referral)

    def saved(self, result: ReferralRead) -> None:
        self._finished = True
        self.app.notify(
            visible(f"Referred {result.student_name} to {result.program_name}"), markup=False
        )
        self.close_form(result)
