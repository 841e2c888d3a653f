"""Threat assessment cases (EC 49393): opening one from a report of a threat, moving it
through triage, team assessment, safety plan and monitoring to its close, dated follow-ups
(due on the officer's Today), the team, and links to referrals and mentoring notes.

Read rule (domain/threats.py, the decision documented there): a case is confidential by
default and read only by its team (the lead and the officers added), and by supervisors when
the agency's ``supervisors_read_confidential`` setting is on; a case marked not confidential
is read as a referral is (its team, its school's officers, supervisors). A sealed student's
case is read by nobody. Whoever reads a case may change it (move it, add follow-ups, team
members and links); only the lead or a supervisor who reads it changes its confidentiality.

Every read is audited (``threat.read``, ``threat.list``); every change too (``threat.open``,
``threat.move``, ``threat.follow_up``, ``threat.follow_up_done``, ``threat.team``,
``threat.link``, ``threat.confidential``). Events carry ids and stages, never a name or the
text of a case. The monthly report counts cases opened and closed (:func:`count_threat_cases`,
no names, sealed students' cases counted as other aggregate figures are).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true
from sqlalchemy.orm import Session

from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied, SroError
from ..domain.officers import Actor
from ..domain.paging import clamp_limit
from ..domain.threats import (
    FollowUpCreate,
    FollowUpRead,
    ThreatCaseCreate,
    ThreatCaseLine,
    ThreatCaseRead,
    ThreatEventRead,
    ThreatLevel,
    ThreatLinkRead,
    ThreatMove,
    ThreatStage,
    threat_move_problem,
)
from ..domain.timeline import TimelineEntry
from ..domain.versions import require_version
from ..store.models import (
    Incident,
    Note,
    NoteStudent,
    Officer,
    Referral,
    ReferralProgram,
    School,
    Student,
    ThreatCase,
    ThreatCaseEvent,
    ThreatCaseLink,
    ThreatCaseMember,
    ThreatFollowUp,
)
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .read_rules import incident_readable, note_readable, referral_readable
from .sealing import is_sealed, sealed_students

LINK_KINDS = ("referral", "note")
THREAT_FIGURES: tuple[tuple[str, str], ...] = (
    ("Threat assessment cases opened", "threat_opened"),
    ("Threat assessment cases closed", "threat_closed"),
)
"""The monthly report's lines for threat cases (measure, key of :func:`count_threat_cases`)."""


def case_readable(actor: Actor, *, supervisors_read: bool) -> ColumnElement[bool]:
    """The cases the actor may read (domain/threats.py ``may_read_case`` as SQL), none of a
    sealed student."""
    unsealed = ThreatCase.student_id.not_in(sealed_students())
    on_team = (
        exists(
            select(ThreatCaseMember.case_id).where(
                ThreatCaseMember.case_id == ThreatCase.id,
                ThreatCaseMember.officer_id == actor.officer_id,
            )
        ).correlate(ThreatCase)
        if actor.officer_id is not None
        else false()
    )
    if actor.is_supervisor:
        open_to_me: ColumnElement[bool] = (
            true() if supervisors_read else ThreatCase.confidential.is_(False)
        )
    elif actor.school_ids:
        open_to_me = and_(
            ThreatCase.confidential.is_(False), ThreatCase.school_id.in_(actor.school_ids)
        )
    else:
        open_to_me = false()
    return and_(unsealed, or_(on_team, open_to_me))


def count_threat_cases(
    session: Session,
    ranges: Sequence[tuple[datetime, datetime]],
    *,
    school_id: int | None = None,
    officer_id: int | None = None,
) -> dict[str, list[int]]:
    """For each UTC range [start, end): cases opened and cases closed (of an officer: the
    cases they lead). Statistics: no names; every case counts, confidential or sealed."""
    counts: dict[str, list[int]] = {key: [] for _, key in THREAT_FIGURES}
    for start, end in ranges:
        opened = select(func.count(ThreatCase.id)).where(
            ThreatCase.opened_at >= start, ThreatCase.opened_at < end
        )
        closed = select(func.count(ThreatCase.id)).where(
            ThreatCase.closed_at >= start, ThreatCase.closed_at < end
        )
        if school_id is not None:
            opened = opened.where(ThreatCase.school_id == school_id)
            closed = closed.where(ThreatCase.school_id == school_id)
        if officer_id is not None:
            opened = opened.where(ThreatCase.lead_id == officer_id)
            closed = closed.where(ThreatCase.lead_id == officer_id)
        counts["threat_opened"].append(int(session.scalar(opened) or 0))
        counts["threat_closed"].append(int(session.scalar(closed) or 0))
    return counts


