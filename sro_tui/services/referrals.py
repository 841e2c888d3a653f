"""Referrals of students to programs, from referral to outcome.

Who sees what: the referring officer and supervisors see and change a referral; officers
assigned to the student's school may read it (they work with the same students) but not
change it. ``due`` (the Today screen) lists the actor's own open referrals, or everyone's
for a supervisor.

Lists page by (next_follow_up_on, id), the order a caseload is worked in, using the
indexes on (status, next_follow_up_on, id) and (referred_by_id, next_follow_up_on).
Closed referrals have no follow-up date and come last, by id.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session, selectinload

from ..domain.enums import AuditOutcome, ConsentStatus, IncidentStatus, RecordType, ReferralStatus
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied, SroError
from ..domain.officers import Actor
from ..domain.paging import Page, clamp_limit, decode_cursor, encode_cursor
from ..domain.permissions import (
    may_change_referral,
    may_read_incident,
    may_read_note_text,
    may_read_referral,
)
from ..domain.referrals import (
    DEFAULT_FOLLOW_UP,
    ConsentUpdate,
    ReferralCreate,
    ReferralEventRead,
    ReferralMove,
    ReferralRead,
)
from ..domain.versions import require_version
from ..domain.workflow import REFERRAL_OPEN, next_referral_status, referral_move_problem
from ..store.models import (
    Incident,
    IncidentPerson,
    Note,
    NoteStudent,
    Officer,
    Referral,
    ReferralEvent,
    ReferralProgram,
    Student,
)
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .sealing import referral_unsealed

SCOPES = ("own", "all")
OPEN_VALUES = tuple(s.value for s in REFERRAL_OPEN)


class ReferralService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- writing -----------------------------------------------------------------------------

    def create(self, actor: Actor, data: ReferralCreate) -> ReferralRead:
        """Refer a student to a program (by code). The school is the student's; the first
        event is "referred" on the referral date."""
        if actor.officer_id is None:
            self._deny(actor, "referral.create", "", "Only a signed-in officer can refer a student")
        with self.ctx.db.write() as session:
            student = session.get(Student, data.student_id)
            if student is None:
                raise NotFound(f"No student with id {data.student_id}", field="student_id")
            program = session.scalar(
                select(ReferralProgram).where(
                    ReferralProgram.code == data.program_code.strip().upper()
                )
            )
            if program is None or not program.active:
                raise NotFound(f"No program with code {data.program_code!r}", field="program_code")
            if data.referred_on > self.ctx.today():
                raise SroError("Referred on cannot be in the future", field="referred_on")
            if data.incident_id is not None:
                self._check_incident(session, actor, data.incident_id, data.student_id)
            if data.note_id is not None:
                self._check_note(session, actor, data.note_id, data.student_id)
            now = self.ctx.now()
            referral = Referral(
                student_id=student.id,
                program_id=program.id,
                school_id=student.school_id,
                reason=data.reason,
                incident_id=data.incident_id,
                note_id=data.note_id,
                referred_by_id=actor.officer_id,
                referred_on=data.referred_on,
                consent=data.consent.value,
                consent_on=data.consent_on if data.consent is not ConsentStatus.PENDING else None,
                status=ReferralStatus.REFERRED.value,
                next_follow_up_on=data.next_follow_up_on,
                created_at=now,
                updated_at=now,
            )
            session.add(referral)
            session.flush()
            session.add(
                ReferralEvent(
                    referral_id=referral.id,
                    from_status=None,
                    to_status=ReferralStatus.REFERRED.value,
                    on=data.referred_on,
                    at=now,
                    by_id=actor.officer_id,
                    note="",
                )
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "referral.create",
                record_type=RecordType.REFERRAL,
                record_id=referral.id,
            )
            return self._read(session, referral.id)

    def move(
        self, actor: Actor, referral_id: int, data: ReferralMove, *, version: int | None = None
    ) -> ReferralRead:
        """Change the status, as the workflow allows (InvalidTransition says why not). Each
        change is a dated event; the next follow-up is the one given, else two weeks after
        the change while the referral is open, and none once it is closed. ``version``: the
        one the change was made against (domain.versions)."""
        self._require_change(actor, referral_id, "referral.move")
        with self.ctx.db.write() as session:
            referral, program = self._lock(session, referral_id)
            require_version(version, referral.version, "referral")
            referral.version += 1
            current = ReferralStatus(referral.status)
            problem = referral_move_problem(
                current,
                data.to_status,
                consent_required=program.consent_required,
                consent_given=referral.consent == ConsentStatus.YES.value,
            )
            if problem:
                raise InvalidTransition(problem, field="to_status")
            if data.on < referral.referred_on:
                raise SroError("Date cannot be before the referral date", field="on")
            if data.on > self.ctx.today():
                raise SroError("Date cannot be in the future", field="on")
            if data.to_status in REFERRAL_OPEN:
                follow_up = data.next_follow_up_on or data.on + DEFAULT_FOLLOW_UP
                if follow_up < data.on:
                    raise SroError(
                        "Next follow-up cannot be before the date", field="next_follow_up_on"
                    )
            else:
                follow_up = None
            now = self.ctx.now()
            referral.status = data.to_status.value
            referral.next_follow_up_on = follow_up
            referral.updated_at = now
            session.add(
                ReferralEvent(
                    referral_id=referral.id,
                    from_status=current.value,
                    to_status=data.to_status.value,
                    on=data.on,
                    at=now,
                    by_id=actor.officer_id,
                    note=data.note,
                )
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "referral.move",
                record_type=RecordType.REFERRAL,
                record_id=referral_id,
                detail=f"{current.value} -> {data.to_status.value}",
            )
            return self._read(session, referral_id)

    def advance(
        self,
        actor: Actor,
        referral_id: int,
        *,
        note: str = "",
        on: date | None = None,
        version: int | None = None,
    ) -> ReferralRead:
        """Move to the next status on the usual path (referred, contacted, enrolled,
        attending, completed; a no-show is contacted again)."""
        with self.ctx.db.read() as session:
            current = ReferralStatus(self._row(session, referral_id).status)
        target = next_referral_status(current)
        if target is None:
            raise InvalidTransition(
                f"This referral is {current.value}; it has no next step", field="to_status"
            )
        return self.move(
            actor,
            referral_id,
            ReferralMove(to_status=target, on=on or self.ctx.today(), note=note),
            version=version,
        )

    def set_consent(
        self, actor: Actor, referral_id: int, data: ConsentUpdate, *, version: int | None = None
    ) -> ReferralRead:
        """Record the parent's answer (and its date)."""
        self._require_change(actor, referral_id, "referral.consent")
        with self.ctx.db.write() as session:
            referral, _ = self._lock(session, referral_id)
            require_version(version, referral.version, "referral")
            referral.version += 1
            if data.consent_on is not None and data.consent_on > self.ctx.today():
                raise SroError("Consent date cannot be in the future", field="consent_on")
            referral.consent = data.consent.value
            referral.consent_on = (
                data.consent_on if data.consent is not ConsentStatus.PENDING else None
            )
            referral.updated_at = self.ctx.now()
            self.audit.record(
                session,
                actor,
                "referral.consent",
                record_type=RecordType.REFERRAL,
                record_id=referral_id,
                detail=f"consent {data.consent.value}",
            )
            return self._read(session, referral_id)

    def set_follow_up(
        self, actor: Actor, referral_id: int, on: date | None, *, version: int | None = None
    ) -> ReferralRead:
        """Change the next follow-up date of an open referral."""
        self._require_change(actor, referral_id, "referral.follow_up")
        with self.ctx.db.write() as session:
            referral, _ = self._lock(session, referral_id)
            require_version(version, referral.version, "referral")
            referral.version += 1
            if referral.status not in OPEN_VALUES:
                raise SroError("A closed referral has no follow-up", field="next_follow_up_on")
            if on is not None and on < referral.referred_on:
                raise SroError(
                    "Next follow-up cannot be before the referral date", field="next_follow_up_on"
                )
            referral.next_follow_up_on = on
            referral.updated_at = self.ctx.now()
            self.audit.record(
                session,
                actor,
                "referral.follow_up",
                record_type=RecordType.REFERRAL,
                record_id=referral_id,
            )
            return self._read(session, referral_id)

    # -- reading -----------------------------------------------------------------------------

    def get(self, actor: Actor, referral_id: int) -> ReferralRead:
        with self.ctx.db.read() as session:
            row = self._row(session, referral_id)
            allowed = may_read_referral(
                actor, referred_by_id=row.referred_by_id, school_id=row.school_id
            )
        if not allowed:
            self._deny(actor, "referral.read", referral_id, "This referral is not yours to see")
        with self.audit.reading() as session:
            self.audit.record(
                session,
                actor,
                "referral.read",
                record_type=RecordType.REFERRAL,
                record_id=referral_id,
            )
            return self._read(session, referral_id)

    def page(
        self,
        actor: Actor,
        *,
        status: ReferralStatus | None = None,
        student_id: int | None = None,
        open_only: bool = False,
        scope: str = "own",
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[ReferralRead]:
        """Referrals by next follow-up (soonest first), then id; closed ones last.

        ``scope="own"``: the actor's referrals; ``"all"``: everyone's (supervisors only).
        Items carry no events (``get`` has them).
        """
        if scope not in SCOPES:
            raise SroError(f"Unknown list scope {scope!r} (own or all)")
        if scope == "all" and not actor.is_supervisor:
            self._deny(actor, "referral.list", "all", "Only a supervisor can list every referral")
        if scope == "own" and actor.officer_id is None:
            raise SroError("The local administration has no referrals of its own; use 'all'")
        limit = clamp_limit(limit)
        query = select(Referral).where(referral_unsealed())  # services/sealing
        if scope == "own":
            query = query.where(Referral.referred_by_id == actor.officer_id)
        if status is not None:
            query = query.where(Referral.status == ReferralStatus(status).value)
        if open_only:
            query = query.where(Referral.status.in_(OPEN_VALUES))
        if student_id is not None:
            query = query.where(Referral.student_id == student_id)
        if cursor:
            query = self._after(query, cursor)
        query = query.order_by(
            Referral.next_follow_up_on.is_(None), Referral.next_follow_up_on, Referral.id
        ).limit(limit + 1)
        with self.audit.reading() as session:
            ids = list(session.scalars(query.with_only_columns(Referral.id)))
            items = self._read_many(session, ids[:limit], events=False)
            next_cursor = None
            if len(ids) > limit:
                last = items[-1]
                day = last.next_follow_up_on
                next_cursor = encode_cursor(day.isoformat() if day else None, last.id)
            self.audit.record(
                session,
                actor,
                "referral.list",
                record_type=RecordType.REFERRAL,
                detail=f"scope {scope}, {len(items)} rows",
            )
            return Page(items=items, next_cursor=next_cursor)

    def due(
        self, actor: Actor, today: date | None = None, *, limit: int = 50
    ) -> list[ReferralRead]:
        """Open referrals whose next follow-up is today or earlier, most overdue first: the
        actor's own, or everyone's for a supervisor."""
        if actor.officer_id is None and not actor.is_supervisor:
            return []
        day = today or self.ctx.today()
        query = (
            select(Referral.id)
            .where(
                Referral.status.in_(OPEN_VALUES),
                Referral.next_follow_up_on <= day,
                referral_unsealed(),
            )
            .order_by(Referral.next_follow_up_on, Referral.id)
            .limit(clamp_limit(limit))
        )
        if not actor.is_supervisor:
            query = query.where(Referral.referred_by_id == actor.officer_id)
        with self.ctx.db.read() as session:
            return self._read_many(session, list(session.scalars(query)), events=False)

    # -- helpers -----------------------------------------------------------------------------

    def _after(self, query: Select[Any], cursor: str) -> Select[Any]:
        try:
            day_text, last_id = decode_cursor(cursor)
            day = date.fromisoformat(day_text) if day_text is not None else None
            return self._after_key(query, day, int(last_id))
        except (ValueError, TypeError) as exc:
            raise SroError("The list changed; open it again") from exc

    @staticmethod
    def _after_key(query: Select[Any], day: date | None, last_id: int) -> Select[Any]:
        column = Referral.next_follow_up_on
        if day is None:
            return query.where(column.is_(None), Referral.id > last_id)
        return query.where(
            or_(
                column > day,
                and_(column == day, Referral.id > last_id),
                column.is_(None),
            )
        )

    def _require_change(self, actor: Actor, referral_id: int, action: str) -> None:
        with self.ctx.db.read() as session:
            row = self._row(session, referral_id)
            allowed = may_change_referral(actor, referred_by_id=row.referred_by_id)
        if not allowed:
            self._deny(
                actor,
                action,
                referral_id,
                "Only the referring officer or a supervisor can change this referral",
            )

    def _row(self, session: Session, referral_id: int) -> Referral:
        row = session.get(Referral, referral_id)
        if row is None:
            raise NotFound(f"No referral with id {referral_id}")
        return row

    def _lock(self, session: Session, referral_id: int) -> tuple[Referral, ReferralProgram]:
        found = session.execute(
            select(Referral, ReferralProgram)
            .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
            .where(Referral.id == referral_id)
            .with_for_update(of=Referral)
        ).first()
        if found is None:
            raise NotFound(f"No referral with id {referral_id}")
        return found[0], found[1]

    def _check_incident(
        self, session: Session, actor: Actor, incident_id: int, student_id: int
    ) -> None:
        incident = session.get(Incident, incident_id)
        if incident is None or not may_read_incident(
            actor,
            officer_id=incident.officer_id,
            school_id=incident.school_id,
            status=IncidentStatus(incident.status),
        ):
            raise NotFound(f"No incident with id {incident_id}", field="incident_id")
        named = session.scalar(
            select(IncidentPerson.id).where(
                IncidentPerson.incident_id == incident_id, IncidentPerson.student_id == student_id
            )
        )
        if named is None:
            raise SroError("The student is not named in that incident", field="incident_id")

    def _check_note(self, session: Session, actor: Actor, note_id: int, student_id: int) -> None:
        note = session.get(Note, note_id)
        if note is None:
            raise NotFound(f"No note with id {note_id}", field="note_id")
        if not may_read_note_text(
            actor,
            author_id=note.officer_id,
            confidential=note.confidential,
            supervisors_read_confidential=store_settings.get_flag(
                session, store_settings.SUPERVISORS_READ_CONFIDENTIAL
            ),
        ):
            raise PermissionDenied("That note is confidential to its author", field="note_id")
        named = session.get(NoteStudent, (note_id, student_id))
        if named is None:
            raise SroError("The student is not named in that note", field="note_id")

    def _read(self, session: Session, referral_id: int) -> ReferralRead:
        return self._read_many(session, [referral_id], events=True)[0]

    def _read_many(self, session: Session, ids: list[int], *, events: bool) -> list[ReferralRead]:
        if not ids:
            return []
        query = (
            select(Referral, ReferralProgram, Student, Officer)
            .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
            .join(Student, Student.id == Referral.student_id)
            .join(Officer, Officer.id == Referral.referred_by_id)
            .where(Referral.id.in_(ids), referral_unsealed())
        )
        if events:
            query = query.options(selectinload(Referral.events))
        by_id = {r.id: (r, p, s, o) for r, p, s, o in session.execute(query)}
        return [self._to_read(*by_id[i], events=events) for i in ids if i in by_id]

    @staticmethod
    def _to_read(
        referral: Referral,
        program: ReferralProgram,
        student: Student,
        officer: Officer,
        *,
        events: bool,
    ) -> ReferralRead:
        return ReferralRead(
            id=referral.id,
            student_id=student.id,
            student_name=f"{student.last_name}, {student.first_name}",
            program_code=program.code,
            program_name=program.name,
            reason=referral.reason,
            referred_on=referral.referred_on,
            referred_by_id=officer.id,
            referred_by_name=officer.name,
            incident_id=referral.incident_id,
            note_id=referral.note_id,
            consent=ConsentStatus(referral.consent),
            consent_on=referral.consent_on,
            status=ReferralStatus(referral.status),
            next_follow_up_on=referral.next_follow_up_on,
            version=referral.version,
            events=tuple(
                ReferralEventRead(
                    from_status=ReferralStatus(e.from_status) if e.from_status else None,
                    to_status=ReferralStatus(e.to_status),
                    on=e.on,
                    at=e.at,
                    by_name=e.by.name if e.by else "",
                    note=e.note,
                )
                for e in referral.events
            )
            if events
            else (),
        )

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.REFERRAL,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)
