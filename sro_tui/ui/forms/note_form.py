"""Write or change a mentoring note or contact: the kind first, then only the fields that kind
needs (students for a session, class / topic / head count for a lecture, the agency for a
liaison contact), then when, minutes, topics, the note itself, a follow-up date and whether it
is confidential.

A FormScreen: ctrl+s saves (``services.notes.create`` / ``update``), errors appear under the
field at fault (the note's own rules too: "A mentoring needs at least one student" lands
under Students), and a half-written note is kept as a draft (form name "note").
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from ...domain.days import DayError
from ...domain.enums import ContactKind, LectureTopic
from ...domain.errors import SroError
from ...domain.mentoring import STUDENT_KINDS, NoteCreate, NoteRead
from ...domain.timeparse import TimeParseError, format_local
from ..text import VISIBLE_HIGHLIGHTER, RecordTextArea
from ..widgets.day_field import DayField
from ..widgets.fields import LabelledField, TimeField
from ..widgets.footer import SroFooter
from ..widgets.header import SroHeader
from ..widgets.multi_typeahead import MultiTypeAhead
from ..widgets.typeahead import Choice
from .base import FieldProblems, FormScreen, student_choice, student_search
from .later import RestAfterFirstFrame
from .note_merge import NoteMerge

__all__ = [
    "KIND_FIELDS",
    "KIND_OPTIONS",
    "NoteFormScreen",
    "kind_label",
    "model_error_field",
]

KIND_LABELS: dict[ContactKind, str] = {
    ContactKind.MENTORING: "Mentoring / advisory session",
    ContactKind.PARENT: "Parent contact",
    ContactKind.STAFF: "Staff contact",
    ContactKind.MEDIATION: "Mediation",
    ContactKind.SAP_GROUP: "SAP group session",
    ContactKind.CLASSROOM: "Classroom lecture",
    ContactKind.STAFF_TRAINING: "Staff training",
    ContactKind.LIAISON: "Liaison contact",
}
KIND_OPTIONS = [(label, kind.value) for kind, label in KIND_LABELS.items()]
TOPIC_OPTIONS = [(t.value.capitalize(), t.value) for t in LectureTopic]

# The fields each kind shows beyond the ones every note has.
_STUDENTS = frozenset({"student_ids"})
KIND_FIELDS: dict[ContactKind, frozenset[str]] = {
    ContactKind.MENTORING: _STUDENTS | {"with"},
    ContactKind.PARENT: _STUDENTS,
    ContactKind.STAFF: _STUDENTS,
    ContactKind.MEDIATION: _STUDENTS,
    ContactKind.SAP_GROUP: _STUDENTS,
    ContactKind.CLASSROOM: frozenset({"class_name", "lecture_topic", "head_count"}),
    ContactKind.STAFF_TRAINING: frozenset({"head_count"}),
    ContactKind.LIAISON: frozenset({"agency"}),
}
KIND_ONLY_FIELDS = ("student_ids", "with", "class_name", "lecture_topic", "head_count", "agency")

# A rule of the note as a whole (no field name) -> the field it is about, by its wording.
_MODEL_ERROR_FIELDS = (
    ("student", "student_ids"),
    ("class is", "class_name"),
    ("lecture topic", "lecture_topic"),
    ("head count", "head_count"),
    ("agency", "agency"),
)


def kind_label(kind: ContactKind) -> str:
    return KIND_LABELS.get(kind, kind.value)


def model_error_field(message: str) -> str | None:
    """The field a NoteCreate rule without a field name is about ("A mentoring needs at least
    one student" -> "student_ids"), or None."""
    text = message.lower()
    return next((name for words, name in _MODEL_ERROR_FIELDS if words in text), None)


@dataclass
class NoteLoaded:
    """What the note form reads from the store before it shows the note."""

    note_id: int | None
    record: NoteRead | None = None
    payload: dict[str, Any] | None = None
    draft_key: str | None = None
    draft_id: int | None = None
    students: list[Choice] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _int_or_none(text: str) -> int | None:
    text = text.strip()
    return int(text) if text else None


class NoteFormScreen(RestAfterFirstFrame, NoteMerge, FormScreen):
    """A new note (``prefill``: ``student_ids``, ``kind``), a kept draft (``draft_id``) or an
    own note to change (``note_id``). Dismissed with the saved ``NoteRead``, or None."""

    FORM = "note"
    WHAT = "this note"
    AUTO_FOCUS = "#note-kind"
    REST_INTO = "#note-body"

    BINDINGS = [
        Binding("ctrl+s", "save", "Save", id="note.save", priority=True),
        Binding("escape", "leave", "Back", id="note.leave"),
    ]

    CSS_PATH = "note_form.tcss"

    def __init__(
        self,
        note_id: int | None = None,
        draft_id: int | None = None,
        prefill: dict[str, Any] | None = None,
    ) -> None:
        super().__init__()
        self.note_id = note_id
        self.prefill = dict(prefill or {})
        self.init_form(draft_id=draft_id, draft_key=f"note-{note_id}" if note_id else None)
        self.record: NoteRead | None = None
        # The note's version this form was typed against (sent with the update; kept in the
        # draft, so a change made elsewhere meanwhile is refused, not overwritten).
        self.version: int | None = None
        self.school_id: int | None = None
        self.from_draft = False
        self.kind: Select[str] = Select(
            KIND_OPTIONS, value=ContactKind.MENTORING.value, allow_blank=False, id="note-kind"
        )
        self.when = TimeField()
        self.minutes = Input(placeholder="0", type="integer", max_length=4, id="note-minutes")
        self.students = MultiTypeAhead(placeholder="name or district ID; Enter adds, Tab moves on")
        self.with_parent = Checkbox("With parent", compact=True, id="note-with-parent")
        self.with_staff = Checkbox("With staff", compact=True, id="note-with-staff")
        self.class_name = Input(
            placeholder="e.g. Health, period 3", max_length=200, highlighter=VISIBLE_HIGHLIGHTER
        )
        self.lecture_topic: Select[str] = Select(
            TOPIC_OPTIONS, prompt="Pick a topic", allow_blank=True, id="note-lecture-topic"
        )
        self.head_count = Input(placeholder="0", type="integer", max_length=4)
        self.agency = Input(
            placeholder="e.g. County Probation", max_length=200, highlighter=VISIBLE_HIGHLIGHTER
        )
        self.topics = Input(
            placeholder="a few words", max_length=500, highlighter=VISIBLE_HIGHLIGHTER
        )
        self.text = RecordTextArea(soft_wrap=True, id="note-text")
        self.follow_up = DayField(label="Follow-up", placeholder="YYYY-MM-DD or +14")
        self.confidential = Checkbox("Confidential (others see only that it exists)", compact=True)

    # -- layout --------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield SroHeader("Mentoring note")
        yield Static("New note", id="note-title", markup=False)
        yield from self.compose_message()
        with VerticalScroll(id="note-body"):
            yield LabelledField("Kind", self.kind, field="kind", required=True)
            yield LabelledField("Students", self.students, field="student_ids")
            with Horizontal(id="note-with"):
                yield self.with_parent
                yield self.with_staff
            # The rest comes right after the first frame (rest()): the cursor starts in the
            # kind, and the form takes keys sooner with half its fields.
        yield SroFooter()

    def rest(self) -> list[Widget]:
        """The fields below the students, mounted after the first frame."""
        return [
            Horizontal(
                LabelledField("Class", self.class_name, field="class_name", required=True),
                LabelledField(
                    "Lecture topic", self.lecture_topic, field="lecture_topic", required=True
                ),
                LabelledField("Head count", self.head_count, field="head_count", required=True),
                classes="row",
            ),
            LabelledField("Agency", self.agency, field="agency", required=True),
            Horizontal(
                LabelledField("When", self.when, field="occurred_at", required=True),
                LabelledField("Minutes", self.minutes, field="minutes"),
                LabelledField(
                    "Follow-up", self.follow_up, field="follow_up_on", hint="+14: 2 weeks"
                ),
                classes="row",
            ),
            LabelledField("Topics", self.topics, field="topics"),
            LabelledField("Note", self.text, field="text"),
            self.confidential,
            Horizontal(
                Button("Save (ctrl+s)", id="save", variant="primary", compact=True),
                Button("Back (esc)", id="cancel", compact=True),
                Static(self.status_text, classes="draft-status"),
                id="note-buttons",
            ),
        ]

    def on_mount(self) -> None:
        # No store call here (load() reads it in a worker): the search closure only runs, in
        # its own worker, when the officer types; the defaults come from the app's clock.
        self.students.typeahead.set_search(student_search(self.services, self.actor))
        school = self.sro.school
        self.school_id = school.id if school is not None else None
        kind = self.prefill.get("kind")
        if kind:
            self.kind.value = ContactKind(str(kind)).value
        self.when.set_moment(self.when.now())
        self.show_kind_fields()
        self.mount_rest_later()
        # The kind's fields among the rest are shown or hidden first (before any fill).
        self.when_mounted(self.show_kind_fields)
        # Focusing the kind scrolls the body by a line; show the form from its top.
        self.call_after_refresh(self._to_top)

    def load(self) -> NoteLoaded:
        services, actor = self.services, self.actor
        loaded = NoteLoaded(note_id=self.note_id)
        if self.draft_id is not None:
            draft = services.drafts.get(actor, self.draft_id)
            loaded.draft_key = draft.key
            loaded.payload = dict(draft.payload)
            if loaded.note_id is None and loaded.payload.get("note_id"):
                loaded.note_id = int(loaded.payload["note_id"])
        if loaded.note_id is not None:
            loaded.record = services.notes.get(actor, loaded.note_id)
            if loaded.payload is None:
                found = services.drafts.find(actor, self.FORM, f"note-{loaded.note_id}")
                if found is not None:
                    loaded.draft_id = found.id
                    loaded.payload = dict(found.payload)
        if loaded.payload is not None:
            return loaded
        wanted = loaded.record.student_ids if loaded.record else self.prefill.get("student_ids")
        for student_id in wanted or []:
            try:
                loaded.students.append(student_choice(services.students.get(actor, student_id)))
            except SroError as exc:
                if loaded.record is not None:  # still on the note: show it by its number
                    loaded.students.append(Choice(student_id, f"student {student_id}"))
                else:
                    loaded.problems.append(exc.message)
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, NoteLoaded)
        if loaded.draft_key is not None:
            self.draft_key = loaded.draft_key
        if loaded.draft_id is not None:
            self.draft_id = loaded.draft_id
        self.note_id = loaded.note_id
        self.record = loaded.record
        if self.record is not None:
            self.school_id = self.record.school_id
            self.draft_key = f"note-{self.record.id}"
        if loaded.payload is not None:
            self.from_draft = True
            self.restore(loaded.payload)
            if self.version is None and self.record is not None:
                self.version = self.record.version  # a draft from before versions
            self.set_message("Your unsaved note was restored from a draft.", error=False)
        elif self.record is not None:
            self._load(self.record, loaded.students)
        else:
            self.students.set_picked(loaded.students)
        if loaded.problems:
            self.set_message("; ".join(loaded.problems))
        self._title()
        self.show_kind_fields()

    def _to_top(self) -> None:
        self.query_one("#note-body", VerticalScroll).scroll_home(animate=False)

    def _title(self) -> None:
        title = self.query_one("#note-title", Static)
        if self.record is None:
            title.update("New note")
            return
        day = format_local(self.record.occurred_at, self.services.ctx.tz)
        title.update(f"Note {self.record.id} · {kind_label(self.record.kind)} · {day}")
        if self.record.redacted or self.record.officer_id != self.actor.officer_id:
            self.set_message("Only the note's author can change it.")

    def _load(self, note: NoteRead, picked: list[Choice]) -> None:
        tz = self.services.ctx.tz
        self.restore(
            {
                "note_id": note.id,
                "version": note.version,
                "school_id": note.school_id,
                "kind": note.kind.value,
                "when": format_local(note.occurred_at, tz),
                "minutes": str(note.minutes) if note.minutes else "",
                "students": [[c.value, c.label, c.detail] for c in picked],
                "with_parent": note.with_parent,
                "with_staff": note.with_staff,
                "class_name": note.class_name,
                "lecture_topic": note.lecture_topic.value if note.lecture_topic else None,
                "head_count": "" if note.head_count is None else str(note.head_count),
                "agency": note.agency,
                "topics": note.topics,
                "text": note.text,
                "follow_up": note.follow_up_on.isoformat() if note.follow_up_on else "",
                "confidential": note.confidential,
            }
        )

    # -- the kind decides the fields -------------------------------------------------------------

    @property
    def current_kind(self) -> ContactKind:
        value = self.kind.value
        return ContactKind(str(value)) if value is not Select.NULL else ContactKind.MENTORING

    def show_kind_fields(self) -> None:
        """Show the fields the picked kind needs and hide the others (their text stays)."""
        kind = self.current_kind
        wanted = KIND_FIELDS.get(kind, frozenset())
        for name in KIND_ONLY_FIELDS:
            widget = self.query_one("#note-with") if name == "with" else self.field(name)
            if widget is not None:
                widget.display = name in wanted
        students = self.field("student_ids")
        if students is not None:
            mark = " *" if kind in STUDENT_KINDS else ""
            students.query_one(".field-label", Label).update(f"Students{mark}")
        head = self.field("head_count")
        if head is not None:
            label = "Attendees" if kind is ContactKind.STAFF_TRAINING else "Head count"
            head.query_one(".field-label", Label).update(f"{label} *")
        topics = self.field("topics")
        if topics is not None:
            label = "Training topic" if kind is ContactKind.STAFF_TRAINING else "Topics"
            topics.query_one(".field-label", Label).update(label)

    def on_select_changed(self, event: Select.Changed) -> None:
        if event.select is self.kind:
            self.show_kind_fields()
        self.form_changed()

    # -- drafts --------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        topic = self.lecture_topic.value
        return {
            "note_id": self.note_id,
            "version": self.version,
            "school_id": self.school_id,
            "kind": self.current_kind.value,
            "when": self.when.text,
            "minutes": self.minutes.value,
            "students": [[c.value, c.label, c.detail] for c in self.students.picked],
            "student_text": self.students.typeahead.text,
            "with_parent": self.with_parent.value,
            "with_staff": self.with_staff.value,
            "class_name": self.class_name.value,
            "lecture_topic": None if topic is Select.NULL else topic,
            "head_count": self.head_count.value,
            "agency": self.agency.value,
            "topics": self.topics.value,
            "text": self.text.text,
            "follow_up": self.follow_up.value,
            "confidential": self.confidential.value,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("version") is not None:
            self.version = int(payload["version"])
        if payload.get("school_id") is not None:
            self.school_id = int(payload["school_id"])
        kind = payload.get("kind") or ContactKind.MENTORING.value
        self.kind.value = ContactKind(str(kind)).value
        self.when.text = str(payload.get("when", ""))
        self.minutes.value = str(payload.get("minutes", "") or "")
        picked = payload.get("students") or []
        self.students.set_picked([Choice(int(v), str(lab), str(det)) for v, lab, det in picked])
        self.students.typeahead.set_choice(None, text=str(payload.get("student_text", "")))
        self.with_parent.value = bool(payload.get("with_parent"))
        self.with_staff.value = bool(payload.get("with_staff"))
        self.class_name.value = str(payload.get("class_name", ""))
        topic = payload.get("lecture_topic")
        if topic:
            self.lecture_topic.value = LectureTopic(str(topic)).value
        else:
            self.lecture_topic.clear()
        self.head_count.value = str(payload.get("head_count", "") or "")
        self.agency.value = str(payload.get("agency", ""))
        self.topics.value = str(payload.get("topics", ""))
        self.text.load_text(str(payload.get("text", "")))
        self.follow_up.value = str(payload.get("follow_up", ""))
        self.confidential.value = bool(payload.get("confidential"))

    def draft_title(self) -> str:
        kind = kind_label(self.current_kind)
        who = ", ".join(c.label for c in self.students.picked[:2])
        if self.current_kind is ContactKind.CLASSROOM:
            who = self.class_name.value.strip()
        elif self.current_kind is ContactKind.LIAISON:
            who = self.agency.value.strip()
        try:
            moment = self.when.parse()
        except TimeParseError:
            moment = None
        when = format_local(moment, self.when.tz) if moment else self.when.text
        parts = [p for p in (who, when) if p]
        return f"Note — {kind}" + (f" ({', '.join(parts)})" if parts else "")

    # -- save ----------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> NoteCreate | None:
        if self.record is not None and self.record.officer_id != self.actor.officer_id:
            raise SroError("Only the note's author can change it")
        kind = self.current_kind
        wanted = KIND_FIELDS.get(kind, frozenset())
        occurred = None
        try:
            occurred = self.when.parse()
        except TimeParseError as exc:
            problems.add("occurred_at", f"When: {exc}")
        minutes = 0
        try:
            minutes = _int_or_none(self.minutes.value) or 0
        except ValueError:
            problems.add("minutes", "Minutes must be a whole number")
        head_count = None
        if "head_count" in wanted:
            try:
                head_count = _int_or_none(self.head_count.value)
            except ValueError:
                problems.add("head_count", "Head count must be a whole number")
        follow_up = None
        try:
            follow_up = self.follow_up.day()
        except DayError as exc:
            problems.add("follow_up_on", str(exc))
        if "student_ids" in wanted and self.students.typeahead.text.strip():
            problems.add(
                "student_ids", "Pick the student from the list (or clear the text) before saving"
            )
        topic = self.lecture_topic.value
        values: dict[str, Any] = {
            "kind": kind,
            "school_id": self.school_id,
            "occurred_at": occurred or self.when.now(),
            "minutes": minutes,
            "student_ids": self.students.values if "student_ids" in wanted else [],
            "with_parent": self.with_parent.value if "with" in wanted else False,
            "with_staff": self.with_staff.value if "with" in wanted else False,
            "topics": self.topics.value,
            "text": self.text.text,
            "follow_up_on": follow_up,
            "confidential": self.confidential.value,
            "class_name": self.class_name.value.strip() if "class_name" in wanted else "",
            "lecture_topic": (
                topic if "lecture_topic" in wanted and topic is not Select.NULL else None
            ),
            "head_count": head_count,
            "agency": self.agency.value.strip() if "agency" in wanted else "",
        }
        found = FieldProblems()
        note = self.validate_model(NoteCreate, found, **values)
        for name, message in found.items():
            if name == "form":
                name = model_error_field(message) or name
            problems.add(name, message)
        return None if problems else note

    def persist(self, data: NoteCreate) -> NoteRead:
        if self.note_id is None:
            return self.services.notes.create(self.actor, data)
        if self.version is None:  # not loaded: nothing to check the store against
            raise SroError("The note is not loaded yet: ctrl+r loads it, then save again")
        return self.services.notes.update(self.actor, self.note_id, data, version=self.version)

    def saved(self, result: NoteRead) -> None:
        self.version = result.version
        self._finished = True
        secret = " (confidential)" if result.confidential else ""
        self.app.notify(f"{kind_label(result.kind)} saved{secret}", markup=False)
        self.close_form(result)
