"""Add or edit a student: district ID, name, school, grade (and nothing more: FERPA keeps
the rest of a student's record with the school)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from ...domain.students import (
    MAX_GRADE,
    MIN_GRADE,
    StudentCreate,
    StudentRead,
    StudentUpdate,
    grade_label,
)
from ..text import VISIBLE_HIGHLIGHTER, literal, visible
from ..widgets.fields import LabelledField
from .base import FieldProblems, FormModal
from .later import RestAfterFirstFrame

__all__ = ["GRADE_OPTIONS", "StudentFormScreen"]

GRADE_OPTIONS = [(grade_label(g), g) for g in range(MIN_GRADE, MAX_GRADE + 1)]


@dataclass
class StudentLoaded:
    """What the student form reads from the store."""

    schools: list[tuple[Text, int]]
    payload: dict[str, Any] | None = None
    draft_key: str | None = None
    student: StudentRead | None = None


class StudentFormScreen(RestAfterFirstFrame, FormModal):
    """Dismissed with the saved ``StudentRead``, or None."""

    FORM = "student"
    WHAT = "this student"
    AUTO_FOCUS = "#student-district-id Input"

    CSS_PATH = "student_form.tcss"
    REST_INTO = "#student-body"

    def __init__(self, student_id: int | None = None, draft_id: int | None = None) -> None:
        super().__init__()
        self.student_id = student_id
        self.version: int | None = None  # the student's, as loaded (kept in the draft)
        self.init_form(draft_id=draft_id, draft_key=f"student-{student_id}" if student_id else None)
        self.district_id = Input(placeholder="e.g. 100234", max_length=20)
        self.first_name = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.last_name = Input(max_length=200, highlighter=VISIBLE_HIGHLIGHTER)
        self.school = Select[int]([], prompt="School", allow_blank=True)
        self.grade = Select[int](GRADE_OPTIONS, prompt="Grade", allow_blank=True)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="student-body") as body:
            body.border_title = "Edit student" if self.student_id else "Add student"
            yield from self.compose_message()
            yield LabelledField(
                "District ID",
                self.district_id,
                field="district_id",
                required=True,
                id="student-district-id",
            )
            with Horizontal(classes="row"):
                yield LabelledField("Last name", self.last_name, field="last_name", required=True)
                yield LabelledField(
                    "First name", self.first_name, field="first_name", required=True
                )
            # School and grade (two Selects) come right after the first frame (rest()).

    def rest(self) -> list[Widget]:
        return [
            Horizontal(
                LabelledField("School", self.school, field="school_id"),
                LabelledField("Grade", self.grade, field="grade"),
                classes="row",
            ),
            Horizontal(
                Label("ctrl+s save · esc back", id="student-keys"),
                Static(self.status_text, classes="draft-status"),
                id="student-status",
            ),
        ]

    def on_mount(self) -> None:
        # No store call here: load() reads the schools, the draft and the student.
        self.mount_rest_later()
        if self.student_id is not None:
            self.district_id.disabled = True  # the district's key; a new ID is a new student
            self.call_after_refresh(self.last_name.focus)

    def load(self) -> StudentLoaded:
        services, actor = self.services, self.actor
        schools = [(literal(s.name), s.id) for s in services.reference.schools()]
        loaded = StudentLoaded(schools=schools)
        if self.draft_id is not None:
            draft = services.drafts.get(actor, self.draft_id)
            loaded.draft_key = draft.key
            loaded.payload = dict(draft.payload)
        elif self.student_id is not None:
            loaded.student = services.students.get(actor, self.student_id)
        return loaded

    def fill(self, loaded: object) -> None:
        assert isinstance(loaded, StudentLoaded)
        self.school.set_options(loaded.schools)
        if loaded.payload is not None:
            if loaded.draft_key:
                self.draft_key = loaded.draft_key
            self.from_draft = True
            self.restore(loaded.payload)
        elif loaded.student is not None:
            self._load(loaded.student)
        else:
            school = self.sro.school
            if school is not None:
                self.school.value = school.id

    def _load(self, student: StudentRead) -> None:
        self.version = student.version
        self.district_id.value = student.district_id
        self.first_name.value = student.first_name
        self.last_name.value = student.last_name
        if student.school_id is not None:
            self.school.value = student.school_id
        if student.grade is not None:
            self.grade.value = student.grade

    # -- drafts --------------------------------------------------------------------------------

    def collect(self) -> dict[str, Any]:
        school = self.school.value
        grade = self.grade.value
        return {
            "student_id": self.student_id,
            "version": self.version,
            "district_id": self.district_id.value,
            "first_name": self.first_name.value,
            "last_name": self.last_name.value,
            "school_id": None if school is Select.NULL else school,
            "grade": None if grade is Select.NULL else grade,
        }

    def restore(self, payload: dict[str, Any]) -> None:
        if payload.get("version") is not None:
            self.version = int(payload["version"])
        self.district_id.value = str(payload.get("district_id", ""))
        self.first_name.value = str(payload.get("first_name", ""))
        self.last_name.value = str(payload.get("last_name", ""))
        if payload.get("school_id") is not None:
            self.school.value = int(payload["school_id"])
        if payload.get("grade") is not None:
            self.grade.value = int(payload["grade"])

    def draft_title(self) -> str:
        name = f"{self.last_name.value}, {self.first_name.value}".strip(", ")
        return f"Student — {name or 'new'}"

    # -- save ----------------------------------------------------------------------------------

    def build(self, problems: FieldProblems) -> StudentCreate | StudentUpdate | None:
        values = self.collect()
        common = {
            "first_name": values["first_name"],
            "last_name": values["last_name"],
            "school_id": values["school_id"],
            "grade": values["grade"],
        }
        if self.student_id is None:
            return self.validate_model(
                StudentCreate, problems, district_id=values["district_id"], **common
            )
        return self.validate_model(StudentUpdate, problems, **common)

    def persist(self, data: StudentCreate | StudentUpdate) -> StudentRead:
        if isinstance(data, StudentCreate):
            return self.services.students.create(self.actor, data)
        assert self.student_id is not None
        return self.services.students.update(
            self.actor, self.student_id, data, version=self.version
        )

    def saved(self, result: StudentRead) -> None:
        self._finished = True
        self.app.notify(
            visible(f"Saved {result.display_name} ({result.district_id})"), markup=False
        )
        self.close_form(result)
