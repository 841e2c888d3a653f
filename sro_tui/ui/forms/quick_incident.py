"""Quick incident: log what just happened in a few keys, finish the report later.

ctrl+n from any screen opens it. The category is a type-ahead, the students too (optional,
several); the location starts as the checklist item's (when opened from one), else as the
item the officer is on (``checklist.current_post``), else the officer's last place, else the
front office; the time as now and the school as today's; who called you to it (CRDC) is one
key: s a school official, o you, p someone else (parent, student, dispatch), n not recorded.
ctrl+s saves a draft incident and shows its number.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Label, Static

from ...domain.drafts import DraftRead
from ...domain.enums import ContactInitiator, PersonRole
from ...domain.errors import SroError
from ...domain.incidents import IncidentCreate, IncidentRead, OffenseIn, PersonIn
from ...domain.timeparse import TimeParseError, format_local
from ..text import RecordTextArea, literal
from ..widgets.fields import LabelledField, TimeField
from ..widgets.key_choice import KeyChoice
from ..widgets.multi_typeahead import MultiTypeAhead
from ..widgets.typeahead import Choice, TypeAhead
from .base import (
    FieldProblems,
    FormModal,
    category_choices,
    location_choices,
    student_search,
)

__all__ = ["QUICK_INCIDENT_KEYS", "QUICK_INCIDENT_MORE_KEYS", "QuickIncidentScreen"]

QUICK_INCIDENT_KEYS: list[tuple[str, str]] = [
    ("ctrl+n", "open a quick incident (from any screen)"),
    ("t r e", "type the start of the category: Trespass is the first suggestion"),
    ("enter", "take it; the cursor moves on to Students"),
    ("tab", "no students: move on to Narrative"),
    ("…", "type what happened"),
    ("ctrl+s", "save: the new incident number is shown"),
]
QUICK_INCIDENT_MORE_KEYS: list[tuple[str, str]] = [
    ("s o p n", "in 'Who called': a school official, you, someone else, not recorded"),
    ("space ← →", "in 'Who called': the next or the previous choice"),
]
"""The fastest way to log a trespass warning, as the help screen shows it (and the test
presses it). ``…`` stands for the narrative text."""

FIRST_USE_LOCATION = "OFFICE"
"""Where a quick incident happens when the officer has logged none yet (a reference code)."""

INITIATOR_KEYS = [
    ("n", "not recorded", None),
    ("s", "school", ContactInitiator.SCHOOL.value),
    ("o", "me (officer)", ContactInitiator.OFFICER.value),
    ("p", "someone else", ContactInitiator.OTHER.value),
]
"""Who called you to it (CRDC): key, what the field shows, ContactInitiator value."""

QUICK_ROLE = PersonRole.SUSPECT
"""The role students named in a quick incident get (the full form changes it)."""


@dataclass
class QuickLoaded:
    """What the quick incident reads from the store before it can save."""

    categories: list[Choice]
    locations: list[Choice]
    draft: DraftRead | None = None
    school_name: str = ""
    where: str | None = None


class QuickIncidentScreen(FormModal):
    """The quick-incident dialog. Dismissed with the new ``IncidentRead``, or None."""

    FORM = "quick_incident"
    WHAT = "this quick incident"
    AUTO_FOCUS = "#quick-category Input"

    CSS_PATH = "quick_incident.tcss"
    HELP_KEYS = QUICK_INCIDENT_MORE_KEYS  # the help screen (F1) lists them

    def __init__(self, prefill: dict[str, Any] | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id)
        self.school_id: int | None = None
        self.school_name = ""
        self.category = TypeAhead(placeholder="type: tre, fight, drug…")
        self.students = MultiTypeAhead(placeholder="name or district ID (optional)")
        self.narrative = RecordTextArea(soft_wrap=True, show_line_numbers=False)
        self.location = TypeAhead(placeholder="where")
        self.when = TimeField()
        self.initiated = KeyChoice(INITIATOR_KEYS, id="quick-who-choice")

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="quick-body") as body:
            body.border_title = "Quick incident"
            yield from self.compose_message()
            yield LabelledField(
                "What happened", self.category, field="offenses", required=True, id="quick-category"
            )
            yield LabelledField("Students", self.students, field="people", id="quick-students")
            yield LabelledField(
                "Narrative", self.narrative, field="narrative", id="quick-narrative"
            )
            with Horizontal(classes="row"):
                yield LabelledField(
                    "Where", self.location, field="location_code", required=True, id="quick-where"
                )
                yield LabelledField(
                    "When", self.when, field="occurred_at", required=True, id="quick-when"
                )
                yield LabelledField(
                    "Who called s/o/p/n", self.initiated, field="initiated_by", id="quick-who"
                )
            with Horizontal(id="quick-status"):
                yield Label("ctrl+s save · esc back · tab next field", id="quick-keys")
                yield Static("", classes="draft-status")

    def on_mount(self) -> None:
        self.when_shown(self._set_defaults)  # made ahead: its school and time when shown

    def _set_defaults(self) -> None:
        # No store call here: the search only runs (in a worker) when the officer types.
        self.students.typeahead.set_search(student_search(self.services, self.actor))
        school = self.sro.school
        school_id = self.prefill.get("school_id") or (school.id if school else None)
        if school_id is None and self.actor.school_ids:
            school_id = self.actor.school_ids[0]
        self.school_id = school_id
        occurred = self.prefill.get("occurred_at")
        self.when.set_moment(occurred or self.when.now())
        note = self.prefill.get("note")
        if note:
            self.narrative.load_text(str(note))

    def load(self) -> QuickLoaded:
        services, actor = self.services, self.actor
        loaded = QuickLoaded(
            categories=category_choices(services), locations=location_choices(services)
        )
        if self.draft_id is not None:
            loaded.draft = services.drafts.get(actor, self.draft_id)
        if self.school_id is not None:
            with contextlib.suppress(SroError):
                loaded.school_name = services.reference.school(self.school_id).name
        loaded.where = self.prefill.get("location_code") or self._usual_place(loaded.locations)
        return loaded

    def _usual_place(self, locations: list[Choice]) -> str | None:
        """Where this probably happened: the checklist item the officer is on, else their
        last incident's place, else the front office (runs in the load worker)."""
        services, actor = self.services, self.actor
        code: str | None = None
        if self.school_id is not None:
            with contextlib.suppress(SroError):
                code = services.checklist.current_post(actor, self.school_id)
        if not code:
            with contextlib.suppress(SroError):
                code = services.incidents.last_location_code(actor)
        if not code and any(c.value == FIRST_USE_LOCATION for c in locations):
            # An officer's first incident: the terminal is usually in the front office.
            code = FIRST_USE_LOCATION
        return code

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, QuickLoaded)
        self.category.set_choices(loaded.categories)
        self.location.set_choices(loaded.locations)
        self.school_name = loaded.school_name
        if loaded.school_name:
            self.query_one("#quick-body").border_subtitle = literal(loaded.school_name)
        if loaded.draft is not None:
            self.draft_key = loaded.draft.key
            self.from_draft = True
            self.restore(loaded.draft.payload)
        elif loaded.where:
            self.location.set_choice(self.location.find_choice(loaded.where), text=loaded.where)

    # -- drafts --------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        return {
            "school_id": self.school_id,
            "category": self.category.value,
            "category_text": self.category.text,
            "students": [[c.value, c.label, c.detail] for c in self.students.picked],
            "student_text": self.students.typeahead.text,
            "narrative": self.narrative.text,
            "location": self.location.value,
            "location_text": self.location.text,
            "when": self.when.text,
            "initiated_by": self.initiated.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("school_id"):
            self.school_id = int(payload["school_id"])
        category = self.category.find_choice(payload.get("category"))
        self.category.set_choice(category, text=str(payload.get("category_text", "")))
        picked = payload.get("students", [])
        self.students.set_picked([Choice(int(v), str(lab), str(det)) for v, lab, det in picked])
        self.students.typeahead.set_choice(None, text=str(payload.get("student_text", "")))
        self.narrative.load_text(str(payload.get("narrative", "")))
        location = self.location.find_choice(payload.get("location"))
        self.location.set_choice(location, text=str(payload.get("location_text", "")))
        self.when.text = str(payload.get("when", ""))
        with contextlib.suppress(ValueError):
            self.initiated.value = payload.get("initiated_by")

    def draft_title(self) -> str:
        what = self.category.choice.label if self.category.choice else "no category yet"
        what = what.split(" / ")[0].split(" (")[0]
        try:
            moment = self.when.parse()
        except TimeParseError:
            moment = None
        when = format_local(moment, self.when.tz, with_date=False) if moment else self.when.text
        return f"Quick incident — {what}, {when}".rstrip(", ")

    # -- save ----------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> IncidentCreate | None:
        occurred = None
        try:
            occurred = self.when.parse()
        except TimeParseError as exc:
            problems.add("occurred_at", f"When: {exc}")
        if self.category.value is None:
            typed = self.category.text.strip()
            problems.add(
                "offenses",
                f"No category matches {typed!r}: pick one from the list"
                if typed
                else "What happened is required: type part of a category and pick it",
            )
        if self.location.value is None:
            typed = self.location.text.strip()
            problems.add(
                "location_code",
                f"No location matches {typed!r}: pick one from the list"
                if typed
                else "Where is required: type part of a location and pick it",
            )
        if self.students.typeahead.text.strip():
            problems.add(
                "people",
                "Pick the student from the list (or clear the text) before saving",
            )
        if self.school_id is None:
            problems.add("school_id", "No school for today: open the day's checklist first")
        if problems:
            # Still run the schema so that the narrative's own problems show at the same time.
            self.validate_model(
                IncidentCreate,
                problems,
                school_id=0,
                occurred_at=self.when.now(),
                location_code="X",
                narrative=self.narrative.text,
            )
            return None
        return self.validate_model(
            IncidentCreate,
            problems,
            school_id=self.school_id,
            occurred_at=occurred,
            location_code=self.location.value,
            offenses=[OffenseIn(category_code=self.category.value, most_severe=True)],
            people=[PersonIn(role=QUICK_ROLE, student_id=sid) for sid in self.students.values],
            narrative=self.narrative.text,
            initiated_by=self.initiated.value,
        )

    def persist(self, data: IncidentCreate) -> IncidentRead:
        return self.services.incidents.create(self.actor, data)

    def saved(self, result: IncidentRead) -> None:
        self._finished = True
        self.app.notify(f"Incident {result.number} saved", title="Quick incident", markup=False)
        self.close_form(result)