def threat_entries(
    session: Session, actor: Actor, student_id: int, limit: int, supervisors_read: bool
) -> list[TimelineEntry]:
    """A student's threat assessment cases for their timeline, only those the actor reads
    (others' confidential cases are not hinted at; none while the records are sealed)."""
    rows = session.execute(
        select(ThreatCase, Officer.name)
        .join(Officer, Officer.id == ThreatCase.lead_id)
        .where(
            ThreatCase.student_id == student_id,
            case_readable(actor, supervisors_read=supervisors_read),
        )
        .order_by(ThreatCase.opened_at.desc(), ThreatCase.id.desc())
        .limit(limit)
    ).all()
    return [
        TimelineEntry(
            kind="threat",
            record_id=c.id,
            at=c.opened_at,
            title=f"Threat assessment case #{c.id}",
            summary=c.stage + (f", {c.level}" if c.level else ""),
            officer_name=lead_name,
        )
        for c, lead_name in rows
    ]


def _student_name(student: Student) -> str:
    return f"{student.last_name}, {student.first_name}"


class ThreatService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- opening and changing ------------------------------------------------------------------

    def open(self, actor: Actor, data: ThreatCaseCreate) -> ThreatCaseRead:
        """Open a case (stage ``reported``, confidential unless said otherwise) led by the
        actor, with a first follow-up (triage) due on the day reported unless another is
        given."""
        if actor.officer_id is None:
            self._deny(actor, "threat.open", "", "Only a signed-in officer can open a case")
        now = self.ctx.now()
        reported_on = data.reported_on or self.ctx.today()
        if reported_on > self.ctx.today():
            raise SroError("A threat cannot be reported in the future", field="reported_on")
        with self.ctx.db.write() as session:
            student = session.get(Student, data.student_id)
            if student is None or is_sealed(session, data.student_id):
                raise NotFound(f"No student with id {data.student_id}", field="student_id")
            school_id = student.school_id
            if data.incident_id is not None:
                school_id = self._incident_school(session, actor, data.incident_id)
            case = ThreatCase(
                student_id=data.student_id,
                school_id=school_id,
                incident_id=data.incident_id,
                summary=data.summary,
                stage=ThreatStage.REPORTED.value,
                level=ThreatLevel.UNSET.value,
                confidential=data.confidential,
                lead_id=actor.officer_id,
                reported_on=reported_on,
                opened_at=now,
                closed_at=None,
                updated_at=now,
                version=1,
            )
            session.add(case)
            session.flush()
            session.add(ThreatCaseMember(case_id=case.id, officer_id=actor.officer_id))
            session.add(
                ThreatCaseEvent(
                    case_id=case.id,
                    from_stage=None,
                    to_stage=ThreatStage.REPORTED.value,
                    level="",
                    at=now,
                    by_id=actor.officer_id,
                    note="",
                )
            )
            session.add(
                ThreatFollowUp(
                    case_id=case.id,
                    officer_id=actor.officer_id,
                    due_on=data.first_follow_up_on or reported_on,
                    what="Triage the reported threat with the team",
                    done_at=None,
                    done_note="",
                    created_at=now,
                )
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.open",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail="confidential" if data.confidential else "not confidential",
            )
            return self._read(session, case)

    def move(
        self, actor: Actor, case_id: int, data: ThreatMove, *, version: int | None = None
    ) -> ThreatCaseRead:
        """Move a case to another stage (domain/threats.py: which moves, which need a note)."""
        self._require_readable(actor, case_id, "threat.move")
        with self.ctx.db.write() as session:
            case = self._changeable(session, actor, case_id, "threat.move")
            require_version(version, case.version, "case")
            current = ThreatStage(case.stage)
            problem = threat_move_problem(current, data.to_stage, data.note)
            if problem:
                raise InvalidTransition(problem)
            now = self.ctx.now()
            case.stage = data.to_stage.value
            if data.level is not None:
                case.level = data.level.value
            if data.to_stage is ThreatStage.CLOSED:
                case.closed_at = now
            case.updated_at = now
            case.version += 1
            session.add(
                ThreatCaseEvent(
                    case_id=case.id,
                    from_stage=current.value,
                    to_stage=data.to_stage.value,
                    level=case.level,
                    at=now,
                    by_id=actor.officer_id or case.lead_id,
                    note=data.note,
                )
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.move",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail=f"{current.value} -> {data.to_stage.value}",
            )
            return self._read(session, case)

    def add_follow_up(self, actor: Actor, case_id: int, data: FollowUpCreate) -> FollowUpRead:
        """A dated follow-up for the lead (or another team member) of an open case."""
        self._require_readable(actor, case_id, "threat.follow_up")
        with self.ctx.db.write() as session:
            case = self._changeable(session, actor, case_id, "threat.follow_up")
            if case.stage == ThreatStage.CLOSED.value:
                raise SroError("This case is closed")
            officer_id = data.officer_id or case.lead_id
            if officer_id not in self._team(session, case.id):
                raise SroError("A follow-up is for a member of the case's team", field="officer_id")
            now = self.ctx.now()
            row = ThreatFollowUp(
                case_id=case.id,
                officer_id=officer_id,
                due_on=data.due_on,
                what=data.what,
                done_at=None,
                done_note="",
                created_at=now,
            )
            session.add(row)
            case.updated_at = now
            case.version += 1
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.follow_up",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail=f"follow-up {row.id} due {data.due_on.isoformat()}",
            )
            return self._follow_ups(session, [case.id], ids=[row.id])[0]

    def complete_follow_up(self, actor: Actor, follow_up_id: int, note: str = "") -> FollowUpRead:
        """Mark a follow-up done (with what came of it)."""
        with self.ctx.db.read() as session:
            case_id = session.scalar(
                select(ThreatFollowUp.case_id).where(ThreatFollowUp.id == follow_up_id)
            )
        if case_id is None:
            raise NotFound(f"No follow-up with id {follow_up_id}")
        self._require_readable(actor, case_id, "threat.follow_up_done")
        with self.ctx.db.write() as session:
            case = self._changeable(session, actor, case_id, "threat.follow_up_done")
            row = session.get(ThreatFollowUp, follow_up_id)
            assert row is not None
            if row.done_at is not None:
                raise SroError("This follow-up is already done")
            now = self.ctx.now()
            row.done_at = now
            row.done_note = note
            case.updated_at = now
            case.version += 1
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.follow_up_done",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail=f"follow-up {row.id}",
            )
            return self._follow_ups(session, [case.id], ids=[row.id])[0]

    def add_member(self, actor: Actor, case_id: int, badge: str) -> ThreatCaseRead:
        """Add an officer (by badge) to the case's team: they read it from then on."""
        self._require_readable(actor, case_id, "threat.team")
        with self.ctx.db.write() as session:
            case = self._changeable(session, actor, case_id, "threat.team")
            officer = session.scalar(select(Officer).where(Officer.badge == badge))
            if officer is None or not officer.active:
                raise NotFound(f"No active officer with badge {badge}", field="badge")
            if officer.id in self._team(session, case.id):
                raise SroError("This officer is already on the team", field="badge")
            session.add(ThreatCaseMember(case_id=case.id, officer_id=officer.id))
            case.updated_at = self.ctx.now()
            case.version += 1
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.team",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail=f"added officer {officer.id}",
            )
            return self._read(session, case)

    def link(self, actor: Actor, case_id: int, kind: str, record_id: int) -> ThreatCaseRead:
        """Link a referral or a mentoring note of the case's student that the actor reads."""
        if kind not in LINK_KINDS:
            raise SroError(f"Link a referral or a note, not {kind!r}", field="kind")
        self._require_readable(actor, case_id, "threat.link")
        with self.ctx.db.write() as session:
            case = self._changeable(session, actor, case_id, "threat.link")
            if kind == "referral":
                found = session.scalar(
                    select(Referral.id).where(
                        Referral.id == record_id,
                        Referral.student_id == case.student_id,
                        referral_readable(actor),
                    )
                )
            else:
                found = session.scalar(
                    select(Note.id).where(
                        Note.id == record_id,
                        note_readable(actor),
                        exists().where(
                            NoteStudent.note_id == Note.id,
                            NoteStudent.student_id == case.student_id,
                        ),
                    )
                )
            if found is None:
                raise NotFound(f"No {kind} {record_id} of this case's student", field="record_id")
            if session.get(ThreatCaseLink, (case.id, kind, record_id)) is not None:
                raise SroError(f"This {kind} is already linked")
            session.add(ThreatCaseLink(case_id=case.id, kind=kind, record_id=record_id))
            case.updated_at = self.ctx.now()
            case.version += 1
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.link",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail=f"{kind} {record_id}",
            )
            return self._read(session, case)

    def set_confidential(self, actor: Actor, case_id: int, confidential: bool) -> ThreatCaseRead:
        """The lead (or a supervisor who reads the case) marks it confidential or not."""
        found = self._require_readable(actor, case_id, "threat.confidential")
        if not (actor.is_supervisor or found.lead_id == actor.officer_id):
            self._deny(
                actor,
                "threat.confidential",
                case_id,
                "Only the case's lead or a supervisor changes its confidentiality",
            )
        with self.ctx.db.write() as session:
            case = self._changeable(session, actor, case_id, "threat.confidential")
            case.confidential = confidential
            case.updated_at = self.ctx.now()
            case.version += 1
            session.flush()
            self.audit.record(
                session,
                actor,
                "threat.confidential",
                record_type=RecordType.THREAT,
                record_id=case.id,
                detail="confidential" if confidential else "not confidential",
            )
            return self._read(session, case)

    # -- reading -------------------------------------------------------------------------------

    def get(self, actor: Actor, case_id: int) -> ThreatCaseRead:
        """One case in full (an audited read); a case the actor may not read is not found
        (its existence is confidential too) and the attempt is audited as denied."""
        with self.ctx.db.read() as session:
            exists_at_all = session.get(ThreatCase, case_id) is not None
            visible = session.scalar(
                select(ThreatCase.id).where(
                    ThreatCase.id == case_id, self._readable(session, actor)
                )
            )
        if visible is None:
            if exists_at_all:
                self.audit.record_alone(
                    actor,
                    "threat.read",
                    record_type=RecordType.THREAT,
                    record_id=case_id,
                    outcome=AuditOutcome.DENIED,
                )
            raise NotFound(f"No threat case {case_id} you may read")
        with self.audit.reading() as session:
            self.audit.record(
                session, actor, "threat.read", record_type=RecordType.THREAT, record_id=case_id
            )
            case = session.get(ThreatCase, case_id)
            assert case is not None
            return self._read(session, case)

    def page(
        self,
        actor: Actor,
        *,
        include_closed: bool = False,
        student_id: int | None = None,
        limit: int = 50,
    ) -> list[ThreatCaseLine]:
        """The cases the actor reads, open ones (or all), soonest follow-up first, then
        newest."""
        with self.audit.reading() as session:
            query = select(ThreatCase).where(self._readable(session, actor))
            if not include_closed:
                query = query.where(ThreatCase.stage != ThreatStage.CLOSED.value)
            if student_id is not None:
                query = query.where(ThreatCase.student_id == student_id)
            next_due = (
                select(func.min(ThreatFollowUp.due_on))
                .where(ThreatFollowUp.case_id == ThreatCase.id, ThreatFollowUp.done_at.is_(None))
                .correlate(ThreatCase)
                .scalar_subquery()
            )
            rows = session.execute(
                query.add_columns(next_due)
                .order_by(
                    next_due.is_(None), next_due, ThreatCase.opened_at.desc(), ThreatCase.id.desc()
                )
                .limit(clamp_limit(limit))
            ).all()
            lines = self._lines(session, [(c, d) for c, d in rows])
            self.audit.record(
                session,
                actor,
                "threat.list",
                record_type=RecordType.THREAT,
                detail=f"{'all' if include_closed else 'open'}, {len(lines)} rows",
            )
        return lines

    def follow_ups_due(
        self, actor: Actor, day: date, *, limit: int = 8
    ) -> tuple[list[FollowUpRead], int]:
        """The actor's follow-ups of open cases due on ``day`` or before, oldest first, and
        how many there are (Today; reading the rows is audited as a list)."""
        if actor.officer_id is None:
            return [], 0
        with self.audit.reading() as session:
            due = (
                select(ThreatFollowUp.id)
                .join(ThreatCase, ThreatCase.id == ThreatFollowUp.case_id)
                .where(
                    ThreatFollowUp.officer_id == actor.officer_id,
                    ThreatFollowUp.done_at.is_(None),
                    ThreatFollowUp.due_on <= day,
                    ThreatCase.stage != ThreatStage.CLOSED.value,
                    self._readable(session, actor),
                )
            )
            total = int(session.scalar(select(func.count()).select_from(due.subquery())) or 0)
            ids = list(
                session.scalars(
                    due.order_by(ThreatFollowUp.due_on, ThreatFollowUp.id).limit(clamp_limit(limit))
                )
            )
            rows = self._follow_ups(session, None, ids=ids)
            if rows:
                self.audit.record(
                    session,
                    actor,
                    "threat.list",
                    record_type=RecordType.THREAT,
                    detail=f"follow-ups due, {len(rows)} rows",
                )
        return rows, max(total, len(rows))

    def for_student(self, session: Session, actor: Actor, student_id: int) -> list[ThreatCase]:
        """The student's cases the actor reads, inside the caller's (audited) session: the
        student's timeline."""
        return list(
            session.scalars(
                select(ThreatCase)
                .where(ThreatCase.student_id == student_id, self._readable(session, actor))
                .order_by(ThreatCase.opened_at.desc(), ThreatCase.id.desc())
            )
        )

    # -- helpers -------------------------------------------------------------------------------

    def _readable(self, session: Session, actor: Actor) -> ColumnElement[bool]:
        supervisors_read = store_settings.get_flag(
            session, store_settings.SUPERVISORS_READ_CONFIDENTIAL
        )
        return case_readable(actor, supervisors_read=supervisors_read)

    def _require_readable(self, actor: Actor, case_id: int, action: str) -> ThreatCase:
        """The case, if the actor reads it (a case they may not read is "not found", the
        attempt audited as denied). Checked before the write transaction opens: the denial
        is recorded in a transaction of its own."""
        with self.ctx.db.read() as session:
            case = session.get(ThreatCase, case_id)
            readable = session.scalar(
                select(ThreatCase.id).where(
                    ThreatCase.id == case_id, self._readable(session, actor)
                )
            )
            if case is not None:
                session.expunge(case)
        if case is None:
            raise NotFound(f"No threat case {case_id} you may read")
        if readable is None:
            self.audit.record_alone(
                actor,
                action,
                record_type=RecordType.THREAT,
                record_id=case_id,
                outcome=AuditOutcome.DENIED,
            )
            raise NotFound(f"No threat case {case_id} you may read")
        return case

    def _changeable(self, session: Session, actor: Actor, case_id: int, action: str) -> ThreatCase:
        """The case to change, locked for the write (the actor was checked before)."""
        case = session.get(ThreatCase, case_id, with_for_update=True)
        if case is None:
            raise NotFound(f"No threat case {case_id} you may read")
        return case

    def _incident_school(self, session: Session, actor: Actor, incident_id: int) -> int:
        school_id = session.scalar(
            select(Incident.school_id).where(Incident.id == incident_id, incident_readable(actor))
        )
        if school_id is None:
            raise NotFound(f"No incident with id {incident_id}", field="incident_id")
        return int(school_id)

    @staticmethod
    def _team(session: Session, case_id: int) -> list[int]:
        return list(
            session.scalars(
                select(ThreatCaseMember.officer_id).where(ThreatCaseMember.case_id == case_id)
            )
        )

    def _follow_ups(
        self, session: Session, case_ids: list[int] | None, *, ids: list[int] | None = None
    ) -> list[FollowUpRead]:
        query = (
            select(ThreatFollowUp, Officer.name, Student.last_name, Student.first_name)
            .join(Officer, Officer.id == ThreatFollowUp.officer_id)
            .join(ThreatCase, ThreatCase.id == ThreatFollowUp.case_id)
            .join(Student, Student.id == ThreatCase.student_id)
        )
        if case_ids is not None:
            query = query.where(ThreatFollowUp.case_id.in_(case_ids))
        if ids is not None:
            if not ids:
                return []
            query = query.where(ThreatFollowUp.id.in_(ids))
        rows = session.execute(query.order_by(ThreatFollowUp.due_on, ThreatFollowUp.id)).all()
        return [
            FollowUpRead(
                id=f.id,
                case_id=f.case_id,
                due_on=f.due_on,
                what=f.what,
                officer_id=f.officer_id,
                officer_name=name,
                done_at=f.done_at,
                done_note=f.done_note,
                student_name=f"{last}, {first}",
            )
            for f, name, last, first in rows
        ]

    def _lines(self, session: Session, rows: list[tuple[ThreatCase, Any]]) -> list[ThreatCaseLine]:
        if not rows:
            return []
        students = {
            s.id: _student_name(s)
            for s in session.scalars(
                select(Student).where(Student.id.in_({c.student_id for c, _ in rows}))
            )
        }
        officers = dict(
            session.execute(
                select(Officer.id, Officer.name).where(Officer.id.in_({c.lead_id for c, _ in rows}))
            ).all()
        )
        schools = dict(session.execute(select(School.id, School.code)).all())
        numbers = dict(
            session.execute(
                select(Incident.id, Incident.number).where(
                    Incident.id.in_({c.incident_id for c, _ in rows if c.incident_id})
                )
            ).all()
        )
        return [
            ThreatCaseLine(
                id=c.id,
                student_id=c.student_id,
                student_name=students.get(c.student_id, ""),
                school_code=schools.get(c.school_id, "") if c.school_id else "",
                stage=ThreatStage(c.stage),
                level=ThreatLevel(c.level),
                lead_name=officers.get(c.lead_id, ""),
                opened_at=c.opened_at,
                next_due_on=due,
                incident_number=numbers.get(c.incident_id, "") if c.incident_id else "",
            )
            for c, due in rows
        ]

    def _read(self, session: Session, case: ThreatCase) -> ThreatCaseRead:
        student = session.get(Student, case.student_id)
        assert student is not None
        school_code = (
            session.scalar(select(School.code).where(School.id == case.school_id))
            if case.school_id
            else None
        )
        number = (
            session.scalar(select(Incident.number).where(Incident.id == case.incident_id))
            if case.incident_id
            else None
        )
        names = dict(session.execute(select(Officer.id, Officer.name)).all())
        team = sorted(self._team(session, case.id), key=lambda o: (o != case.lead_id, o))
        events = [
            ThreatEventRead(
                from_stage=ThreatStage(e.from_stage) if e.from_stage else None,
                to_stage=ThreatStage(e.to_stage),
                at=e.at,
                by_name=names.get(e.by_id, ""),
                note=e.note,
                level=ThreatLevel(e.level),
            )
            for e in session.scalars(
                select(ThreatCaseEvent)
                .where(ThreatCaseEvent.case_id == case.id)
                .order_by(ThreatCaseEvent.id)
            )
        ]
        return ThreatCaseRead(
            id=case.id,
            student_id=case.student_id,
            student_name=_student_name(student),
            school_id=case.school_id,
            school_code=school_code or "",
            incident_id=case.incident_id,
            incident_number=number or "",
            summary=case.summary,
            stage=ThreatStage(case.stage),
            level=ThreatLevel(case.level),
            confidential=case.confidential,
            lead_id=case.lead_id,
            lead_name=names.get(case.lead_id, ""),
            opened_at=case.opened_at,
            reported_on=case.reported_on,
            closed_at=case.closed_at,
            team=tuple((o, names.get(o, "")) for o in team),
            events=tuple(events),
            follow_ups=tuple(self._follow_ups(session, [case.id])),
            links=tuple(self._links(session, case.id)),
            version=case.version,
        )

    @staticmethod
    def _links(session: Session, case_id: int) -> list[ThreatLinkRead]:
        links = list(
            session.scalars(
                select(ThreatCaseLink)
                .where(ThreatCaseLink.case_id == case_id)
                .order_by(ThreatCaseLink.kind, ThreatCaseLink.record_id)
            )
        )
        referral_ids = [link.record_id for link in links if link.kind == "referral"]
        note_ids = [link.record_id for link in links if link.kind == "note"]
        titles: dict[tuple[str, int], str] = {}
        if referral_ids:
            for rid, program, on in session.execute(
                select(Referral.id, ReferralProgram.name, Referral.referred_on)
                .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
                .where(Referral.id.in_(referral_ids))
            ):
                titles[("referral", rid)] = f"Referral to {program} ({on.isoformat()})"
        if note_ids:
            for nid, kind, at in session.execute(
                select(Note.id, Note.kind, Note.occurred_at).where(Note.id.in_(note_ids))
            ):
                titles[("note", nid)] = f"Note: {kind} ({at:%Y-%m-%d})"
        return [
            ThreatLinkRead(kind=link.kind, record_id=link.record_id, title=titles[key])
            for link in links
            if (key := (link.kind, link.record_id)) in titles  # a purged record drops out
        ]

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.THREAT,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)
