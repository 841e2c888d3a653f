"""The full incident report: when, where, what (categories), who, outcomes, notifications,
narrative; saved as a draft report, submitted for review, and after approval read-only with
supplements.

The form scrolls (usable at 80x24). Every edit is autosaved as a draft (``forms.base``); an
existing report's draft is keyed by its id, so reopening the report brings the changes back.
"""

from __future__ import annotations

import itertools
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import (
    Button,
    Checkbox,
    Label,
    Select,
    SelectionList,
    Static,
    TextArea,
)

from ...domain.enums import (
    ComplianceKind,
    GangInvolvement,
    IncidentStatus,
    OutcomeKind,
    PersonRole,
    SuspectedUse,
    WeaponType,
)
from ...domain.errors import SroError
from ...domain.incidents import (
    ComplianceIn,
    IncidentCreate,
    IncidentRead,
    IncidentUpdate,
    OffenseIn,
    PersonIn,
    ReviewDecision,
    SupplementCreate,
    required_compliance,
)
from ...domain.permissions import may_edit_incident, may_review
from ...domain.schools import CategoryRead
from ...domain.timeparse import TimeParseError, format_local
from ...domain.validation import field_errors
from ..forms.base import (
    FieldProblems,
    FormScreen,
    category_choices,
    location_choices,
    student_search,
)
from ..text import RecordTextArea, literal, visible
from ..unexpected import unexpected
from ..widgets.confirm import ConfirmScreen
from ..widgets.fields import LabelledField, TimeField
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.typeahead import Choice, TypeAhead

__all__ = ["IncidentFormScreen", "SupplementScreen", "WriteScreen"]

_ids = itertools.count(1)

PEOPLE_ROLES = [(r.value.capitalize(), r.value) for r in PersonRole]
WEAPONS = [(f"Weapon: {w.value}", w.value) for w in WeaponType]
USES = [(f"Suspected use: {u.value}", u.value) for u in SuspectedUse]
GANGS = [(f"Gang: {g.value}", g.value) for g in GangInvolvement]


def _local(moment: datetime | None, tz: Any) -> str:
    return format_local(moment, tz) if moment else ""


