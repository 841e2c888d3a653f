"""Today: what waits for one officer on one day, in one call.

The rows come from each area's own service (so their visibility rules and schemas apply
unchanged), a few per section; the totals come from count queries in one read transaction
here. Counting reveals no record content, so it is not audited; reading the rows is audited
exactly as the area's service audits it.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from ..domain.enums import IncidentStatus
from ..domain.incidents import IncidentSummary
from ..domain.mentoring import NoteRead
from ..domain.officers import Actor
from ..domain.referrals import ReferralRead
from ..domain.threats import FollowUpRead
from ..domain.today import TODAY_ROWS, Bounded, DraftLine, ShiftProgress, TodaySummary
from ..domain.workflow import REFERRAL_OPEN
from ..store.models import (
    CallForService,
    Draft,
    Incident,
    Note,
    Referral,
    School,
    TrespassWarning,
)
from .audit import AuditTrail
from .checklist import ChecklistService
from .context import ServiceContext
from .corrections import pending_corrections
from .incidents import OPEN_STATUSES, IncidentService
from .notes import NoteService
from .referrals import ReferralService
from .sealing import incident_unsealed, note_unsealed, referral_unsealed
from .threats import ThreatService
from .trespass import warning_visible

__all__ = ["TodayService"]


class TodayService:
    """Builds :class:`~sro_tui.domain.today.TodaySummary` from the areas' services."""

    def __init__(
        self,
        ctx: ServiceContext,
        audit: AuditTrail,
        *,
        checklist: ChecklistService,
        incidents: IncidentService,
        referrals: ReferralService,
        notes: NoteService,
        threats: ThreatService,
        rows: int = TODAY_ROWS,
    ) -> None:
        self.ctx = ctx
        self.audit = audit
        self.checklist = checklist
        self.incidents = incidents
        self.referrals = referrals
        self.notes = notes
        self.threats = threats
        self.rows = rows

    def summary(self, actor: Actor, school_id: int | None, day: date | None = None) -> TodaySummary:
        """Today for ``actor`` at ``school_id`` (the school picked at sign-in; its checklist
        shows as not started until it is opened) on ``day`` (default: the agency's today)."""
        return self._gather(actor, school_id, day, audited=True)

    def prepare(self, actor: Actor, day: date | None = None) -> None:
        """Read what :meth:`summary` reads, less what reading is audited (the threat
        follow-ups), and drop it: the app runs it once the officer has signed in, while the
        school is picked, so the first Today of the session finds its statements compiled
        (issue 16: its first summary took 100-160 ms, the next ones 20-40). Nothing is kept,
        shown or audited."""
        self._gather(actor, None, day, audited=False)

    def _gather(
        self, actor: Actor, school_id: int | None, day: date | None, *, audited: bool
    ) -> TodaySummary:
        day = day or self.ctx.today()
        if actor.officer_id is None:
            return TodaySummary(day=day)  # local administration has no day of its own
        officer_id = actor.officer_id
        limit = self.rows
        shifts = [
            ShiftProgress(
                school_id=shift.school_id,
                school_name=shift.school_name,
                settled=shift.progress[0],
                total=shift.progress[1],
                started=True,
            )
            for shift in self.checklist.shifts_on(actor, day)
        ]
        returned = self.incidents.needs_attention(actor, limit=limit)
        open_incidents = self.incidents.open_for(actor, limit=limit)
        referrals = self.referrals.due(actor, day, limit=limit)
        notes = self.notes.follow_ups_due(actor, day)[:limit]
        threat_rows, threat_total = (
            self.threats.follow_ups_due(actor, day, limit=limit) if audited else ([], 0)
        )
        with self.ctx.db.read() as session:
            if school_id is not None and all(s.school_id != school_id for s in shifts):
                name = session.scalar(select(School.name).where(School.id == school_id))
                if name is not None:
                    shifts.append(ShiftProgress(school_id=school_id, school_name=name))
            drafts = [
                DraftLine(
                    id=row.id,
                    form=row.form,
                    title=row.title,
                    updated_at=row.updated_at,
                    terminal=row.terminal or "",
                )
                for row in session.execute(
                    select(Draft.id, Draft.form, Draft.title, Draft.updated_at, Draft.terminal)
                    .where(Draft.officer_id == officer_id)
                    .order_by(Draft.updated_at.desc(), Draft.id.desc())
                    .limit(limit)
                )
            ]
            own = and_(
                Incident.officer_id == officer_id,
                Incident.voided_at.is_(None),
                incident_unsealed(),
            )
            returned_total = _count(
                session,
                select(Incident.id).where(own, Incident.status == IncidentStatus.RETURNED.value),
            )
            open_total = _count(
                session,
                select(Incident.id).where(
                    own, Incident.status.in_([s.value for s in OPEN_STATUSES])
                ),
            )
            drafts_total = _count(session, select(Draft.id).where(Draft.officer_id == officer_id))
            due = select(Referral.id).where(
                Referral.status.in_([s.value for s in REFERRAL_OPEN]),
                Referral.next_follow_up_on <= day,
                referral_unsealed(),  # as the rows shown (services/sealing)
            )
            if not actor.is_supervisor:  # a supervisor follows up everyone's (as `due` does)
                due = due.where(Referral.referred_by_id == officer_id)
            referrals_total = _count(session, due)
            notes_total = _count(
                session,
                select(Note.id).where(
                    Note.officer_id == officer_id, Note.follow_up_on <= day, note_unsealed()
                ),
            )
            review_waiting = None
            if actor.is_supervisor:  # what the review queue lists: reports, then corrections
                review_waiting = _count(
                    session,
                    select(Incident.id).where(
                        Incident.status == IncidentStatus.SUBMITTED.value, incident_unsealed()
                    ),
                ) + _count(session, pending_corrections())
            # Campus security: warnings in force now, the officer's calls since midnight.
            warnings_in_force = _count(
                session,
                select(TrespassWarning.id).where(
                    warning_visible(actor), TrespassWarning.expires_at > self.ctx.now()
                ),
            )
            midnight = datetime.combine(day, time(0, 0), tzinfo=self.ctx.tz)
            calls_today = _count(
                session,
                select(CallForService.id).where(
                    CallForService.officer_id == officer_id,
                    CallForService.received_at >= midnight,
                    CallForService.received_at < midnight + timedelta(days=1),
                ),
            )
        # The rows were read a moment before the counts: a total is never below its rows.
        return TodaySummary(
            day=day,
            shifts=tuple(shifts),
            returned=Bounded[IncidentSummary](
                rows=tuple(returned), total=max(returned_total, len(returned))
            ),
            open_incidents=Bounded[IncidentSummary](
                rows=tuple(open_incidents), total=max(open_total, len(open_incidents))
            ),
            drafts=Bounded[DraftLine](rows=tuple(drafts), total=max(drafts_total, len(drafts))),
            referrals_due=Bounded[ReferralRead](
                rows=tuple(referrals), total=max(referrals_total, len(referrals))
            ),
            notes_due=Bounded[NoteRead](rows=tuple(notes), total=max(notes_total, len(notes))),
            review_waiting=review_waiting,
            threat_follow_ups=Bounded[FollowUpRead](rows=tuple(threat_rows), total=threat_total),
            warnings_in_force=warnings_in_force,
            calls_today=calls_today,
        )


def _count(session: Session, query: Select[int]) -> int:
    """How many rows ``query`` finds (the rows themselves are never fetched)."""
    return session.scalar(select(func.count()).select_from(query.subquery())) or 0
