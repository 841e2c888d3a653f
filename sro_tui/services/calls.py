"""Calls for service: every request for the officer's action, whether or not a report
follows. Logged in a few keys; a call may become a draft incident report later.

Who sees what: supervisors every call; an officer their own calls and the calls of the schools
they are assigned to. Only the officer who logged a call (or a supervisor) makes a report of
it. Lists are audited reads; the monthly report counts calls by disposition
(:func:`counts_by_disposition`, no names).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, false, func, or_, select
from sqlalchemy.orm import Session

from ..domain.calls import CallCreate, CallerKind, CallRead, Disposition
from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import NotFound, PermissionDenied, SroError
from ..domain.incidents import IncidentCreate, IncidentRead
from ..domain.officers import Actor
from ..domain.paging import clamp_limit
from ..store.models import (
    CallForService,
    Officer,
    School,
    TrespassViolation,
    TrespassWarning,
    TrespassWarningSchool,
)
from .audit import AuditTrail
from .context import ServiceContext

if TYPE_CHECKING:
    from .incidents import IncidentService

SCOPES = ("own", "school", "all")
REPORT_LOCATION = "OFFICE"


def call_visible(actor: Actor) -> ColumnElement[bool]:
    if actor.is_supervisor:
        return CallForService.id.is_not(None)
    mine = CallForService.officer_id == actor.officer_id if actor.officer_id else false()
    schools = CallForService.school_id.in_(actor.school_ids) if actor.school_ids else false()
    return or_(mine, schools)


def counts_by_disposition(
    session: Session,
    start: datetime,
    end: datetime,
    *,
    school_id: int | None = None,
    officer_id: int | None = None,
) -> dict[Disposition, int]:
    """Calls received in [start, end) (UTC) by disposition, every disposition present."""
    query = select(CallForService.disposition, func.count(CallForService.id)).where(
        CallForService.received_at >= start, CallForService.received_at < end
    )
    if school_id is not None:
        query = query.where(CallForService.school_id == school_id)
    if officer_id is not None:
        query = query.where(CallForService.officer_id == officer_id)
    found: dict[str, int] = {
        d: n for d, n in session.execute(query.group_by(CallForService.disposition))
    }
    return {d: int(found.get(d.value, 0)) for d in Disposition}


CALL_FIGURES: tuple[tuple[str, str], ...] = (
    ("Trespass warnings given", "trespass_warnings"),
    ("Trespass warnings: returns within the period", "trespass_violations"),
    ("Calls logged (all)", "calls"),
    *((f"Calls logged: {d.value}", f"call:{d.value}") for d in Disposition),
)
"""The monthly report's lines for calls and warnings (measure, key of count_campus_security)."""


def count_campus_security(
    session: Session,
    ranges: Sequence[tuple[datetime, datetime]],
    *,
    school_id: int | None = None,
    officer_id: int | None = None,
) -> dict[str, list[int]]:
    """For each UTC range [start, end): calls by disposition and in all, warnings given (of a
    school: warnings covering it) and returns within a warning's period. Statistics: no names,
    sealed students' warnings counted as other aggregate counts are."""
    counts: dict[str, list[int]] = {key: [] for _, key in CALL_FIGURES}
    for start, end in ranges:
        calls = counts_by_disposition(
            session, start, end, school_id=school_id, officer_id=officer_id
        )
        for disposition, n in calls.items():
            counts[f"call:{disposition.value}"].append(n)
        counts["calls"].append(sum(calls.values()))
        given = select(func.count(TrespassWarning.id)).where(
            TrespassWarning.warned_at >= start, TrespassWarning.warned_at < end
        )
        broken = (
            select(func.count(TrespassViolation.id))
            .join(TrespassWarning, TrespassWarning.id == TrespassViolation.warning_id)
            .where(TrespassViolation.at >= start, TrespassViolation.at < end)
        )
        if school_id is not None:
            covers = TrespassWarning.id.in_(
                select(TrespassWarningSchool.warning_id).where(
                    TrespassWarningSchool.school_id == school_id
                )
            )
            given, broken = given.where(covers), broken.where(covers)
        if officer_id is not None:
            given = given.where(TrespassWarning.officer_id == officer_id)
            broken = broken.where(TrespassViolation.officer_id == officer_id)
        counts["trespass_warnings"].append(int(session.scalar(given) or 0))
        counts["trespass_violations"].append(int(session.scalar(broken) or 0))
    return counts


def count_by_school(
    session: Session, ranges: Sequence[tuple[datetime, datetime]]
) -> dict[tuple[str, int | None], list[int]]:
    """The monthly report's by-school table: ("calls", school id) -> calls received in each
    UTC range [start, end); ("warnings", school id) -> warnings given, under each school a
    warning covers (a warning of two schools counts at both)."""
    out: dict[tuple[str, int | None], list[int]] = {}
    for i, (start, end) in enumerate(ranges):
        calls = (
            select(CallForService.school_id, func.count(CallForService.id))
            .where(CallForService.received_at >= start, CallForService.received_at < end)
            .group_by(CallForService.school_id)
        )
        warnings = (
            select(TrespassWarningSchool.school_id, func.count(TrespassWarning.id))
            .join(TrespassWarning, TrespassWarning.id == TrespassWarningSchool.warning_id)
            .where(TrespassWarning.warned_at >= start, TrespassWarning.warned_at < end)
            .group_by(TrespassWarningSchool.school_id)
        )
        for measure, query in (("calls", calls), ("warnings", warnings)):
            for school_id, n in session.execute(query):
                out.setdefault((measure, school_id), [0] * len(ranges))[i] = int(n)
    return out


