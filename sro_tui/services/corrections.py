"""Voiding and correcting filed incident reports (issue 12).

- **Void**: a supervisor voids a report with a reason. The report is kept as it was (shown
  struck through), can no longer move or change, and is counted nowhere (reports.py leaves
  out every row with ``voided_at`` set).
- **Correct**: an approved report is corrected by a correction, the whole content of a new
  version (when, where, categories, people and their outcomes, narrative), proposed by the
  reporting officer or a supervisor and approved by a supervisor other than its author. The
  approval keeps the version in force as a history row (the first time: the original as
  version 1), then writes the correction into the report: reports count the report's rows, so
  they count the current approved version. Every version stays readable.

Each step is audited against the incident (so the report is sealed again, with its history).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from ..domain.enums import (
    AuditOutcome,
    BiasMotivation,
    ContactInitiator,
    GangInvolvement,
    IncidentStatus,
    PersonRole,
    RecordType,
    SuspectedUse,
    WeaponType,
)
from ..domain.errors import InvalidTransition, NotFound, PermissionDenied, RecordLocked, SroError
from ..domain.incidents import (
    IncidentContent,
    IncidentRead,
    IncidentSummary,
    IncidentVersionRead,
    OffenseIn,
    PersonIn,
    ReviewDecision,
    VoidRequest,
    outcomes_of,
    school_year_of,
)
from ..domain.officers import Actor
from ..domain.permissions import may_read_incident, may_review
from ..store.models import Incident, IncidentReview, IncidentVersion, Location, Officer
from .audit import AuditTrail
from .context import ServiceContext
from .sealing import incident_unsealed, unsealed_incident

if TYPE_CHECKING:
    from .incidents import IncidentService

VOIDED_LOCKED = "This report is voided; it is kept as it was and counts nowhere"
PENDING = "pending"
APPROVED = "approved"
RETURNED = "returned"


def _pending_where() -> tuple[ColumnElement[bool], ...]:
    """A correction waiting for review, as the review queue lists it: not of a voided report
    (it takes none), nor of a sealed one (gone from every list, as submitted reports are)."""
    return (IncidentVersion.status == PENDING, Incident.voided_at.is_(None), incident_unsealed())


def pending_corrections() -> Select[int]:
    """The reports with a correction waiting for review (Today counts what the queue lists)."""
    return (
        select(Incident.id)
        .join(IncidentVersion, IncidentVersion.incident_id == Incident.id)
        .where(*_pending_where())
    )


def version_facts(session: Session, incident: Incident) -> dict[str, Any]:
    """The void and version fields of an incident's read schema."""
    rows = session.execute(
        select(IncidentVersion.status, func.count(), func.max(IncidentVersion.number))
        .where(IncidentVersion.incident_id == incident.id)
        .group_by(IncidentVersion.status)
    ).all()
    newest = max((number or 0 for status, _n, number in rows if status == APPROVED), default=0)
    pending = any(status == PENDING for status, _n, _number in rows)
    voided_by: str | None = ""
    if incident.voided_by_id is not None:
        voided_by = session.scalar(select(Officer.name).where(Officer.id == incident.voided_by_id))
    return {
        "voided_at": incident.voided_at,
        "voided_by_name": voided_by or "",
        "void_reason": incident.void_reason,
        "revision": incident.revision,
        "revisions": max(incident.revision, newest),
        "correction_pending": pending,
    }


