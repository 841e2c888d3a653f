"""The mentoring note's side of the merge (``forms.merging``): its fields as the merge sees
them, the note as the form's content (what the note form shows for it) and each value as
text. Students are compared by who they are, not by how their names were shown."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ...domain.enums import ContactKind
from ...domain.errors import SroError
from ...domain.mentoring import NoteRead
from ...domain.merge import MergeField
from ...domain.timeparse import format_local
from .choices import student_choice
from .merging import MergeChanges

if TYPE_CHECKING:
    from ...domain.officers import Actor
    from ...services.registry import Services

__all__ = ["NOTE_MERGE_FIELDS", "NoteMerge", "note_content"]


def _student_ids(value: Any) -> list[Any]:
    return sorted(row[0] for row in value or [] if isinstance(row, list | tuple) and row)


def _line(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _flag(value: Any) -> bool:
    return bool(value)


NOTE_MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("kind", "Kind"),
    MergeField("students", "Students", compare=_student_ids),
    MergeField("with_parent", "With parent", compare=_flag),
    MergeField("with_staff", "With staff", compare=_flag),
    MergeField("class_name", "Class", compare=_line),
    MergeField("lecture_topic", "Lecture topic", compare=_line),
    MergeField("head_count", "Head count", compare=_line),
    MergeField("agency", "Agency", compare=_line),
    MergeField("when", "When", compare=_line),
    MergeField("minutes", "Minutes", compare=_line),
    MergeField("follow_up", "Follow-up", compare=_line),
    MergeField("topics", "Topics"),
    MergeField("text", "Note"),
    MergeField("confidential", "Confidential", compare=_flag),
)


def note_content(services: Services, actor: Actor, note: NoteRead) -> dict[str, Any]:
    """The note as the note form's content (its draft payload); reads the students' names
    (a thread)."""
    students: list[list[Any]] = []
    for student_id in note.student_ids:
        try:
            choice = student_choice(services.students.get(actor, student_id))
            students.append([choice.value, choice.label, choice.detail])
        except SroError:
            students.append([student_id, f"student {student_id}", ""])
    return {
        "note_id": note.id,
        "version": note.version,
        "school_id": note.school_id,
        "kind": note.kind.value,
        "when": format_local(note.occurred_at, services.ctx.tz),
        "minutes": str(note.minutes) if note.minutes else "",
        "students": students,
        "student_text": "",
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


class NoteMerge(MergeChanges):
    """The note form's merge hooks (the form keeps ``record``, ``version``, ``note_id``)."""

    record: NoteRead | None
    version: int | None
    note_id: int | None

    def merge_fields(self) -> Sequence[MergeField]:
        return NOTE_MERGE_FIELDS

    def merge_record_key(self) -> str | None:
        return f"note-{self.note_id}" if self.note_id is not None else None

    def merge_loaded(self) -> NoteRead | None:
        record = self.record
        if record is None or record.redacted or record.officer_id != self.actor.officer_id:
            return None  # only the author edits it
        return record

    def merge_form_version(self) -> int | None:
        return self.version

    def merge_read(self, services: Services, actor: Actor) -> NoteRead:
        assert self.note_id is not None
        return services.notes.get(actor, self.note_id)

    def merge_version(self, record: Any) -> int:
        assert isinstance(record, NoteRead)
        return record.version

    def merge_payload(self, services: Services, actor: Actor, record: Any) -> dict[str, Any]:
        assert isinstance(record, NoteRead)
        return note_content(services, actor, record)

    def merge_show(self, services: Services, key: str, value: Any) -> str:
        if key == "students":
            return "; ".join(str(row[1]) for row in value or [] if len(row) > 1)
        if key in ("with_parent", "with_staff", "confidential"):
            return "yes" if value else "no"
        if key == "kind" and value:
            from .note_form import kind_label  # the form's own words for each kind

            return kind_label(ContactKind(str(value)))
        return super().merge_show(services, key, value)

    def merge_take(self, record: Any, version: int) -> None:
        assert isinstance(record, NoteRead)
        self.record = record
        self.version = version
