"""The department's retention schedule: which records are past it, and purging them.

The schedule is per record kind, in years, kept in the store's settings (``sro settings set
retention_incident_years 5`` etc.; the defaults below when unset):

- **Incident reports**: 5 years after the end of the school year (June 30) in which the
  incident occurred. The federal collections (CRDC, Gun-Free Schools Act) and the year-to-date
  reports need whole school years, and the California floor for a city's records (Gov. Code
  34090) is 2 years; 5 full school years covers both with margin. Court-sealed records follow
  their order (services/sealing.py), not this schedule.
- **Mentoring notes and contacts**: 3 years after the student leaves. The store has no date a
  student left; the last record about the student (an incident naming them, a note about
  them, a referral of them) stands for it: a note is past the schedule when it and the last
  record of every student it names are older than 3 years. A note naming no student (a class,
  a staff contact): 3 years after it.
- **Referrals**: 3 years after they ended (completed, declined, closed, no longer changing);
  an open referral is never past the schedule.
- **Trespass warnings**: 3 years after their last day in force. The watch check flags a
  person warned before (PC 626.8's penalties rise for a later offence, and a school's
  longer notices run up to a year), so a warning outlives its period; 3 years covers the
  current and two past school years, as the monthly report's comparison with last year needs.
  Its schools and the returns recorded against it go with it (the incidents stay).
- **Calls for service**: 3 years after the call: the monthly report compares a month with
  the same month a year before, and a call is a log entry, not a report (a report made of
  it is an incident and follows the incidents' schedule).

A record another kept record points at (an incident or note a kept referral came from, an
incident a kept warning, a return against one, or a kept call points at) is kept until that
record goes. Purging deletes the record, its children and a kept draft of it;
each purge is one audit event naming the record (kind and id, the incident's number) and never
its content, and the record's seal is sealed as purged (services/record_seals.py), so `sro audit
verify --records` still passes. Administrators only; a dry run first lists what would go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select, delete, func, select, union_all
from sqlalchemy.orm import Session

from ..domain import agency
from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import PermissionDenied
from ..domain.officers import Actor
from ..domain.workflow import REFERRAL_OPEN
from ..store.models import (
    CallForService,
    Draft,
    Incident,
    IncidentCompliance,
    IncidentOffense,
    IncidentPerson,
    IncidentPersonOutcome,
    IncidentReview,
    IncidentSupplement,
    IncidentVersion,
    Note,
    NoteStudent,
    Referral,
    ReferralEvent,
    ThreatCase,
    TrespassViolation,
    TrespassWarning,
    TrespassWarningSchool,
)
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext

INCIDENT_YEARS = agency.RETENTION_INCIDENT_YEARS  # `sro settings set KEY YEARS`
NOTE_YEARS = agency.RETENTION_NOTE_YEARS
REFERRAL_YEARS = agency.RETENTION_REFERRAL_YEARS
TRESPASS_YEARS = agency.RETENTION_TRESPASS_YEARS
CALL_YEARS = agency.RETENTION_CALL_YEARS
DEFAULT_YEARS = {
    INCIDENT_YEARS: 5,
    NOTE_YEARS: 3,
    REFERRAL_YEARS: 3,
    TRESPASS_YEARS: 3,
    CALL_YEARS: 3,
}
# Purged in this order in one run: a record goes before one it points at.
PURGE_ORDER = {"call": 0, "trespass": 0, "referral": 1, "note": 2, "incident": 3}
MAX_YEARS = 100
BATCH = 200


@dataclass(frozen=True)
class Schedule:
    incident_years: int
    note_years: int
    referral_years: int
    trespass_years: int = DEFAULT_YEARS[TRESPASS_YEARS]
    call_years: int = DEFAULT_YEARS[CALL_YEARS]


@dataclass(frozen=True)
class Expired:
    """One record past the schedule: what it is, never what it says."""

    kind: str  # incident, note, referral, trespass (a warning), call
    record_id: int
    label: str  # the incident's number, else "note #id", "warning #id", ...
    on: date  # the day the schedule counts from


@dataclass(frozen=True)
class PurgeResult:
    purged: dict[str, int]
    kept_linked: int


def _years(session: Session, key: str) -> int:
    stored = store_settings.stored_value(session, key)
    if stored is None or not stored.strip().isdigit():
        return DEFAULT_YEARS[key]
    return max(1, min(int(stored), MAX_YEARS))


def _years_before(moment: datetime, years: int) -> datetime:
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


class RetentionService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    def schedule(self) -> Schedule:
        with self.ctx.db.read() as session:
            return Schedule(
                _years(session, INCIDENT_YEARS),
                _years(session, NOTE_YEARS),
                _years(session, REFERRAL_YEARS),
                _years(session, TRESPASS_YEARS),
                _years(session, CALL_YEARS),
            )

    def expired(self, actor: Actor) -> list[Expired]:
        """Every record past the schedule, oldest first (administrators; audited)."""
        self._require_admin(actor, "retention.list")
        with self.audit.reading() as session:
            found = self._expired(session)
            self.audit.record(
                session,
                actor,
                "retention.list",
                record_type=RecordType.STORE,
                detail=", ".join(f"{kind} {n}" for kind, n in _counts(found).items()) or "none",
            )
        return found

    def purge(self, actor: Actor) -> PurgeResult:
        """Delete every record past the schedule, each audited as ``<kind>.purge``."""
        self._require_admin(actor, "retention.purge")
        purged = {"incident": 0, "note": 0, "referral": 0, "trespass": 0, "call": 0}
        with self.ctx.db.write() as session:
            found = self._expired(session)
            # Calls, warnings and referrals first: an incident or note they point at may then
            # go too.
            for item in sorted(found, key=lambda e: (PURGE_ORDER[e.kind], e.record_id)):
                if item.kind in ("incident", "note") and self._linked(session, item):
                    continue
                self._delete(session, item)
                self.audit.record(
                    session,
                    actor,
                    f"{item.kind}.purge",
                    record_type=item.kind,
                    record_id=item.record_id,
                    detail=f"{item.label}, retention schedule (from {item.on.isoformat()})",
                )
                purged[item.kind] += 1
            kept = len(found) - sum(purged.values())
            self.audit.record(
                session,
                actor,
                "retention.purge",
                record_type=RecordType.STORE,
                detail=", ".join(f"{k} {n}" for k, n in purged.items())
                + (f"; {kept} kept (a kept record points at them)" if kept else ""),
            )
        return PurgeResult(purged=purged, kept_linked=kept)

    # -- what is past the schedule ------------------------------------------------------------

    def _expired(self, session: Session) -> list[Expired]:
        now = self.ctx.now()
        out: list[Expired] = []
        out += self._expired_incidents(session, now)
        out += self._expired_notes(session, now)
        out += self._expired_referrals(session, now)
        out += self._expired_warnings(session, now)
        out += self._expired_calls(session, now)
        return sorted(out, key=lambda e: (e.on, e.kind, e.record_id))

    def _expired_incidents(self, session: Session, now: datetime) -> list[Expired]:
        years = _years(session, INCIDENT_YEARS)
        # The school year "2019-20" ends on 30 June 2020: past once 5 years have gone since.
        last_year_end = _years_before(now, years).astimezone(self.ctx.tz)
        start = last_year_end.year - 1 if last_year_end.month >= 7 else last_year_end.year - 2
        newest_expired = f"{start}-{(start + 1) % 100:02d}"
        rows = session.execute(
            select(Incident.id, Incident.number, Incident.school_year).where(
                Incident.school_year <= newest_expired
            )
        )
        return [
            Expired("incident", rid, number, date(int(school_year[:4]) + 1, 6, 30))
            for rid, number, school_year in rows
        ]

    def _expired_notes(self, session: Session, now: datetime) -> list[Expired]:
        cutoff = _years_before(now, _years(session, NOTE_YEARS))
        last_seen = _last_record_of_each_student().subquery()
        recent_student = (
            select(NoteStudent.note_id)
            .join(last_seen, last_seen.c.student_id == NoteStudent.student_id)
            .where(last_seen.c.at >= cutoff)
        )
        rows = session.execute(
            select(Note.id, Note.occurred_at).where(
                Note.occurred_at < cutoff, Note.id.not_in(recent_student)
            )
        )
        return [
            Expired("note", rid, f"note #{rid}", at.astimezone(self.ctx.tz).date())
            for rid, at in rows
        ]

    def _expired_referrals(self, session: Session, now: datetime) -> list[Expired]:
        cutoff = _years_before(now, _years(session, REFERRAL_YEARS))
        rows = session.execute(
            select(Referral.id, Referral.updated_at).where(
                Referral.status.not_in([s.value for s in REFERRAL_OPEN]),
                Referral.updated_at < cutoff,
            )
        )
        return [
            Expired("referral", rid, f"referral #{rid}", at.astimezone(self.ctx.tz).date())
            for rid, at in rows
        ]

    def _expired_warnings(self, session: Session, now: datetime) -> list[Expired]:
        cutoff = _years_before(now, _years(session, TRESPASS_YEARS)).astimezone(self.ctx.tz)
        rows = session.execute(
            select(TrespassWarning.id, TrespassWarning.last_day).where(
                TrespassWarning.last_day < cutoff.date()
            )
        )
        return [Expired("trespass", rid, f"warning #{rid}", day) for rid, day in rows]

    def _expired_calls(self, session: Session, now: datetime) -> list[Expired]:
        cutoff = _years_before(now, _years(session, CALL_YEARS))
        rows = session.execute(
            select(CallForService.id, CallForService.received_at).where(
                CallForService.received_at < cutoff
            )
        )
        return [
            Expired("call", rid, f"call #{rid}", at.astimezone(self.ctx.tz).date())
            for rid, at in rows
        ]

    # -- purging -------------------------------------------------------------------------------

    @staticmethod
    def _linked(session: Session, item: Expired) -> bool:
        column = Referral.incident_id if item.kind == "incident" else Referral.note_id
        if session.scalar(select(Referral.id).where(column == item.record_id)) is not None:
            return True
        if item.kind != "incident":
            return False
        # A threat assessment case keeps the report it was opened from (services/threats); a
        # warning, a return against one or a call keeps the report it names.
        return any(
            session.scalar(select(model.id).where(model.incident_id == item.record_id).limit(1))
            is not None
            for model in (ThreatCase, TrespassWarning, TrespassViolation, CallForService)
        )

    @staticmethod
    def _delete(session: Session, item: Expired) -> None:
        rid = item.record_id
        if item.kind == "incident":
            people = select(IncidentPerson.id).where(IncidentPerson.incident_id == rid)
            session.execute(
                delete(IncidentPersonOutcome).where(IncidentPersonOutcome.person_id.in_(people))
            )
            for child in (
                IncidentOffense,
                IncidentPerson,
                IncidentCompliance,
                IncidentSupplement,
                IncidentReview,
                IncidentVersion,
            ):
                session.execute(delete(child).where(child.incident_id == rid))
            session.execute(delete(Incident).where(Incident.id == rid))
            # A kept draft of the report (or of a correction) holds its content too.
            keys = [str(rid), f"{rid}-correction"]
            session.execute(delete(Draft).where(Draft.form == "incident", Draft.key.in_(keys)))
        elif item.kind == "trespass":
            session.execute(delete(TrespassViolation).where(TrespassViolation.warning_id == rid))
            session.execute(
                delete(TrespassWarningSchool).where(TrespassWarningSchool.warning_id == rid)
            )
            session.execute(delete(TrespassWarning).where(TrespassWarning.id == rid))
        elif item.kind == "call":
            session.execute(delete(CallForService).where(CallForService.id == rid))
        elif item.kind == "note":
            session.execute(delete(NoteStudent).where(NoteStudent.note_id == rid))
            session.execute(delete(Note).where(Note.id == rid))
            session.execute(delete(Draft).where(Draft.form == "note", Draft.key == f"note-{rid}"))
        else:
            session.execute(delete(ReferralEvent).where(ReferralEvent.referral_id == rid))
            session.execute(delete(Referral).where(Referral.id == rid))

    def _require_admin(self, actor: Actor, action: str) -> None:
        if actor.is_admin:
            return
        self.audit.record_alone(
            actor, action, record_type=RecordType.STORE, outcome=AuditOutcome.DENIED
        )
        raise PermissionDenied("Only an administrator applies the retention schedule")


def _last_record_of_each_student() -> Select[tuple[int, datetime]]:
    """(student id, the time of the newest incident, note or referral about them)."""
    records = union_all(
        select(IncidentPerson.student_id.label("student_id"), Incident.occurred_at.label("at"))
        .join(Incident, Incident.id == IncidentPerson.incident_id)
        .where(IncidentPerson.student_id.is_not(None)),
        select(NoteStudent.student_id, Note.occurred_at).join(Note, Note.id == NoteStudent.note_id),
        select(Referral.student_id, Referral.updated_at),
    ).subquery()
    return select(records.c.student_id, func.max(records.c.at).label("at")).group_by(
        records.c.student_id
    )


def _counts(found: list[Expired]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for item in found:
        counts[item.kind] = counts.get(item.kind, 0) + 1
    return counts


__all__ = [
    "CALL_YEARS",
    "DEFAULT_YEARS",
    "INCIDENT_YEARS",
    "NOTE_YEARS",
    "REFERRAL_YEARS",
    "TRESPASS_YEARS",
    "Expired",
    "PurgeResult",
    "RetentionService",
    "Schedule",
]