def current_content(session: Session, incident: Incident) -> IncidentContent:
    """The report's content as it stands (its offenses and people loaded)."""
    location = session.get(Location, incident.location_id)
    return IncidentContent(
        occurred_at=incident.occurred_at,
        location_code=location.code if location else "?",
        initiated_by=ContactInitiator(incident.initiated_by) if incident.initiated_by else None,
        offenses=[
            OffenseIn(
                category_code=o.category.code,
                most_severe=o.most_severe,
                attempted=o.attempted,
                weapon=WeaponType(o.weapon),
                suspected_use=SuspectedUse(o.suspected_use),
                gang=GangInvolvement(o.gang),
            )
            for o in incident.offenses
        ],
        people=[
            PersonIn(
                role=PersonRole(p.role),
                student_id=p.student_id,
                name=p.name,
                juvenile=p.juvenile,
                outcomes=list(outcomes_of(p.outcome_values)),
                custodial=p.custodial,
                parent_notified_at=p.parent_notified_at,
            )
            for p in incident.people
        ],
        narrative=incident.narrative or "-",
        bias_motivation=BiasMotivation.stored(incident.bias_motivation),
    )


class IncidentCorrections:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        from .incidents import IncidentService

        self.ctx = ctx
        self.audit = audit
        self.incidents: IncidentService = IncidentService(ctx, audit)

    # -- void ----------------------------------------------------------------------------------

    def void(self, actor: Actor, incident_id: int, data: VoidRequest) -> IncidentRead:
        """Void a report (supervisors): kept, struck through, counted nowhere."""
        if not may_review(actor) or actor.officer_id is None:
            self._deny(actor, "incident.void", incident_id, "Only a supervisor can void a report")
        with self.ctx.db.write() as session:
            incident = self.incidents._get(session, incident_id, lock=True)
            if incident.voided_at is not None:
                raise RecordLocked("This report is already voided")
            now = self.ctx.now()
            incident.voided_at = now
            incident.voided_by_id = actor.officer_id
            incident.void_reason = data.reason
            incident.version += 1
            incident.updated_at = now
            incident.reviews.append(
                IncidentReview(action="voided", by_id=actor.officer_id, at=now, comment=data.reason)
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "incident.void",
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
                detail=incident.number,
            )
            return self.incidents._read(session, incident)

    # -- corrections -----------------------------------------------------------------------------

    def content(self, actor: Actor, incident_id: int) -> IncidentContent:
        """The current content of a report the actor may read (a correction starts from it)."""
        with self.audit.reading() as session:
            incident = self._readable(session, actor, incident_id, "correction")
            return current_content(session, incident)

    def propose(
        self, actor: Actor, incident_id: int, content: IncidentContent
    ) -> IncidentVersionRead:
        """A correction of an approved report (its officer or a supervisor), waiting for a
        supervisor's approval; one at a time per report."""
        action = "incident.correct"
        if actor.officer_id is None:
            self._deny(actor, action, incident_id, "Sign in as an officer to correct a report")
        from .incidents import _Denied

        with self.incidents._write(actor, action, incident_id) as session:
            incident = self.incidents._get(session, incident_id, lock=True)
            if not (actor.is_supervisor or incident.officer_id == actor.officer_id):
                raise _Denied("Only the reporting officer or a supervisor can correct it")
            self._require_correctable(incident)
            if self._pending(session, incident_id) is not None:
                raise InvalidTransition("A correction of this report is already waiting for review")
            self._check_content(session, content, incident)
            now = self.ctx.now()
            row = IncidentVersion(
                incident_id=incident_id,
                number=None,
                status=PENDING,
                content=content.model_dump(mode="json"),
                author_id=actor.officer_id,
                created_at=now,
                comment="",
            )
            session.add(row)
            incident.version += 1
            incident.updated_at = now
            session.flush()
            self.audit.record(
                session,
                actor,
                action,
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
                detail=incident.number,
            )
            return self._version_read(session, row)

    def approve(self, actor: Actor, incident_id: int, decision: ReviewDecision) -> IncidentRead:
        """Approve the waiting correction: it becomes the version in force."""
        return self._decide(actor, incident_id, decision, approving=True)

    def return_for_changes(
        self, actor: Actor, incident_id: int, decision: ReviewDecision
    ) -> IncidentRead:
        """Turn the waiting correction down with a comment (the report stays as it was)."""
        return self._decide(actor, incident_id, decision, approving=False)

    def has_pending(self, incident_id: int) -> bool:
        with self.ctx.db.read() as session:
            return self._pending(session, incident_id) is not None

    def versions(self, actor: Actor, incident_id: int) -> list[IncidentVersionRead]:
        """Every version of a report, oldest first: the approved ones (numbered) and the
        corrections proposed (waiting or returned). A report never corrected has one version,
        its current content. Audited as a read."""
        with self.audit.reading() as session:
            incident = self._readable(session, actor, incident_id, "versions")
            rows = list(
                session.scalars(
                    select(IncidentVersion)
                    .where(IncidentVersion.incident_id == incident_id)
                    .order_by(IncidentVersion.id)
                )
            )
            out = [self._version_read(session, row) for row in rows]
            if not any(v.number == incident.revision for v in out):
                out.append(
                    IncidentVersionRead(
                        id=0,
                        incident_id=incident_id,
                        number=incident.revision,
                        status=APPROVED,
                        author_name=self._name(session, incident.officer_id),
                        created_at=incident.approved_at or incident.entered_at,
                        reviewed_by_name=self._name(session, incident.approved_by_id),
                        reviewed_at=incident.approved_at,
                        comment="",
                        content=current_content(session, incident),
                    )
                )
            return sorted(out, key=lambda v: (v.number is None, v.number or 0, v.id))

    def pending_queue(self, actor: Actor, *, limit: int = 50) -> list[IncidentSummary]:
        """Reports with a correction waiting for review, oldest first (supervisors)."""
        if not may_review(actor):
            self._deny(actor, "incident.list", "corrections", "Only a supervisor can review")
        query = (
            self.incidents._summary_select(IncidentVersion.created_at)
            .join(IncidentVersion, IncidentVersion.incident_id == Incident.id)
            .where(*_pending_where())
            .order_by(IncidentVersion.created_at, Incident.id)
            .limit(max(1, min(limit, 500)))
        )
        with self.audit.reading() as session:
            items = self.incidents._summaries(session, list(session.execute(query)))
            self.audit.record(
                session,
                actor,
                "incident.list",
                record_type=RecordType.INCIDENT,
                detail=f"corrections queue, {len(items)} rows",
            )
            return items

    # -- helpers -------------------------------------------------------------------------------

    def _decide(
        self, actor: Actor, incident_id: int, decision: ReviewDecision, *, approving: bool
    ) -> IncidentRead:
        action = "incident.correction_approve" if approving else "incident.correction_return"
        if not may_review(actor) or actor.officer_id is None:
            self._deny(actor, action, incident_id, "Only a supervisor can review a correction")
        if not approving and not decision.comment.strip():
            raise SroError("Say what needs to change before returning it", field="comment")
        from .incidents import _Denied

        with self.incidents._write(actor, action, incident_id) as session:
            incident = self.incidents._get(session, incident_id, lock=True)
            self._require_correctable(incident)
            row = self._pending(session, incident_id)
            if row is None:
                raise NotFound("This report has no correction waiting for review")
            if row.author_id == actor.officer_id:
                raise _Denied("Another supervisor must review your correction")
            now = self.ctx.now()
            row.reviewed_by_id = actor.officer_id
            row.reviewed_at = now
            row.comment = decision.comment
            if approving:
                content = IncidentContent.model_validate(row.content)
                self._keep_current(session, incident)
                self._apply(session, incident, content)
                incident.revision += 1
                row.number = incident.revision
                row.status = APPROVED
            else:
                row.status = RETURNED
            incident.version += 1
            incident.updated_at = now
            incident.reviews.append(
                IncidentReview(
                    action="corrected" if approving else "declined",
                    by_id=actor.officer_id,
                    at=now,
                    comment=decision.comment,
                )
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                action,
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
                detail=f"{incident.number} version {incident.revision}",
            )
            return self.incidents._read(session, incident)

    def _keep_current(self, session: Session, incident: Incident) -> None:
        """The version in force as a history row (once: the original before its first
        correction; later versions are already rows)."""
        kept = session.scalar(
            select(IncidentVersion.id).where(
                IncidentVersion.incident_id == incident.id,
                IncidentVersion.number == incident.revision,
            )
        )
        if kept is not None:
            return
        session.add(
            IncidentVersion(
                incident_id=incident.id,
                number=incident.revision,
                status=APPROVED,
                content=current_content(session, incident).model_dump(mode="json"),
                author_id=incident.officer_id,
                created_at=incident.entered_at,
                reviewed_by_id=incident.approved_by_id,
                reviewed_at=incident.approved_at,
                comment="",
            )
        )

    def _apply(self, session: Session, incident: Incident, content: IncidentContent) -> None:
        service = self.incidents
        incident.occurred_at = content.occurred_at
        incident.school_year = school_year_of(content.occurred_at.astimezone(self.ctx.tz))
        incident.location_id = service._location(session, content.location_code).id
        incident.initiated_by = content.initiated_by.value if content.initiated_by else None
        incident.bias_motivation = content.bias_motivation.value
        kept = {o.category.code for o in incident.offenses}
        categories = service._categories(
            session, [o.category_code for o in content.offenses], already=kept
        )
        incident.offenses = service._offense_rows(content.offenses, categories)
        service._check_students(session, content.people)
        incident.people = service._person_rows(content.people)
        incident.narrative = content.narrative

    def _check_content(
        self, session: Session, content: IncidentContent, incident: Incident
    ) -> None:
        """Refuse now what the approval would refuse later (unknown codes, students)."""
        service = self.incidents
        service._location(session, content.location_code)
        kept = {o.category.code for o in incident.offenses}
        service._categories(session, [o.category_code for o in content.offenses], already=kept)
        service._check_students(session, content.people)

    @staticmethod
    def _require_correctable(incident: Incident) -> None:
        if incident.voided_at is not None:
            raise RecordLocked(VOIDED_LOCKED)
        if incident.status != IncidentStatus.APPROVED.value:
            raise InvalidTransition(
                "Only an approved report is corrected; this one is "
                f"{incident.status}, so change the report itself"
            )

    @staticmethod
    def _pending(session: Session, incident_id: int) -> IncidentVersion | None:
        return session.scalar(
            select(IncidentVersion).where(
                IncidentVersion.incident_id == incident_id, IncidentVersion.status == PENDING
            )
        )

    def _readable(self, session: Session, actor: Actor, incident_id: int, what: str) -> Incident:
        incident = self.incidents._get(session, incident_id, full=True)
        if not unsealed_incident(session, incident_id):
            raise NotFound(f"No incident report with id {incident_id}")
        if not may_read_incident(
            actor,
            officer_id=incident.officer_id,
            school_id=incident.school_id,
            status=IncidentStatus(incident.status),
        ):
            raise PermissionDenied("You may not read this report")
        self.audit.record(
            session,
            actor,
            "incident.read",
            record_type=RecordType.INCIDENT,
            record_id=incident_id,
            detail=what,
        )
        return incident

    @staticmethod
    def _name(session: Session, officer_id: int | None) -> str:
        if officer_id is None:
            return ""
        return session.scalar(select(Officer.name).where(Officer.id == officer_id)) or ""

    def _version_read(self, session: Session, row: IncidentVersion) -> IncidentVersionRead:
        return IncidentVersionRead(
            id=row.id,
            incident_id=row.incident_id,
            number=row.number,
            status=row.status,
            author_name=self._name(session, row.author_id),
            created_at=row.created_at,
            reviewed_by_name=self._name(session, row.reviewed_by_id),
            reviewed_at=row.reviewed_at,
            comment=row.comment,
            content=IncidentContent.model_validate(row.content),
        )

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.INCIDENT,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)
