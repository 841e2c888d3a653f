"""Refer a student to a program: program, reason, linked incident or note, the parent's
consent and its date, and the next follow-up (two weeks unless changed).

Opened from the referral list (``n``), a student's timeline (``r``), an incident or a
mentoring note (prefilled with the student and the link).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Input, Label, Select, Static

from ...domain.enums import ConsentStatus
from ...domain.errors import SroError
from ...domain.referrals import DEFAULT_FOLLOW_UP, ReferralCreate, ReferralRead
from ..text import RecordTextArea, literal, visible
from ..widgets.fields import LabelledField
from ..widgets.footer import SroFooter
from ..widgets.typeahead import Choice, TypeAhead
from .base import FieldProblems, FormScreen, student_choice, student_search

__all__ = ["ReferralFormScreen", "parse_day"]

CONSENT_OPTIONS = [
    ("Pending", ConsentStatus.PENDING.value),
    ("Yes", ConsentStatus.YES.value),
    ("No", ConsentStatus.NO.value),
]


def parse_day(text: str, today: date) -> date | None:
    """A day typed as 2026-09-14, 'today', or +N / -N days from today; '' is None."""
    value = text.strip().lower()
    if not value:
        return None
    if value in {"t", "today"}:
        return today
    if value[0] in "+-" and value[1:].isdigit():
        return today + timedelta(days=int(value))
    return date.fromisoformat(value)


class ReferralFormScreen(FormScreen):
    """A new referral. Dismissed with the saved ``ReferralRead``, or None."""

    FORM = "referral"
    WHAT = "this referral"
    AUTO_FOCUS = "#referral-student Input"

    DEFAULT_CSS = (
        FormScreen.DEFAULT_CSS
        + """
    ReferralFormScreen #referral-body {
        padding: 0 1;
    }
    ReferralFormScreen #referral-reason TextArea {
        height: 5;
    }
    ReferralFormScreen .row {
        height: auto;
    }
    ReferralFormScreen .row > LabelledField {
        width: 1fr;
    }
    ReferralFormScreen #referral-status {
        height: 1;
    }
    ReferralFormScreen #referral-keys {
        width: 1fr;
        color: $text-muted;
    }
    """
    )

    def __init__(self, prefill: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id)
        self.student = TypeAhead(placeholder="name or district ID")
        self.program = Select[str]([], prompt="Program", allow_blank=True)
        self.reason = RecordTextArea(soft_wrap=True)
        self.referred_on = Input(placeholder="YYYY-MM-DD or today")
        self.incident = Input(placeholder="e.g. SRO-2026-000123 (optional)")
        self.consent = Select[str](CONSENT_OPTIONS, allow_blank=False, value="pending")
        self.consent_on = Input(placeholder="YYYY-MM-DD")
        self.follow_up = Input(placeholder="YYYY-MM-DD or +14")
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
            yield LabelledField("Program", self.program, field="program_code", required=True)
            yield LabelledField(
                "Reason", self.reason, field="reason", required=True, id="referral-reason"
            )
            with Horizontal(classes="row"):
                yield LabelledField(
                    "Referred on", self.referred_on, field="referred_on", required=True
                )
                yield LabelledField("Linked incident", self.incident, field="incident_id")
            with Horizontal(classes="row"):
                yield LabelledField("Parent consent", self.consent, field="consent")
                yield LabelledField("Consent date", self.consent_on, field="consent_on")
                yield LabelledField(
                    "Next follow-up",
                    self.follow_up,
                    field="next_follow_up_on",
                    hint="default two weeks",
                )
            with Horizontal(id="referral-status"):
                yield Label("ctrl+s save · esc back", id="referral-keys")
                yield Static("", classes="draft-status")
        yield SroFooter()

    def on_mount(self) -> None:
        services = self.services
        self.student._search = student_search(services, self.actor)
        self.program.set_options([(literal(p.name), p.code) for p in services.reference.programs()])
        payload: dict[str, Any] | None = None
        if self.draft_id is not None:
            try:
                draft = services.drafts.get(self.actor, self.draft_id)
                self.draft_key = draft.key
                payload = draft.payload
            except SroError as exc:
                self.handle_error(exc)
        if payload is not None:
            self.restore(payload)
        else:
            self._defaults()
        self.call_after_refresh(self.take_baseline, changed=payload is not None)

    def _today(self) -> date:
        return self.services.ctx.today()

    def _defaults(self) -> None:
        today = self._today()
        self.referred_on.value = today.isoformat()
        self.follow_up.value = (today + DEFAULT_FOLLOW_UP).isoformat()
        student_id = self.prefill.get("student_id")
        if student_id:
            try:
                student = self.services.students.get(self.actor, int(student_id))
                self.student.set_choice(student_choice(student))
            except SroError as exc:
                self.handle_error(exc)
        self.incident_id = self.prefill.get("incident_id")
        self.note_id = self.prefill.get("note_id")
        if self.prefill.get("incident_number"):
            self.incident.value = str(self.prefill["incident_number"])
        if self.prefill.get("reason"):
            self.reason.load_text(str(self.prefill["reason"]))
        if self.prefill.get("program_code"):
            self.program.value = str(self.prefill["program_code"])

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

    def _day(self, problems: FieldProblems, field: str, label: str, text: str) -> date | None:
        try:
            return parse_day(text, self._today())
        except ValueError:
            problems.add(field, f"{label} must be a date like 2026-09-14")
            return None

    def build(self, problems: FieldProblems) -> ReferralCreate | None:
        if self.student.value is None:
            typed = self.student.text.strip()
            problems.add(
                "student_id",
                f"No student matches {typed!r}: pick one from the list"
                if typed
                else "Student is required: type a name or district ID and pick",
            )
        referred_on = self._day(problems, "referred_on", "Referred on", self.referred_on.value)
        if referred_on is None and "referred_on" not in problems:
            problems.add("referred_on", "Referred on is required")
        consent_on = self._day(problems, "consent_on", "Consent date", self.consent_on.value)
        follow_up = self._day(problems, "next_follow_up_on", "Next follow-up", self.follow_up.value)
        incident_id = self.incident_id
        number = self.incident.value.strip().upper()
        if number:
            try:
                incident_id = self.services.incidents.get_by_number(self.actor, number).id
            except SroError:
                problems.add("incident_id", f"No incident {number} that you may see")
        else:
            incident_id = None
        program = self.program.value
        values = {
            "student_id": self.student.value or 0,
            "program_code": "" if program is Select.NULL else program,
            "reason": self.reason.text,
            "referred_on": referred_on or self._today(),
            "incident_id": incident_id,
            "note_id": self.note_id,
            "consent": str(self.consent.value),
            "consent_on": consent_on,
            "next_follow_up_on": follow_up,
        }
        data = self.validate_model(ReferralCreate, problems, **values)
        if program is Select.NULL:
            problems.add("program_code", "Program is required: pick one")
        return data

    def persist(self, data: ReferralCreate) -> ReferralRead:
        return self.services.referrals.create(self.actor, data)

    def saved(self, result: ReferralRead) -> None:
        self._finished = True
        self.app.notify(
            visible(f"Referred {result.student_name} to {result.program_name}"), markup=False
        )
        self.close_form(result)
