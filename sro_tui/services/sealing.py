"""Court-ordered sealing of a juvenile's records (W&I 781, 786, 786.5).

A supervisor seals a student's records on a court order (its number and a reason); only an
administrator lifts a seal. While a seal is in force, the student's records are treated as if
the events never occurred, for everyone: every incident naming the student, every note about
them and every referral of them vanishes from lists, search, timelines, exports and the
names in reports, and the student's own row from the roster search. Aggregate statistics
(the monthly, year-to-date and federal counts, which carry no names) still count them.

The rule lives here once, as SQL predicates the read paths share:

- :func:`student_unsealed` on ``students``,
- :func:`incident_unsealed` on ``incidents`` (no sealed student among its people),
- :func:`note_unsealed` on ``notes`` (no sealed student among its students),
- :func:`referral_unsealed` on ``referrals``.

A record that names a sealed student and others is sealed as a whole: the others' part of
it cannot be shown without showing the sealed event.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, exists, select
from sqlalchemy.orm import Session, aliased

from ..domain.base import ReadSchema, Schema
from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied
from ..domain.officers import Actor
from ..domain.students import DISTRICT_ID_PATTERN
from ..domain.text import RequiredLine
from ..store.models import (
    Incident,
    IncidentPerson,
    Note,
    NoteStudent,
    Officer,
    Referral,
    Student,
    StudentSeal,
)
from .audit import AuditTrail
from .context import ServiceContext


def sealed_students() -> Select[Any]:
    """The ids of the students whose records are sealed now."""
    return select(StudentSeal.student_id).where(StudentSeal.unsealed_at.is_(None))


def student_unsealed() -> ColumnElement[bool]:
    return Student.id.not_in(sealed_students())


def incident_unsealed() -> ColumnElement[bool]:
    # An alias of its own: the enclosing query may join incident_people itself.
    person = aliased(IncidentPerson)
    return ~exists(
        select(person.id).where(
            person.incident_id == Incident.id, person.student_id.in_(sealed_students())
        )
    ).correlate(Incident)


def note_unsealed() -> ColumnElement[bool]:
    link = aliased(NoteStudent)
    return ~exists(
        select(link.note_id).where(link.note_id == Note.id, link.student_id.in_(sealed_students()))
    ).correlate(Note)


def referral_unsealed() -> ColumnElement[bool]:
    return Referral.student_id.not_in(sealed_students())


def unsealed_incident(session: Session, incident_id: int) -> bool:
    """Whether the incident exists and names no sealed student."""
    found = session.scalar(
        select(Incident.id).where(Incident.id == incident_id, incident_unsealed())
    )
    return found is not None


def is_sealed(session: Session, student_id: int) -> bool:
    return (
        session.scalar(
            select(StudentSeal.id).where(
                StudentSeal.student_id == student_id, StudentSeal.unsealed_at.is_(None)
            )
        )
        is not None
    )


class SealOrder(Schema):
    order_number: RequiredLine
    reason: RequiredLine


class UnsealOrder(Schema):
    reason: RequiredLine


class SealRead(ReadSchema):
    id: int
    district_id: str
    order_number: str
    reason: str
    sealed_by: str
    sealed_at: datetime
    unsealed_by: str
    unsealed_at: datetime | None
    unseal_reason: str


class SealingService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def seal(self, actor: Actor, district_id: str, order: SealOrder) -> SealRead:
        """Seal a student's records (supervisors)."""
        if not actor.is_supervisor:
            self._deny(actor, "student.seal", district_id, "Only a supervisor can seal records")
        with self.ctx.db.write() as session:
            student = self._student(session, district_id)
            if is_sealed(session, student.id):
                raise InvalidTransition(f"The records of {student.district_id} are already sealed")
            row = StudentSeal(
                student_id=student.id,
                order_number=order.order_number,
                reason=order.reason,
                sealed_by_id=actor.officer_id,
                sealed_at=self.ctx.now(),
                unseal_reason="",
            )
            session.add(row)
            session.flush()
            self.audit.record(
                session,
                actor,
                "student.seal",
                record_type=RecordType.STUDENT,
                record_id=student.id,
                detail=f"order {order.order_number}",
            )
            return self._read(session, row, student.district_id)

    def unseal(self, actor: Actor, district_id: str, order: UnsealOrder) -> SealRead:
        """Lift the seal in force (administrators only)."""
        if not actor.is_admin:
            self._deny(actor, "student.unseal", district_id, "Only an administrator can unseal")
        with self.ctx.db.write() as session:
            student = self._student(session, district_id)
            row = session.scalar(
                select(StudentSeal)
                .where(StudentSeal.student_id == student.id, StudentSeal.unsealed_at.is_(None))
                .with_for_update()
            )
            if row is None:
                raise InvalidTransition(f"The records of {student.district_id} are not sealed")
            row.unsealed_at = self.ctx.now()
            row.unsealed_by_id = actor.officer_id
            row.unseal_reason = order.reason
            session.flush()
            self.audit.record(
                session,
                actor,
                "student.unseal",
                record_type=RecordType.STUDENT,
                record_id=student.id,
                detail=f"order {row.order_number}",
            )
            return self._read(session, row, student.district_id)

    def seals(self, actor: Actor, district_id: str) -> list[SealRead]:
        """Every seal of a student, in force or lifted (supervisors; audited)."""
        if not actor.is_supervisor:
            self._deny(actor, "student.read", district_id, "Only a supervisor can see seals")
        with self.audit.reading() as session:
            student = self._student(session, district_id)
            rows = session.scalars(
                select(StudentSeal)
                .where(StudentSeal.student_id == student.id)
                .order_by(StudentSeal.id)
            )
            out = [self._read(session, row, student.district_id) for row in rows]
            self.audit.record(
                session,
                actor,
                "student.read",
                record_type=RecordType.STUDENT,
                record_id=student.id,
                detail="seals",
            )
            return out

    @staticmethod
    def _student(session: Session, district_id: str) -> Student:
        clean = district_id.strip().upper()
        student = None
        if DISTRICT_ID_PATTERN.match(clean):
            student = session.scalar(select(Student).where(Student.district_id == clean))
        if student is None:
            raise NotFound(f"No student with district ID {clean}", field="district_id")
        return student

    @staticmethod
    def _read(session: Session, row: StudentSeal, district_id: str) -> SealRead:
        def name(officer_id: int | None) -> str:
            if officer_id is None:
                return "local administration"
            return session.scalar(select(Officer.name).where(Officer.id == officer_id)) or ""

        return SealRead(
            id=row.id,
            district_id=district_id,
            order_number=row.order_number,
            reason=row.reason,
            sealed_by=name(row.sealed_by_id),
            sealed_at=row.sealed_at,
            unsealed_by=name(row.unsealed_by_id) if row.unsealed_at else "",
            unsealed_at=row.unsealed_at,
            unseal_reason=row.unseal_reason,
        )

    def _deny(self, actor: Actor, action: str, record_id: str, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.STUDENT,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)