class OffenseRow(Vertical):
    """One category of the incident with its per-offense details."""

    DEFAULT_CSS = """
    OffenseRow {
        height: auto;
        border-left: thick $primary 50%;
        padding-left: 1;
        margin-bottom: 1;
    }
    OffenseRow .offense-flags {
        height: auto;
    }
    OffenseRow .offense-flags Select {
        width: 1fr;
    }
    OffenseRow .offense-flags Checkbox {
        width: auto;
    }
    """

    def __init__(self, choices: list[Choice], data: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.uid = next(_ids)
        data = data or {}
        picked = next((c for c in choices if c.value == data.get("code")), None)
        self.category = TypeAhead(
            choices=choices,
            value=picked,
            text=str(data.get("text", "")),
            placeholder="type: fight, weapon, 13B…",
        )
        self.most_severe = Checkbox(
            "Most severe", bool(data.get("most_severe")), compact=True, classes="most-severe"
        )
        self.attempted = Checkbox("Attempted", bool(data.get("attempted")), compact=True)
        self.weapon: Select[str] = Select(
            WEAPONS, value=data.get("weapon", "none"), allow_blank=False, compact=True
        )
        self.suspected_use: Select[str] = Select(
            USES, value=data.get("suspected_use", "none"), allow_blank=False, compact=True
        )
        self.gang: Select[str] = Select(
            GANGS, value=data.get("gang", "none"), allow_blank=False, compact=True
        )

    @property
    def field_name(self) -> str:
        return f"offense-{self.uid}"

    def compose(self) -> ComposeResult:
        yield LabelledField("Category", self.category, field=self.field_name, required=True)
        with Horizontal(classes="offense-flags"):
            yield self.most_severe
            yield self.attempted
            yield Button("Remove", compact=True, classes="remove-row")
        with Horizontal(classes="offense-flags"):
            yield self.weapon
            yield self.suspected_use
            yield self.gang

    def collect(self) -> dict[str, Any]:
        return {
            "code": self.category.value,
            "text": self.category.text,
            "most_severe": self.most_severe.value,
            "attempted": self.attempted.value,
            "weapon": self.weapon.value,
            "suspected_use": self.suspected_use.value,
            "gang": self.gang.value,
        }

    def is_blank(self) -> bool:
        return not self.category.text.strip()


class PersonRow(Vertical):
    """Someone involved: a student (type-ahead) or a named non-student, their role and,
    for students, what came of it."""

    DEFAULT_CSS = """
    PersonRow {
        height: auto;
        border-left: thick $secondary 50%;
        padding-left: 1;
        margin-bottom: 1;
    }
    PersonRow .person-top {
        height: auto;
    }
    PersonRow .person-top > LabelledField {
        width: 2fr;
    }
    PersonRow .person-top > Vertical {
        width: 1fr;
        height: auto;
    }
    PersonRow SelectionList {
        height: auto;
        max-height: 6;
    }
    PersonRow .person-flags {
        height: auto;
    }
    PersonRow .person-flags > Checkbox {
        width: auto;
    }
    """

    def __init__(self, search: Any, data: dict[str, Any] | None = None, tz: Any = None) -> None:
        super().__init__()
        self.uid = next(_ids)
        data = data or {}
        picked = (
            Choice(int(data["student_id"]), str(data.get("label", "")), str(data.get("detail", "")))
            if data.get("student_id")
            else None
        )
        self.who = TypeAhead(
            search=search,
            value=picked,
            text=str(data.get("text", "")),
            allow_free_text=True,
            placeholder="student name or ID, or a non-student's name",
        )
        self.role: Select[str] = Select(
            PEOPLE_ROLES,
            value=data.get("role", PersonRole.SUSPECT.value),
            allow_blank=False,
            compact=True,
        )
        chosen = set(data.get("outcomes", []))
        self.outcomes: SelectionList[str] = SelectionList(
            *[(o.value, o.value, o.value in chosen) for o in OutcomeKind], compact=True
        )
        self.juvenile = Checkbox("Juvenile", bool(data.get("juvenile", True)), compact=True)
        self.custodial = Checkbox("Custodial arrest", bool(data.get("custodial")), compact=True)
        self.parent_notified = TimeField(text=str(data.get("parent_notified", "")), required=False)

    @property
    def field_name(self) -> str:
        return f"person-{self.uid}"

    def compose(self) -> ComposeResult:
        with Horizontal(classes="person-top"):
            yield LabelledField("Person", self.who, field=self.field_name, required=True)
            with Vertical():
                yield Label("Role", classes="field-label")
                yield self.role
        yield Label("Outcomes (space to mark)", classes="field-label")
        yield self.outcomes
        with Horizontal(classes="person-flags"):
            yield self.juvenile
            yield self.custodial
            yield Button("Remove", compact=True, classes="remove-row")
        yield LabelledField(
            "Parent notified",
            self.parent_notified,
            field=f"{self.field_name}-parent",
            hint="blank if not yet",
        )

    def collect(self) -> dict[str, Any]:
        choice = self.who.choice
        return {
            "student_id": choice.value if choice else None,
            "label": choice.label if choice else "",
            "detail": choice.detail if choice else "",
            "text": self.who.text,
            "role": self.role.value,
            "outcomes": list(self.outcomes.selected),
            "juvenile": self.juvenile.value,
            "custodial": self.custodial.value,
            "parent_notified": self.parent_notified.text,
        }

    def is_blank(self) -> bool:
        return not self.who.text.strip() and not self.outcomes.selected


class ComplianceRow(Vertical):
    """A notification the law asks for: marked done (space), with when (t for now)."""

    DEFAULT_CSS = """
    ComplianceRow {
        height: auto;
        border-left: thick $warning 50%;
        padding-left: 1;
        margin-bottom: 1;
    }
    ComplianceRow > LabelledField {
        width: 60;
    }
    """

    def __init__(self, kind: ComplianceKind, data: dict[str, Any] | None = None) -> None:
        super().__init__()
        self.kind = kind
        data = data or {}
        self.done = Checkbox(kind.label, bool(data.get("done")), compact=True)
        self.at = TimeField(text=str(data.get("at", "")), required=False)

    def compose(self) -> ComposeResult:
        yield self.done
        yield LabelledField("Done at", self.at, field=f"compliance-{self.kind.value}")

    def collect(self) -> dict[str, Any]:
        return {"done": self.done.value, "at": self.at.text}


class WriteScreen(ModalScreen[str | None]):
    """Write a block of text (ctrl+s takes it, Escape cancels): a supplement, a reviewer's
    comment. ``required`` is the message shown when it is left empty ("" allows empty)."""

    DEFAULT_CSS = """
    WriteScreen {
        align: center middle;
        background: $background 60%;
    }
    WriteScreen > Vertical {
        width: 76;
        max-width: 100%;
        height: 18;
        border: round $primary;
        background: $surface;
        padding: 0 1;
    }
    WriteScreen TextArea {
        height: 1fr;
    }
    WriteScreen .field-error {
        color: $error;
        height: auto;
    }
    """
    AUTO_FOCUS = "TextArea"
    BINDINGS = [
        Binding("ctrl+s", "take", "Done", priority=True),
        Binding("escape", "cancel", "Cancel"),
    ]

    def __init__(self, title: str, *, verb: str = "add", required: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.verb = verb
        self.required = required

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = literal(self.title_text)
            yield RecordTextArea(soft_wrap=True)
            yield Static("", classes="field-error", markup=False)
            yield Label(f"ctrl+s {self.verb} · esc cancel")

    def action_take(self) -> None:
        text = self.query_one(TextArea).text
        error = self.query_one(".field-error", Static)
        if self.required and not text.strip():
            error.update(literal(self.required))
            return
        try:
            SupplementCreate(text=text or "-")  # the same text rules as every report field
        except ValidationError as exc:
            error.update(literal(field_errors(exc, SupplementCreate)[0].message.capitalize()))
            return
        self.dismiss(text)

    def action_cancel(self) -> None:
        self.dismiss(None)


def SupplementScreen() -> WriteScreen:
    """The supplement dialog of an approved report."""
    return WriteScreen(
        "Supplement (the report itself stays as approved)",
        required="Supplement is required: write the correction or addition",
    )


class IncidentFormScreen(FormScreen):
    """The full incident form. ``incident_id`` opens a report (read-only when it may not be
    edited), ``draft_id`` a kept draft, ``prefill`` (location_code, occurred_at, school_id,
    note) a new one from the checklist."""

    FORM = "incident"
    WHAT = "this incident report"
    AUTO_FOCUS = ""

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="incident.save", priority=True),
        Binding("f9", "submit", "Submit for review", id="incident.submit"),
        Binding("ctrl+o", "add_offense", "Add category", id="incident.add_offense"),
        Binding("ctrl+t", "add_person", "Add person", id="incident.add_person"),
        Binding("a", "add_supplement", "Add supplement", id="incident.supplement"),
        Binding("p", "approve", "Approve", id="incident.approve"),
        Binding("r", "return_report", "Return", id="incident.return"),
        Binding("ctrl+r", "refer", "Refer student", id="incident.refer"),
        Binding("escape", "leave", "Back", id="incident.leave"),
    ]

    DEFAULT_CSS = (
        FormScreen.DEFAULT_CSS
        + """
    IncidentFormScreen #incident-title {
        height: 1;
        background: $primary 30%;
        padding: 0 1;
        text-style: bold;
    }
    IncidentFormScreen .review-comment {
        height: auto;
        background: $warning 40%;
        color: $text;
        padding: 0 1;
        text-style: bold;
    }
    IncidentFormScreen #incident-body {
        height: 1fr;
        padding: 0 1;
    }
    IncidentFormScreen .section {
        text-style: bold;
        color: $accent;
        margin-top: 1;
        height: 1;
    }
    IncidentFormScreen .row {
        height: auto;
    }
    IncidentFormScreen .row > LabelledField, IncidentFormScreen .row > Vertical {
        width: 1fr;
        height: auto;
    }
    IncidentFormScreen #narrative-input {
        height: 10;
    }
    IncidentFormScreen .anchor {
        height: 0;
    }
    IncidentFormScreen .add-row {
        margin-bottom: 1;
    }
    IncidentFormScreen #offenses, IncidentFormScreen #people, IncidentFormScreen #compliance {
        height: auto;
    }
    IncidentFormScreen .read-only {
        height: auto;
    }
    IncidentFormScreen #form-buttons {
        height: auto;
        margin-top: 1;
    }
    IncidentFormScreen #form-buttons Button {
        margin-right: 1;
    }
    IncidentFormScreen .draft-status {
        padding: 0 1;
    }
    """
    )

    def __init__(
        self,
        incident_id: int | None = None,
        draft_id: int | None = None,
        prefill: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.incident_id = incident_id
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id, draft_key=str(incident_id) if incident_id else None)
        self.record: IncidentRead | None = None
        self.version: int | None = None
        self.editable = True
        self.load_problem: str | None = None
        self.from_draft = False
        self._submit_after_save = False
        self._categories: dict[str, CategoryRead] = {}
        self._boxes: dict[str, Vertical] = {}

    # -- loading ---------------------------------------------------------------------------------

    def _load(self) -> dict[str, Any]:
        """Read the record and any draft; return the payload the fields start from."""
        services, actor = self.services, self.actor
        self._categories = {c.code: c for c in services.reference.categories()}
        self.category_choices = category_choices(services)
        self.location_choices = location_choices(services)
        self.schools = services.reference.schools()
        self.search = student_search(services, actor)
        draft = None
        if self.draft_id is not None:
            draft = services.drafts.get(actor, self.draft_id)
            self.draft_key = draft.key
            if self.incident_id is None and draft.payload.get("incident_id"):
                self.incident_id = int(draft.payload["incident_id"])
        if self.incident_id is not None:
            self.record = services.incidents.get(actor, self.incident_id)
            self.version = self.record.version
            self.editable = may_edit_incident(
                actor, officer_id=self.record.officer_id, status=self.record.status
            )
            self.draft_key = str(self.incident_id)
            if draft is None and self.editable:
                draft = services.drafts.find(actor, self.FORM, self.draft_key)
                if draft is not None:
                    self.draft_id = draft.id
        if draft is not None and self.editable:
            self.from_draft = True
            payload = dict(draft.payload)
            if self.record is not None:
                # Saving must name the version the draft was started from.
                self.version = int(payload.get("version") or self.record.version)
            return payload
        if self.record is not None:
            return self._payload_of(self.record)
        return self._new_payload()

    def _payload_of(self, record: IncidentRead) -> dict[str, Any]:
        tz = self.services.ctx.tz
        return {
            "incident_id": record.id,
            "version": record.version,
            "when": format_local(record.occurred_at, tz),
            "school_id": record.school_id,
            "location": record.location_code,
            "location_text": record.location_name,
            "offenses": [
                {
                    "code": o.category_code,
                    "text": o.category_name,
                    "most_severe": o.most_severe,
                    "attempted": o.attempted,
                    "weapon": o.weapon.value,
                    "suspected_use": o.suspected_use.value,
                    "gang": o.gang.value,
                }
                for o in record.offenses
            ],
            "people": [
                {
                    "student_id": p.student_id,
                    "label": p.name,
                    "detail": "",
                    "text": p.name,
                    "role": p.role.value,
                    "outcomes": [o.value for o in p.outcomes],
                    "juvenile": p.juvenile,
                    "custodial": p.custodial,
                    "parent_notified": _local(p.parent_notified_at, tz),
                }
                for p in record.people
            ],
            "compliance": {
                c.kind.value: {"done": True, "at": format_local(c.done_at, tz)}
                for c in record.compliance
            },
            "narrative": record.narrative,
        }

    def _new_payload(self) -> dict[str, Any]:
        tz = self.services.ctx.tz
        school = getattr(self.app, "school", None)
        school_id = self.prefill.get("school_id") or (school.id if school else None)
        if school_id is None and self.actor.school_ids:
            school_id = self.actor.school_ids[0]
        location = self.prefill.get("location_code")
        if not location:
            try:
                location = self.services.incidents.last_location_code(self.actor)
            except SroError:
                location = None
        name = next((c.label for c in self.location_choices if c.value == location), "")
        occurred = self.prefill.get("occurred_at") or self.services.ctx.now()
        return {
            "incident_id": None,
            "version": None,
            "when": format_local(occurred, tz),
            "school_id": school_id,
            "location": location,
            "location_text": name,
            "offenses": [{}],
            "people": [],
            "compliance": {},
            "narrative": str(self.prefill.get("note") or ""),
        }

    # -- layout ----------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SroHeader("Incident report")
        try:
            payload = self._load()
        except SroError as exc:
            self.load_problem = exc.message
            yield Static(literal(f"Cannot open this report: {exc.message}"), id="incident-title")
            yield SroFooter()
            return
        yield Static(literal(self._title_text()), id="incident-title")
        if (
            self.record is not None
            and self.record.review_comment
            and (self.record.status is IncidentStatus.RETURNED)
        ):
            by = next(
                (r.by_name for r in reversed(self.record.reviews) if r.action == "returned"), ""
            )
            who = f" by {by}" if by else ""
            yield Static(
                literal(f"Returned{who}: {self.record.review_comment}", multiline=True),
                classes="review-comment",
            )
        yield from self.compose_message()
        with VerticalScroll(id="incident-body"):
            if self.editable:
                yield from self._compose_form(payload)
            else:
                yield from self._compose_read_only()
        yield SroFooter()

    def _title_text(self) -> str:
        if self.record is None:
            return "New incident report"
        record = self.record
        status = record.status.value
        lock = "  (read-only)" if not self.editable else ""
        return f"Incident {record.number} · {status} · {record.officer_name}{lock}"

    def _compose_form(self, payload: dict[str, Any]) -> ComposeResult:
        tz = self.services.ctx.tz
        del tz
        self.when = TimeField(text=str(payload.get("when", "")))
        school_options = [(literal(s.name), s.id) for s in self.schools]
        school_value = payload.get("school_id")
        if school_value not in {s.id for s in self.schools}:
            school_value = Select.NULL
        self.school: Select[int] = Select(
            school_options, value=school_value, prompt="Pick the school", id="school-select"
        )
        location = next(
            (c for c in self.location_choices if c.value == payload.get("location")), None
        )
        self.location = TypeAhead(
            choices=self.location_choices,
            value=location,
            text=str(payload.get("location_text", "")),
            placeholder="type: park, hall, cafe…",
        )
        self.narrative = RecordTextArea(
            str(payload.get("narrative", "")), soft_wrap=True, id="narrative-input"
        )
        with Horizontal(classes="row"):
            yield LabelledField("Occurred", self.when, field="occurred_at", required=True)
            yield LabelledField("School", self.school, field="school_id", required=True)
        yield LabelledField("Location", self.location, field="location_code", required=True)

        yield Label("Categories  (ctrl+o adds one; mark the most severe)", classes="section")
        with Vertical(id="offenses"):
            yield LabelledField("", Static("", classes="anchor"), field="offenses")
            for data in payload.get("offenses") or [{}]:
                yield OffenseRow(self.category_choices, data)
        yield Button("+ Category", id="add-offense", classes="add-row", compact=True)

        yield Label("People involved  (ctrl+t adds one)", classes="section")
        with Vertical(id="people"):
            yield LabelledField("", Static("", classes="anchor"), field="people")
            for data in payload.get("people") or []:
                yield PersonRow(self.search, data)
        yield Button("+ Person", id="add-person", classes="add-row", compact=True)

        yield Label("Notifications the law asks for", classes="section")
        with Vertical(id="compliance"):
            yield Static("", id="compliance-none", classes="field-label")
            for kind_value, data in (payload.get("compliance") or {}).items():
                yield ComplianceRow(ComplianceKind(kind_value), data)

        yield Label("Narrative", classes="section")
        yield LabelledField("", self.narrative, field="narrative")
        with Horizontal(id="form-buttons"):
            yield Button("Save (ctrl+s)", id="save", variant="primary", compact=True)
            yield Button("Submit for review (F9)", id="submit", compact=True)
            yield Static("", classes="draft-status")

    def _compose_read_only(self) -> ComposeResult:
        record = self.record
        assert record is not None
        tz = self.services.ctx.tz
        lines = [
            f"Occurred:  {format_local(record.occurred_at, tz)}",
            f"School:    {record.school_name}",
            f"Location:  {record.location_name}",
            f"Entered:   {format_local(record.entered_at, tz)}",
        ]
        if record.submitted_at:
            lines.append(f"Submitted: {format_local(record.submitted_at, tz)}")
        if record.approved_at:
            lines.append(f"Approved:  {format_local(record.approved_at, tz)}")
        lines.append("")
        lines.append("Categories:")
        for o in record.offenses:
            mark = "★ " if o.most_severe else "  "
            extra = []
            if o.attempted:
                extra.append("attempted")
            if o.weapon is not WeaponType.NONE:
                extra.append(f"weapon: {o.weapon.value}")
            if o.suspected_use is not SuspectedUse.NONE:
                extra.append(f"suspected use: {o.suspected_use.value}")
            if o.gang is not GangInvolvement.NONE:
                extra.append(f"gang: {o.gang.value}")
            detail = f" ({', '.join(extra)})" if extra else ""
            lines.append(f"  {mark}{o.category_name} [{o.category_code}, NIBRS {o.nibrs}]{detail}")
        if record.people:
            lines.append("")
            lines.append("People:")
            for p in record.people:
                outcomes = ", ".join(o.value for o in p.outcomes)
                if p.custodial:
                    outcomes += " (custodial)"
                notified = (
                    f"; parent notified {format_local(p.parent_notified_at, tz)}"
                    if p.parent_notified_at
                    else ""
                )
                lines.append(f"  {p.name} — {p.role.value}; {outcomes or 'no outcome'}{notified}")
        if record.compliance:
            lines.append("")
            lines.append("Notifications:")
            for c in record.compliance:
                lines.append(f"  {c.kind.label}: done {format_local(c.done_at, tz)}")
        yield Static(literal("\n".join(lines), multiline=True), classes="read-only")
        yield Label("Narrative", classes="section")
        yield Static(literal(record.narrative or "(none)", multiline=True), classes="read-only")
        yield Label(f"Supplements ({len(record.supplements)})", classes="section")
        if record.supplements:
            for s in record.supplements:
                yield Static(
                    literal(
                        f"{format_local(s.created_at, tz)} · {s.author_name}\n{s.text}",
                        multiline=True,
                    ),
                    classes="read-only supplement",
                )
        if record.status is IncidentStatus.APPROVED:
            yield Label("Press a to add a supplement.", classes="field-label")
        elif record.status is IncidentStatus.SUBMITTED and self.may_review_this():
            yield Label("Press p to approve, r to return it with a comment.", classes="field-label")
        elif record.status is IncidentStatus.SUBMITTED:
            yield Label("Submitted: waiting for a supervisor's review.", classes="field-label")

    def on_mount(self) -> None:
        if self.load_problem is not None:
            self.notify(visible(self.load_problem), markup=False, severity="error")
            self._baseline = {}
            return
        if not self.editable:
            self.take_baseline()
            return
        self._refresh_compliance()
        if self.from_draft:
            self.set_message("Your unsaved changes were restored from a draft.", error=False)
        self.call_after_refresh(self.take_baseline, changed=self.from_draft)
        self.call_after_refresh(self._first_focus)

    def _first_focus(self) -> None:
        rows = list(self.offense_rows())
        if self.record is None and rows and not rows[0].category.text:
            rows[0].category.input.focus()
        else:
            self.when.input.focus()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "add_supplement":
            return self.record is not None and self.record.status is IncidentStatus.APPROVED
        if action in ("approve", "return_report"):
            return self.may_review_this()
        if action == "refer":
            return self.record is not None and any(p.student_id for p in self.record.people)
        if action in ("submit", "add_offense", "add_person", "save"):
            return self.editable and self.load_problem is None
        return True

    # -- rows ------------------------------------------------------------------------------------

    def _box(self, name: str) -> Vertical:
        """The container of one kind of row (kept: querying the whole form on every key
        would be slow)."""
        box = self._boxes.get(name)
        if box is None:
            box = self.query_one(f"#{name}", Vertical)
            self._boxes[name] = box
        return box

    def offense_rows(self) -> list[OffenseRow]:
        return [c for c in self._box("offenses").children if isinstance(c, OffenseRow)]

    def person_rows(self) -> list[PersonRow]:
        return [c for c in self._box("people").children if isinstance(c, PersonRow)]

    def compliance_rows(self) -> list[ComplianceRow]:
        return [c for c in self._box("compliance").children if isinstance(c, ComplianceRow)]

    async def action_add_offense(self) -> None:
        row = OffenseRow(self.category_choices, {})
        await self._box("offenses").mount(row)
        row.category.input.focus()
        row.scroll_visible()
        self.form_changed()

    async def action_add_person(self) -> None:
        row = PersonRow(self.search, {"juvenile": True})
        await self._box("people").mount(row)
        row.who.input.focus()
        row.scroll_visible()
        self.form_changed()

    @on(Button.Pressed)
    async def _row_button_pressed(self, event: Button.Pressed) -> None:
        """Add and remove rows, submit. Textual calls the handlers of every class along the
        MRO, so the form's own Save and Cancel handling still runs after this one."""
        button = event.button
        if button.id == "add-offense":
            event.stop()
            await self.action_add_offense()
        elif button.id == "add-person":
            event.stop()
            await self.action_add_person()
        elif button.id == "submit":
            event.stop()
            self.action_submit()
        elif button.has_class("remove-row"):
            event.stop()
            for row in button.ancestors:
                if isinstance(row, OffenseRow | PersonRow):
                    await row.remove()
                    break
            self._refresh_compliance()
            self.form_changed()

    def on_checkbox_changed(self, event: Checkbox.Changed) -> None:
        if event.checkbox.has_class("most-severe") and event.value:
            for row in self.offense_rows():
                if row.most_severe is not event.checkbox and row.most_severe.value:
                    row.most_severe.value = False

    def on_type_ahead_picked(self, event: TypeAhead.Picked) -> None:
        if any(isinstance(a, OffenseRow) for a in event.typeahead.ancestors):
            self._refresh_compliance()

    def on_select_changed(self, event: Select.Changed) -> None:
        if any(isinstance(a, OffenseRow) for a in event.select.ancestors):
            self._refresh_compliance()

    # -- compliance ------------------------------------------------------------------------------

    def needed_compliance(self) -> set[ComplianceKind]:
        """The notifications the categories and weapons on the form call for."""
        offenses = []
        for row in self.offense_rows():
            category = self._categories.get(str(row.category.value))
            rules = category.compliance if category else ()
            offenses.append((rules, WeaponType(str(row.weapon.value))))
        return required_compliance(offenses)

    def _refresh_compliance(self) -> None:
        if not self.editable or self.load_problem is not None:
            return
        box = self._box("compliance")
        needed = self.needed_compliance()
        have = {row.kind: row for row in self.compliance_rows()}
        for kind, row in have.items():
            # One no longer called for goes, unless it was marked done (that stays true).
            if kind not in needed and not row.done.value:
                row.remove()
        for kind in sorted(needed - set(have), key=lambda k: k.value):
            box.mount(ComplianceRow(kind))
        none = self.query_one("#compliance-none", Static)
        none.update("" if needed or have else "None for these categories.")

    # -- drafts ----------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        if not self.editable or self.load_problem is not None:
            return {}
        school = self.school.value
        return {
            "incident_id": self.incident_id,
            "version": self.version,
            "when": self.when.text,
            "school_id": None if school is Select.NULL else school,
            "location": self.location.value,
            "location_text": self.location.text,
            "offenses": [row.collect() for row in self.offense_rows()],
            "people": [row.collect() for row in self.person_rows()],
            "compliance": {row.kind.value: row.collect() for row in self.compliance_rows()},
            "narrative": self.narrative.text,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        """Payloads are applied when the form is built (see ``compose``)."""
        raise NotImplementedError

    def draft_title(self) -> str:
        rows = list(self.offense_rows())
        what = next(
            (r.category.choice.label for r in rows if r.category.choice and r.most_severe.value),
            None,
        ) or next((r.category.choice.label for r in rows if r.category.choice), "no category yet")
        what = what.split(" / ")[0].split(" (")[0]
        try:
            moment = self.when.parse()
        except TimeParseError:
            moment = None
        when = format_local(moment, self.when.tz) if moment else self.when.text
        number = f" {self.record.number}" if self.record else ""
        return f"Incident{number} — {what}, {when}".rstrip(", ")

    # -- save ------------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> IncidentCreate | IncidentUpdate | None:
        if not self.editable:
            raise SroError("This report cannot be changed here")
        occurred = None
        try:
            occurred = self.when.parse()
        except TimeParseError as exc:
            problems.add("occurred_at", f"Occurred: {exc}")
        school = self.school.value
        if school is Select.NULL:
            problems.add("school_id", "School is required: pick one")
        if self.location.value is None:
            typed = self.location.text.strip()
            problems.add(
                "location_code",
                f"No location matches {typed!r}: pick one from the list"
                if typed
                else "Location is required: type part of it and pick it",
            )
        offenses = self._build_offenses(problems)
        people = self._build_people(problems)
        compliance = self._build_compliance(problems)
        if problems:
            self.validate_model(
                IncidentCreate,
                problems,
                school_id=0,
                occurred_at=self.when.now(),
                location_code="X",
                narrative=self.narrative.text,
            )
            return None
        values = {
            "school_id": school,
            "occurred_at": occurred,
            "location_code": self.location.value,
            "offenses": offenses,
            "people": people,
            "compliance": compliance,
            "narrative": self.narrative.text,
        }
        if self.incident_id is None:
            return self.validate_model(IncidentCreate, problems, **values)
        return self.validate_model(IncidentUpdate, problems, version=self.version, **values)

    def _build_offenses(self, problems: FieldProblems) -> list[OffenseIn]:
        offenses: list[OffenseIn] = []
        seen: set[str] = set()
        rows = [r for r in self.offense_rows() if not (r.is_blank() and len(offenses) > 0)]
        for row in rows:
            code = row.category.value
            if code is None:
                typed = row.category.text.strip()
                problems.add(
                    row.field_name,
                    f"No category matches {typed!r}: pick one from the list"
                    if typed
                    else "Category is required: type part of it and pick it (or Remove the row)",
                )
                continue
            if code in seen:
                problems.add(row.field_name, "This category is listed twice: remove one")
                continue
            seen.add(code)
            row_problems = FieldProblems()
            offense = self.validate_model(
                OffenseIn,
                row_problems,
                category_code=code,
                most_severe=row.most_severe.value,
                attempted=row.attempted.value,
                weapon=row.weapon.value,
                suspected_use=row.suspected_use.value,
                gang=row.gang.value,
            )
            for message in row_problems.values():
                problems.add(row.field_name, message)
            if offense is not None:
                offenses.append(offense)
        if not rows:
            problems.add("offenses", "Add at least one category (ctrl+o)")
        return offenses

    def _build_people(self, problems: FieldProblems) -> list[PersonIn]:
        people: list[PersonIn] = []
        for row in self.person_rows():
            if row.is_blank():
                continue
            notified = None
            try:
                notified = row.parent_notified.parse()
            except TimeParseError as exc:
                problems.add(f"{row.field_name}-parent", f"Parent notified: {exc}")
            if row.who.text.strip() and row.who.value is None and not row.who.allow_free_text:
                problems.add(row.field_name, "Pick the person from the list")
            name = "" if row.who.value is not None else row.who.text.strip()
            name = self.check_text(problems, row.field_name, "Name", name)
            row_problems = FieldProblems()
            person = self.validate_model(
                PersonIn,
                row_problems,
                role=row.role.value,
                student_id=row.who.value,
                name=name,
                juvenile=row.juvenile.value,
                outcomes=list(row.outcomes.selected),
                custodial=row.custodial.value,
                parent_notified_at=notified,
            )
            for message in row_problems.values():
                problems.add(row.field_name, message.removeprefix("Form ").capitalize())
            if person is not None:
                people.append(person)
        return people

    def _build_compliance(self, problems: FieldProblems) -> list[ComplianceIn]:
        done: list[ComplianceIn] = []
        for row in self.compliance_rows():
            if not row.done.value:
                continue
            try:
                moment = row.at.parse()
            except TimeParseError as exc:
                problems.add(f"compliance-{row.kind.value}", f"Done at: {exc}")
                continue
            if moment is None:
                problems.add(f"compliance-{row.kind.value}", "Done at is required: t for now")
                continue
            done.append(ComplianceIn(kind=row.kind, done_at=moment))
        return done

    def persist(self, data: IncidentCreate | IncidentUpdate) -> IncidentRead:
        incidents = self.services.incidents
        if isinstance(data, IncidentCreate):
            return incidents.create(self.actor, data)
        assert self.incident_id is not None
        return incidents.update(self.actor, self.incident_id, data)

    def saved(self, result: IncidentRead) -> None:
        self.record = result
        self.incident_id = result.id
        self.version = result.version
        self.draft_key = str(result.id)
        self.query_one("#incident-title", Static).update(literal(self._title_text()))
        self.set_message("")
        self._baseline = self.collect()
        if self._submit_after_save:
            self._submit_after_save = False
            self._submit(result.id)
            return
        self.notify(f"Incident {result.number} saved", markup=False)

    # -- workflow --------------------------------------------------------------------------------

    def action_submit(self) -> None:
        """F9: save what is on screen, then hand the report to a supervisor."""
        if not self.editable or self._saving:
            return
        if self.incident_id is None or self.is_changed():
            self._submit_after_save = True
            self.action_save()
            if not self._saving:  # the form had problems; nothing was sent
                self._submit_after_save = False
            return
        self._submit(self.incident_id)

    def _submit(self, incident_id: int) -> None:
        self._saving = True
        self._run_submit(incident_id)

    def _run_submit(self, incident_id: int) -> None:
        def work() -> None:
            try:
                result = self.services.incidents.submit(self.actor, incident_id)
            except SroError as exc:
                self.app.call_from_thread(self._submit_failed, exc)
                return
            except Exception as exc:  # never leave the form stuck in "saving"
                self.app.call_from_thread(self._submit_failed, unexpected(exc, "Not submitted"))
                return
            self.app.call_from_thread(self._submitted, result)

        self.run_worker(work, thread=True, group="form-save", exit_on_error=False)

    def _submit_failed(self, error: SroError) -> None:
        self._saving = False
        self.handle_error(error)

    def _submitted(self, result: IncidentRead) -> None:
        self._saving = False
        self._finished = True
        self.notify(f"Incident {result.number} submitted for review", markup=False)
        self.close_form(result)

    def action_refer(self) -> None:
        """Refer a student of this (saved) report: the referral form opens prefilled with the
        student and the link to the report; with several students, pick one first."""
        record = self.record
        if record is None:
            return
        students = [p for p in record.people if p.student_id]
        if not students:
            self.notify("No student is named in this report", markup=False, severity="warning")
            return

        def refer(student_id: int | str | None) -> None:
            if student_id is None:
                return
            self.sro.open_new_referral(
                {
                    "student_id": int(student_id),
                    "incident_id": record.id,
                    "incident_number": record.number,
                }
            )

        if len(students) == 1:
            refer(students[0].student_id)
            return
        from .choice_prompt import ChoiceScreen

        options = [(f"{p.name} ({p.role.value})", str(p.student_id)) for p in students]
        self.app.push_screen(ChoiceScreen("Refer which student?", options), refer)

    def action_add_supplement(self) -> None:
        record = self.record
        if record is None or record.status is not IncidentStatus.APPROVED:
            return

        def written(text: str | None) -> None:
            if text is None:
                return

            def work() -> None:
                try:
                    updated = self.services.incidents.add_supplement(
                        self.actor, record.id, SupplementCreate(text=text)
                    )
                except SroError as exc:
                    self.app.call_from_thread(self.handle_error, exc)
                    return
                except Exception as exc:
                    problem = unexpected(exc, "Supplement not added", "Try again.")
                    self.app.call_from_thread(self.handle_error, problem)
                    return
                self.app.call_from_thread(self._supplement_added, updated)

            self.run_worker(work, thread=True, group="supplement", exit_on_error=False)

        self.app.push_screen(SupplementScreen(), written)

    # -- review (supervisors, on another officer's submitted report) ------------------------------

    def may_review_this(self) -> bool:
        record = self.record
        return (
            record is not None
            and record.status is IncidentStatus.SUBMITTED
            and may_review(self.actor)
            and record.officer_id != self.actor.officer_id
        )

    def action_approve(self) -> None:
        if not self.may_review_this():
            return
        assert self.record is not None
        record = self.record

        def answered(yes: bool | None) -> None:
            if yes:
                self._review(record.id, approve=True, comment="")

        self.app.push_screen(
            ConfirmScreen(f"Approve {record.number}? It is locked from then on.", yes="Approve"),
            answered,
        )

    def action_return_report(self) -> None:
        if not self.may_review_this():
            return
        assert self.record is not None
        record = self.record

        def written(comment: str | None) -> None:
            if comment is not None:
                self._review(record.id, approve=False, comment=comment)

        self.app.push_screen(
            WriteScreen(
                f"Return {record.number}: what needs to change?",
                verb="return",
                required="Say what needs to change before returning the report",
            ),
            written,
        )

    def _review(self, incident_id: int, *, approve: bool, comment: str) -> None:
        def work() -> None:
            incidents = self.services.incidents
            try:
                decision = ReviewDecision(comment=comment)
                if approve:
                    result = incidents.approve(self.actor, incident_id, decision)
                else:
                    result = incidents.return_for_changes(self.actor, incident_id, decision)
            except SroError as exc:
                self.app.call_from_thread(self.handle_error, exc)
                return
            except Exception as exc:
                problem = unexpected(exc, "Review not recorded", "Try again.")
                self.app.call_from_thread(self.handle_error, problem)
                return
            self.app.call_from_thread(self._reviewed, result)

        self.run_worker(work, thread=True, group="review", exit_on_error=False)

    def _reviewed(self, record: IncidentRead) -> None:
        self.notify(f"Incident {record.number} {record.status.value}", markup=False)
        self._finished = True
        self.close_form(record)

    def _supplement_added(self, record: IncidentRead) -> None:
        self.notify("Supplement added", markup=False)
        self.record = record
        self.refresh(recompose=True)

    def close_form(self, result: Any = None) -> None:
        if self.app.screen is self:
            self.dismiss(result)
        else:
            self.app.pop_screen()
