"""Trespass warnings (PC 626.8, 627.7): giving one, the watch check at the office window, the
list of warnings in force, and a return within the period made into an incident.

Who sees what. An adult's warning is shown to every officer (the man at the window may come
to any school). A juvenile's warning (a student of another school, or anyone under 18) follows
the rules of other juvenile records: supervisors, the officer who gave it and the officers
assigned to a school it covers see it; a warning of a student whose records are sealed
(services/sealing.py) is shown to nobody. Every check and list is an audited read; the
events name how many rows were shown, never a name.

A warning is in force until ``expires_at``: local midnight after its last day in the agency's
time zone (domain/trespass.py), so "in force" is one indexed comparison with the clock.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select
from sqlalchemy.orm import Session

from ..domain.agency import TRESPASS_NOTICE_DAYS
from ..domain.enums import AuditOutcome, IncidentStatus, PersonRole, RecordType
from ..domain.errors import NotFound, PermissionDenied, SroError
from ..domain.incidents import IncidentCreate, IncidentRead, OffenseIn, PersonIn
from ..domain.names import name_key
from ..domain.officers import Actor
from ..domain.paging import clamp_limit
from ..domain.permissions import may_read_incident
from ..domain.timeline import TimelineEntry
from ..domain.trespass import (
    PersonKind,
    Statute,
    TrespassWarningCreate,
    TrespassWarningRead,
    WarningState,
    WatchHit,
    allowed_days,
    expires_at,
    is_juvenile,
    last_day_in_force,
    person_key,
    search_text,
    statute_text,
)
from ..store.models import (
    Incident,
    Officer,
    School,
    Student,
    TrespassViolation,
    TrespassWarning,
    TrespassWarningSchool,
)
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .sealing import sealed_students

if TYPE_CHECKING:
    from .incidents import IncidentService

TRESPASS_CODE = "TRESPASS"
VIOLATION_LOCATION = "OFFICE"
MAX_WORDS = 6


def warning_visible(actor: Actor) -> ColumnElement[bool]:
    """The warnings the actor may see (the module's read rule), none of a sealed student."""
    unsealed = or_(
        TrespassWarning.student_id.is_(None),
        TrespassWarning.student_id.not_in(sealed_students()),
    )
    if actor.is_supervisor:
        return unsealed
    own_school = (
        exists(
            select(TrespassWarningSchool.school_id).where(
                TrespassWarningSchool.warning_id == TrespassWarning.id,
                TrespassWarningSchool.school_id.in_(actor.school_ids),
            )
        ).correlate(TrespassWarning)
        if actor.school_ids
        else false()
    )
    mine = TrespassWarning.officer_id == actor.officer_id if actor.officer_id else false()
    return and_(unsealed, or_(TrespassWarning.juvenile.is_(False), mine, own_school))


def _like_word(word: str) -> ColumnElement[bool]:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return or_(
        TrespassWarning.search_text.like(f"{escaped}%", escape="\\"),
        TrespassWarning.search_text.like(f"% {escaped}%", escape="\\"),
    )


class TrespassService:
    def __init__(
        self, ctx: ServiceContext, audit: AuditTrail, *, incidents: IncidentService
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        self.incidents = incidents

    # -- writing -----------------------------------------------------------------------------

    def allowed_days(self) -> list[int]:
        """The periods a warning may run: 7 days and the department's longer notices."""
        with self.ctx.db.read() as session:
            return allowed_days(store_settings.get_value(session, TRESPASS_NOTICE_DAYS))

    def warn(self, actor: Actor, data: TrespassWarningCreate) -> TrespassWarningRead:
        """Record a warning given now (or at ``warned_at``, not in the future)."""
        if actor.officer_id is None:
            self._deny(actor, "trespass.warn", "", "Only a signed-in officer can give a warning")
        now = self.ctx.now()
        warned_at = data.warned_at or now
        if warned_at > now:
            raise SroError("The warning cannot be given in the future", field="warned_at")
        with self.ctx.db.write() as session:
            days = allowed_days(store_settings.get_value(session, TRESPASS_NOTICE_DAYS))
            if data.days not in days:
                shown = ", ".join(str(d) for d in days)
                raise SroError(f"A warning runs {shown} days", field="days")
            found = set(session.scalars(select(School.id).where(School.id.in_(data.school_ids))))
            missing = [i for i in data.school_ids if i not in found]
            if missing:
                raise NotFound(f"No school with id {missing[0]}", field="school_ids")
            kind = data.person_kind
            if data.student_id is not None:
                if session.get(Student, data.student_id) is None:
                    raise NotFound(f"No student with id {data.student_id}", field="student_id")
                kind = PersonKind.STUDENT_OTHER_SCHOOL
            if data.incident_id is not None:
                self._check_incident(session, actor, data.incident_id)
            local_day = self.ctx.local_day(warned_at)
            row = TrespassWarning(
                person_name=data.person_name,
                person_key=person_key(data.person_name, data.birth_date),
                search_text=search_text(data.person_name, data.description),
                birth_date=data.birth_date,
                age=data.age,
                description=data.description,
                photo_ref=data.photo_ref,
                person_kind=kind.value,
                juvenile=is_juvenile(kind, data.birth_date, data.age, local_day),
                student_id=data.student_id,
                statute=data.statute.value,
                statute_text=statute_text(data.statute, data.days),
                days=data.days,
                warned_at=warned_at,
                last_day=last_day_in_force(local_day, data.days),
                expires_at=expires_at(warned_at, data.days, self.ctx.tz),
                officer_id=actor.officer_id,
                incident_id=data.incident_id,
                created_at=now,
            )
            session.add(row)
            session.flush()
            for school_id in data.school_ids:
                session.add(TrespassWarningSchool(warning_id=row.id, school_id=school_id))
            session.flush()
            self.audit.record(
                session,
                actor,
                "trespass.warn",
                record_type=RecordType.TRESPASS,
                record_id=row.id,
                detail=f"PC {data.statute.value}, {data.days} days",
            )
            return self._read_many(session, [row.id])[0]

    def record_violation(
        self, actor: Actor, warning_id: int, *, location_code: str = VIOLATION_LOCATION
    ) -> IncidentRead:
        """A return within the period: a draft incident (TRESPASS, the person as suspect, the
        warning in the narrative) linked to the warning as its violation."""
        warning = self.get(actor, warning_id)
        now = self.ctx.now()
        if warning.state(now) is not WarningState.IN_FORCE:
            raise SroError(
                f"This warning ended with {warning.last_day.isoformat()}: a return now is no "
                "violation of it"
            )
        with self.ctx.db.read() as session:
            school_ids = list(
                session.scalars(
                    select(TrespassWarningSchool.school_id)
                    .where(TrespassWarningSchool.warning_id == warning_id)
                    .order_by(TrespassWarningSchool.school_id)
                )
            )
        school_id = next((s for s in school_ids if s in actor.school_ids), school_ids[0])
        warned_day = self.ctx.local_day(warning.warned_at)
        narrative = (
            f"{warning.person_name} returned to school grounds within the period of trespass "
            f"warning #{warning.id} (PC {warning.statute.value}), given {warned_day.isoformat()} "
            f"by {warning.officer_name} for {warning.days} days, in force through "
            f"{warning.last_day.isoformat()}.\n"
        )
        person = (
            PersonIn(role=PersonRole.SUSPECT, student_id=warning.student_id)
            if warning.student_id is not None
            else PersonIn(
                role=PersonRole.SUSPECT, name=warning.person_name, juvenile=warning.juvenile
            )
        )
        incident = self.incidents.create(
            actor,
            IncidentCreate(
                school_id=school_id,
                occurred_at=now,
                location_code=location_code,
                offenses=[OffenseIn(category_code=TRESPASS_CODE, most_severe=True)],
                people=[person],
                narrative=narrative,
            ),
        )
        with self.ctx.db.write() as session:
            session.add(
                TrespassViolation(
                    warning_id=warning_id,
                    incident_id=incident.id,
                    officer_id=actor.officer_id,
                    at=now,
                )
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "trespass.violation",
                record_type=RecordType.TRESPASS,
                record_id=warning_id,
                detail=f"incident {incident.number}",
            )
        return incident

    # -- reading -----------------------------------------------------------------------------

    def check(self, actor: Actor, typed: str, *, limit: int = 20) -> list[WatchHit]:
        """The watch check: warnings whose name or description has a word starting with each
        typed word (accents and case folded); in force first, then newest."""
        words = name_key(typed).split()[:MAX_WORDS]
        if not words:
            return []
        now = self.ctx.now()
        query = (
            select(TrespassWarning.id)
            .where(warning_visible(actor), *(_like_word(w) for w in words))
            .order_by(
                (TrespassWarning.expires_at > now).desc(),
                TrespassWarning.warned_at.desc(),
                TrespassWarning.id.desc(),
            )
            .limit(clamp_limit(limit))
        )
        with self.audit.reading() as session:
            ids = list(session.scalars(query))
            warnings = self._read_many(session, ids)
            counts = self._person_counts(session, actor, [w.id for w in warnings])
            self.audit.record(
                session,
                actor,
                "trespass.check",
                record_type=RecordType.TRESPASS,
                detail=f"{len(warnings)} rows",
            )
        return [
            WatchHit(warning=w, state=w.state(now), warnings_of_person=counts.get(w.id, 1))
            for w in warnings
        ]

    def in_force(
        self, actor: Actor, *, school_id: int | None = None, limit: int = 50
    ) -> list[WatchHit]:
        """The warnings in force now (today's list), soonest to end first."""
        now = self.ctx.now()
        query = select(TrespassWarning.id).where(
            warning_visible(actor), TrespassWarning.expires_at > now
        )
        if school_id is not None:
            query = query.where(
                exists(
                    select(TrespassWarningSchool.school_id).where(
                        TrespassWarningSchool.warning_id == TrespassWarning.id,
                        TrespassWarningSchool.school_id == school_id,
                    )
                )
            )
        query = query.order_by(TrespassWarning.expires_at, TrespassWarning.id).limit(
            clamp_limit(limit)
        )
        with self.audit.reading() as session:
            warnings = self._read_many(session, list(session.scalars(query)))
            counts = self._person_counts(session, actor, [w.id for w in warnings])
            self.audit.record(
                session,
                actor,
                "trespass.list",
                record_type=RecordType.TRESPASS,
                detail=f"in force, {len(warnings)} rows",
            )
        return [
            WatchHit(warning=w, state=WarningState.IN_FORCE, warnings_of_person=counts.get(w.id, 1))
            for w in warnings
        ]

    def count_in_force(self, actor: Actor) -> int:
        """How many warnings the actor may see are in force now (Today's line; not audited:
        a count shows no record)."""
        with self.ctx.db.read() as session:
            return int(
                session.scalar(
                    select(func.count(TrespassWarning.id)).where(
                        warning_visible(actor), TrespassWarning.expires_at > self.ctx.now()
                    )
                )
                or 0
            )

    def get(self, actor: Actor, warning_id: int) -> TrespassWarningRead:
        with self.ctx.db.read() as session:
            exists_at_all = session.get(TrespassWarning, warning_id) is not None
            visible = session.scalar(
                select(TrespassWarning.id).where(
                    TrespassWarning.id == warning_id, warning_visible(actor)
                )
            )
        if not exists_at_all:
            raise NotFound(f"No trespass warning with id {warning_id}")
        if visible is None:
            self._deny(actor, "trespass.read", warning_id, "This warning is not yours to see")
        with self.audit.reading() as session:
            self.audit.record(
                session,
                actor,
                "trespass.read",
                record_type=RecordType.TRESPASS,
                record_id=warning_id,
            )
            return self._read_many(session, [warning_id])[0]

    # -- helpers -----------------------------------------------------------------------------

    def _person_counts(self, session: Session, actor: Actor, ids: Sequence[int]) -> dict[int, int]:
        """For each warning, how many warnings the actor may see share its person."""
        if not ids:
            return {}
        keys: dict[int, str] = {
            i: k
            for i, k in session.execute(
                select(TrespassWarning.id, TrespassWarning.person_key).where(
                    TrespassWarning.id.in_(ids)
                )
            )
        }
        per_key: dict[str, int] = {
            k: n
            for k, n in session.execute(
                select(TrespassWarning.person_key, func.count(TrespassWarning.id))
                .where(TrespassWarning.person_key.in_(set(keys.values())), warning_visible(actor))
                .group_by(TrespassWarning.person_key)
            )
        }
        return {i: int(per_key.get(k, 1)) for i, k in keys.items()}

    def _check_incident(self, session: Session, actor: Actor, incident_id: int) -> None:
        incident = session.get(Incident, incident_id)
        if incident is None or not may_read_incident(
            actor,
            officer_id=incident.officer_id,
            school_id=incident.school_id,
            status=IncidentStatus(incident.status),
        ):
            raise NotFound(f"No incident with id {incident_id}", field="incident_id")

    def _read_many(self, session: Session, ids: Sequence[int]) -> list[TrespassWarningRead]:
        if not ids:
            return []
        rows = {
            w.id: (w, name)
            for w, name in session.execute(
                select(TrespassWarning, Officer.name)
                .join(Officer, Officer.id == TrespassWarning.officer_id)
                .where(TrespassWarning.id.in_(ids))
            )
        }
        schools: dict[int, list[str]] = {}
        for warning_id, code in session.execute(
            select(TrespassWarningSchool.warning_id, School.code)
            .join(School, School.id == TrespassWarningSchool.school_id)
            .where(TrespassWarningSchool.warning_id.in_(ids))
            .order_by(School.code)
        ):
            schools.setdefault(warning_id, []).append(code)
        violations: dict[int, list[int]] = {}
        for warning_id, incident_id in session.execute(
            select(TrespassViolation.warning_id, TrespassViolation.incident_id)
            .where(TrespassViolation.warning_id.in_(ids))
            .order_by(TrespassViolation.id)
        ):
            violations.setdefault(warning_id, []).append(incident_id)
        result = []
        for i in ids:
            if i not in rows:
                continue
            w, officer_name = rows[i]
            result.append(
                TrespassWarningRead(
                    id=w.id,
                    person_name=w.person_name,
                    birth_date=w.birth_date,
                    age=w.age,
                    description=w.description,
                    photo_ref=w.photo_ref,
                    person_kind=PersonKind(w.person_kind),
                    juvenile=w.juvenile,
                    student_id=w.student_id,
                    school_codes=tuple(schools.get(w.id, ())),
                    statute=Statute(w.statute),
                    statute_text=w.statute_text,
                    days=w.days,
                    warned_at=w.warned_at,
                    last_day=w.last_day,
                    expires_at=w.expires_at,
                    officer_id=w.officer_id,
                    officer_name=officer_name,
                    incident_id=w.incident_id,
                    violation_incident_ids=tuple(violations.get(w.id, ())),
                )
            )
        return result

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.TRESPASS,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)


def trespass_entries(
    session: Session, actor: Actor, student_id: int, limit: int
) -> list[TimelineEntry]:
    """A student's trespass warnings for their timeline, as the actor may see them (the read
    rule above; none while the student's records are sealed)."""
    rows = session.execute(
        select(TrespassWarning, Officer.name)
        .join(Officer, Officer.id == TrespassWarning.officer_id)
        .where(TrespassWarning.student_id == student_id, warning_visible(actor))
        .order_by(TrespassWarning.warned_at.desc(), TrespassWarning.id.desc())
        .limit(limit)
    ).all()
    return [
        TimelineEntry(
            kind="trespass",
            record_id=w.id,
            at=w.warned_at,
            title=f"Trespass warning (PC {w.statute}), {w.days} days",
            summary=f"in force through {w.last_day.isoformat()}",
            officer_name=officer_name,
        )
        for w, officer_name in rows
    ]
