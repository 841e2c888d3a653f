"""Mentoring notes and other contacts: sessions, mediations, lectures, trainings, liaison."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import Field, field_validator, model_validator

from .base import ReadSchema, Schema, ensure_utc
from .enums import ContactKind, LectureTopic
from .text import Line, Text

# Kinds that are about particular students and need at least one named.
STUDENT_KINDS = frozenset({ContactKind.MENTORING, ContactKind.MEDIATION, ContactKind.SAP_GROUP})


class NoteCreate(Schema):
    kind: ContactKind = Field(default=ContactKind.MENTORING, title="Kind")
    school_id: int | None = Field(default=None, title="School")
    occurred_at: datetime = Field(title="When")
    minutes: int = Field(default=0, ge=0, le=1440, title="Minutes")
    student_ids: list[int] = Field(default_factory=list, title="Students")
    with_parent: bool = Field(default=False, title="With parent")
    with_staff: bool = Field(default=False, title="With staff")
    topics: Line = Field(default="", title="Topics")
    text: Text = Field(default="", title="Note")
    follow_up_on: date | None = Field(default=None, title="Follow-up")
    confidential: bool = Field(default=False, title="Confidential")
    class_name: Line = Field(default="", title="Class")
    lecture_topic: LectureTopic | None = Field(default=None, title="Lecture topic")
    head_count: int | None = Field(default=None, ge=0, le=5000, title="Head count")
    agency: Line = Field(default="", title="Agency")

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return ensure_utc(value)

    @field_validator("student_ids")
    @classmethod
    def _unique(cls, value: list[int]) -> list[int]:
        return list(dict.fromkeys(value))

    @model_validator(mode="after")
    def _kind_fields(self) -> NoteCreate:
        if self.kind in STUDENT_KINDS and not self.student_ids:
            raise ValueError(f"A {self.kind.value} needs at least one student")
        if self.kind is ContactKind.CLASSROOM:
            if not self.class_name:
                raise ValueError("Class is required for a classroom lecture")
            if self.lecture_topic is None:
                raise ValueError("Lecture topic is required for a classroom lecture")
            if self.head_count is None:
                raise ValueError("Head count is required for a classroom lecture")
        if self.kind is ContactKind.STAFF_TRAINING and self.head_count is None:
            raise ValueError("Head count (attendees) is required for a staff training")
        if self.kind is ContactKind.LIAISON and not self.agency:
            raise ValueError("Agency is required for a liaison contact")
        return self


class NoteRead(ReadSchema):
    """A note as its reader may see it. ``redacted`` notes carry no text, topics or students'
    details: the reader learns that a confidential note exists, by whom and when."""

    id: int
    kind: ContactKind
    officer_id: int
    officer_name: str
    school_id: int | None
    occurred_at: datetime
    minutes: int
    student_ids: tuple[int, ...]
    with_parent: bool
    with_staff: bool
    topics: str
    text: str
    follow_up_on: date | None
    confidential: bool
    class_name: str
    lecture_topic: LectureTopic | None
    head_count: int | None
    agency: str
    version: int = 1
    redacted: bool = False