class CallService:
    def __init__(
        self, ctx: ServiceContext, audit: AuditTrail, *, incidents: IncidentService
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        self.incidents = incidents

    def add(self, actor: Actor, data: CallCreate) -> CallRead:
        """Log a call (received now, or at ``received_at``: not in the future)."""
        if actor.officer_id is None:
            self._deny(actor, "call.add", "", "Only a signed-in officer can log a call")
        now = self.ctx.now()
        received = data.received_at or now
        if received > now:
            raise SroError("A call cannot be received in the future", field="received_at")
        with self.ctx.db.write() as session:
            if session.get(School, data.school_id) is None:
                raise NotFound(f"No school with id {data.school_id}", field="school_id")
            row = CallForService(
                received_at=received,
                officer_id=actor.officer_id,
                school_id=data.school_id,
                caller=data.caller,
                caller_kind=data.caller_kind.value,
                location=data.location,
                what=data.what,
                disposition=data.disposition.value,
                incident_id=None,
                created_at=now,
            )
            session.add(row)
            session.flush()
            self.audit.record(
                session,
                actor,
                "call.add",
                record_type=RecordType.CALL,
                record_id=row.id,
                detail=data.disposition.value,
            )
            return self._read_many(session, [row.id])[0]

    def to_report(
        self, actor: Actor, call_id: int, *, location_code: str = REPORT_LOCATION
    ) -> IncidentRead:
        """Make a draft incident of a call (its time, school and text), linked to it; the
        call's disposition becomes "report taken"."""
        with self.ctx.db.read() as session:
            call = session.get(CallForService, call_id)
            if call is None:
                raise NotFound(f"No call with id {call_id}")
            if call.incident_id is not None:
                raise SroError("This call already has a report")
            allowed = actor.is_supervisor or call.officer_id == actor.officer_id
            school_id, received, text = call.school_id, call.received_at, call.what
            caller, where = call.caller, call.location
        if not allowed:
            self._deny(actor, "call.report", call_id, "Only the officer who logged it can")
        narrative = f"Call for service from {caller}" + (f" at {where}" if where else "")
        incident = self.incidents.create(
            actor,
            IncidentCreate(
                school_id=school_id,
                occurred_at=received,
                location_code=location_code,
                narrative=f"{narrative}:\n{text}\n",
            ),
        )
        with self.ctx.db.write() as session:
            row = session.get(CallForService, call_id, with_for_update=True)
            if row is None:
                raise NotFound(f"No call with id {call_id}")
            row.incident_id = incident.id
            row.disposition = Disposition.REPORT.value
            self.audit.record(
                session,
                actor,
                "call.report",
                record_type=RecordType.CALL,
                record_id=call_id,
                detail=f"incident {incident.number}",
            )
        return incident

    def page(
        self,
        actor: Actor,
        *,
        scope: str = "own",
        since: date | None = None,
        until: date | None = None,
        limit: int = 50,
    ) -> list[CallRead]:
        """Calls newest first: the actor's own, their schools' (``school``), or every call
        (``all``, supervisors). ``since``/``until``: agency days, both included."""
        if scope not in SCOPES:
            raise SroError(f"Unknown list scope {scope!r} (own, school or all)")
        if scope == "all" and not actor.is_supervisor:
            self._deny(actor, "call.list", "all", "Only a supervisor can list every call")
        if scope == "own" and actor.officer_id is None:
            raise SroError("The local administration has no calls of its own; use 'all'")
        query = select(CallForService.id).where(call_visible(actor))
        if scope == "own":
            query = query.where(CallForService.officer_id == actor.officer_id)
        elif scope == "school":
            query = query.where(CallForService.school_id.in_(actor.school_ids or (-1,)))
        if since is not None:
            query = query.where(CallForService.received_at >= self._day_start(since))
        if until is not None:
            query = query.where(
                CallForService.received_at < self._day_start(until + timedelta(days=1))
            )
        query = query.order_by(CallForService.received_at.desc(), CallForService.id.desc()).limit(
            clamp_limit(limit)
        )
        with self.audit.reading() as session:
            calls = self._read_many(session, list(session.scalars(query)))
            self.audit.record(
                session,
                actor,
                "call.list",
                record_type=RecordType.CALL,
                detail=f"scope {scope}, {len(calls)} rows",
            )
        return calls

    def count_today(self, actor: Actor) -> int:
        """The actor's own calls received today (agency day): Today's line; not audited."""
        if actor.officer_id is None:
            return 0
        start = self._day_start(self.ctx.today())
        with self.ctx.db.read() as session:
            return int(
                session.scalar(
                    select(func.count(CallForService.id)).where(
                        CallForService.officer_id == actor.officer_id,
                        CallForService.received_at >= start,
                    )
                )
                or 0
            )

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=self.ctx.tz)

    def _read_many(self, session: Session, ids: Sequence[int]) -> list[CallRead]:
        if not ids:
            return []
        rows = {
            c.id: (c, officer_name, code)
            for c, officer_name, code in session.execute(
                select(CallForService, Officer.name, School.code)
                .join(Officer, Officer.id == CallForService.officer_id)
                .join(School, School.id == CallForService.school_id)
                .where(CallForService.id.in_(ids))
            )
        }
        return [
            CallRead(
                id=c.id,
                received_at=c.received_at,
                officer_id=c.officer_id,
                officer_name=officer_name,
                school_id=c.school_id,
                school_code=code,
                caller=c.caller,
                caller_kind=CallerKind(c.caller_kind),
                location=c.location,
                what=c.what,
                disposition=Disposition(c.disposition),
                incident_id=c.incident_id,
            )
            for c, officer_name, code in (rows[i] for i in ids if i in rows)
        ]

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.CALL,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)
