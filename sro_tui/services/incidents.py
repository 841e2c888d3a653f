"""Incident reports: numbering, editing while draft or returned, review, supplements.

Numbers are ``SRO-<year>-<6-digit seq>``, sequential per calendar year of entry (agency
time), with no gaps and no duplicates however many terminals create reports at once: the
``incident_counters`` row of the year is bumped with ``UPDATE ... RETURNING`` inside the
write transaction that inserts the report (SQLite: BEGIN IMMEDIATE already serialises
writers; PostgreSQL: the UPDATE holds the row lock until commit). A report that fails to
save rolls its number back with it.

Auditing: each read of one report is recorded ("incident.read", CJIS); a listing is recorded
once, on its first page ("incident.list", with the scope, the names of the filters used and
the row count, never record content), not on every page turned. The Today screen's short
lists of the actor's own reports (``open_for``, ``needs_attention``, ``last_location_code``)
are not recorded: they show officers only their own work.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import (
    Insert,
    Integer,
    Select,
    bindparam,
    exists,
    literal,
    or_,
    select,
    tuple_,
    update,
)
from sqlalchemy.orm import Session, selectinload

from ..domain.enums import (
    AuditOutcome,
    BiasMotivation,
    ComplianceKind,
    ContactInitiator,
    GangInvolvement,
    IncidentStatus,
    OutcomeKind,
    PersonRole,
    RecordType,
    SuspectedUse,
    WeaponType,
)
from ..domain.errors import (
    Conflict,
    InvalidTransition,
    NotFound,
    PermissionDenied,
    RecordLocked,
    SroError,
)
from ..domain.incidents import (
    ComplianceIn,
    ComplianceRead,
    IncidentCreate,
    IncidentRead,
    IncidentSummary,
    IncidentUpdate,
    OffenseIn,
    OffenseRead,
    PersonIn,
    PersonRead,
    ReviewDecision,
    ReviewRead,
    SupplementCreate,
    SupplementRead,
    format_incident_number,
    outcomes_of,
    required_compliance,
    school_year_of,
)
from ..domain.officers import Actor
from ..domain.paging import Page, clamp_limit, decode_cursor, encode_cursor
from ..domain.permissions import may_read_incident, may_review
from ..domain.workflow import incident_move_problem
from ..store.models import (
    Incident,
    IncidentCompliance,
    IncidentCounter,
    IncidentOffense,
    IncidentPerson,
    IncidentPersonOutcome,
    IncidentReview,
    IncidentSupplement,
    Location,
    OffenseCategory,
    Officer,
    School,
    Student,
)
from .audit import AuditTrail
from .context import ServiceContext
from .corrections import VOIDED_LOCKED, version_facts
from .sealing import incident_unsealed, unsealed_incident

FUTURE_SLACK = timedelta(minutes=5)  # terminals' clocks differ a little
SCOPES = ("own", "school", "all")
SHORT_LIST_MAX = 100  # open_for / needs_attention: the Today screen's lists
OPEN_STATUSES = (IncidentStatus.DRAFT, IncidentStatus.SUBMITTED, IncidentStatus.RETURNED)


class _Denied(Exception):
    """Raised inside a transaction to refuse; turned into an audited PermissionDenied once
    the transaction has rolled back."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _compliance_order(kinds: Iterable[ComplianceKind]) -> tuple[ComplianceKind, ...]:
    wanted = set(kinds)
    return tuple(kind for kind in ComplianceKind if kind in wanted)


def outcome_rows(outcomes: Iterable[OutcomeKind]) -> list[IncidentPersonOutcome]:
    """A person's outcomes as rows of incident_person_outcomes, in the order given, each once."""
    values = dict.fromkeys(OutcomeKind(o).value for o in outcomes)
    return [IncidentPersonOutcome(outcome=v, position=i) for i, v in enumerate(values)]


def _bias(stored: str) -> BiasMotivation:
    """A stored bias motivation (a value this version does not know reads as unknown)."""
    try:
        return BiasMotivation(stored)
    except ValueError:
        return BiasMotivation.UNKNOWN


def _category_rules(category: OffenseCategory) -> tuple[ComplianceKind, ...]:
    return tuple(ComplianceKind(value) for value in category.compliance.split())


# The names an incident's read schema shows, in one statement built once: its school's, its
# location's code, name and NIBRS code (None if gone), and its officer's.
def _one(column: Any, key: Any, name: str) -> Any:
    return select(column).where(key == bindparam(name)).scalar_subquery()


_NAMES = select(
    _one(School.name, School.id, "school_id"),
    _one(Location.code, Location.id, "location_id"),
    _one(Location.name, Location.id, "location_id"),
    _one(Location.nibrs_location, Location.id, "location_id"),
    _one(Officer.name, Officer.id, "officer_id"),
)


def _new_facts() -> dict[str, Any]:
    """version_facts of a report created in this transaction: no versions, not voided."""
    return {
        "voided_at": None,
        "voided_by_name": "",
        "void_reason": "",
        "revision": 1,
        "revisions": 1,
        "correction_pending": False,
    }


class IncidentService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- writing -----------------------------------------------------------------------------

    def create(self, actor: Actor, data: IncidentCreate) -> IncidentRead:
        """A new report in draft, numbered at once (the number is kept even if the draft
        is never submitted: numbers are never reused)."""
        officer_id = self._require_officer(actor, "incident.create")
        self._check_when(data.occurred_at)
        with self.ctx.db.write() as session:
            self._check_school(session, data.school_id)
            location = self._location(session, data.location_code)
            categories = self._categories(session, [o.category_code for o in data.offenses])
            self._check_students(session, data.people)
            now = self.ctx.now()
            incident = Incident(
                status=IncidentStatus.DRAFT.value,
                version=1,
                school_id=data.school_id,
                school_year=school_year_of(data.occurred_at.astimezone(self.ctx.tz)),
                officer_id=officer_id,
                location_id=location.id,
                occurred_at=data.occurred_at,
                entered_at=now,
                updated_at=now,
                narrative=data.narrative,
                review_comment="",
                bias_motivation=data.bias_motivation.value,
                initiated_by=data.initiated_by.value if data.initiated_by else None,
            )
            incident.offenses = self._offense_rows(data.offenses, categories)
            incident.people = self._person_rows(data.people)
            incident.compliance = self._compliance_rows(data.compliance)
            # A new report has none: known empty, not read back after the insert.
            incident.supplements = []
            incident.reviews = []
            # Numbered last, so the counter's lock is held for as short a time as possible.
            incident.number = self._next_number(session, now.astimezone(self.ctx.tz).year)
            session.add(incident)
            session.flush()
            self.audit.record(
                session,
                actor,
                "incident.create",
                record_type=RecordType.INCIDENT,
                record_id=incident.id,
                detail=incident.number,
            )
            return self._read(session, incident, new=True)

    def update(self, actor: Actor, incident_id: int, data: IncidentUpdate) -> IncidentRead:
        """Change a draft or returned report (its reporting officer only). ``data.version``
        must be the version the editor loaded; lists given replace the stored ones."""
        if data.occurred_at is not None:
            self._check_when(data.occurred_at)
        with self._write(actor, "incident.update", incident_id) as session:
            incident = self._get(session, incident_id, lock=True)
            if incident.officer_id != actor.officer_id:
                raise _Denied("Only the reporting officer can change this report")
            self._require_editable(incident)
            if data.version != incident.version:
                raise Conflict(
                    "This report was saved elsewhere since you opened it; "
                    "reopen it to see the changes (your typing is kept in the draft)",
                    field="version",
                )
            changed: list[str] = []
            if data.school_id is not None and data.school_id != incident.school_id:
                self._check_school(session, data.school_id)
                incident.school_id = data.school_id
                changed.append("school")
            if data.occurred_at is not None:
                incident.occurred_at = data.occurred_at
                incident.school_year = school_year_of(data.occurred_at.astimezone(self.ctx.tz))
                changed.append("occurred")
            if data.location_code is not None:
                incident.location_id = self._location(session, data.location_code).id
                changed.append("location")
            if "initiated_by" in data.model_fields_set:  # None given: back to not recorded
                initiated = data.initiated_by.value if data.initiated_by else None
                if initiated != incident.initiated_by:
                    incident.initiated_by = initiated
                    changed.append("initiated by")
            if data.offenses is not None:
                kept = {o.category.code for o in incident.offenses}
                categories = self._categories(
                    session, [o.category_code for o in data.offenses], already=kept
                )
                incident.offenses = self._offense_rows(data.offenses, categories)
                changed.append("offenses")
            if data.people is not None:
                self._check_students(session, data.people)
                incident.people = self._person_rows(data.people)
                changed.append("people")
            if data.compliance is not None:
                incident.compliance = self._compliance_rows(data.compliance)
                changed.append("compliance")
            if data.narrative is not None:
                incident.narrative = data.narrative
                changed.append("narrative")
            if data.bias_motivation is not None:
                incident.bias_motivation = data.bias_motivation.value
                changed.append("bias motivation")
            incident.version += 1
            incident.updated_at = self.ctx.now()
            session.flush()
            self.audit.record(
                session,
                actor,
                "incident.update",
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
                detail=", ".join(changed),
            )
            return self._read(session, incident)

    def submit(self, actor: Actor, incident_id: int) -> IncidentRead:
        """Send a draft or returned report for review (its reporting officer only)."""
        with self._write(actor, "incident.submit", incident_id) as session:
            incident = self._get(session, incident_id, lock=True)
            if incident.officer_id != actor.officer_id:
                raise _Denied("Only the reporting officer can submit this report")
            self._move(incident, IncidentStatus.SUBMITTED)
            if not incident.offenses:
                raise SroError("Add at least one category before submitting", field="offenses")
            if not incident.narrative.strip():
                raise SroError("Write the narrative before submitting", field="narrative")
            now = self.ctx.now()
            incident.status = IncidentStatus.SUBMITTED.value
            incident.submitted_at = now
            incident.updated_at = now
            incident.version += 1
            incident.reviews.append(
                IncidentReview(action="submitted", by_id=actor.officer_id, at=now, comment="")
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "incident.submit",
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
            )
            return self._read(session, incident)

    def approve(self, actor: Actor, incident_id: int, decision: ReviewDecision) -> IncidentRead:
        """Approve a submitted report: it is locked from then on (supervisors only)."""
        return self._review(actor, incident_id, decision, IncidentStatus.APPROVED)

    def return_for_changes(
        self, actor: Actor, incident_id: int, decision: ReviewDecision
    ) -> IncidentRead:
        """Send a submitted report back to its officer with a comment (supervisors only)."""
        return self._review(actor, incident_id, decision, IncidentStatus.RETURNED)

    def _review(
        self, actor: Actor, incident_id: int, decision: ReviewDecision, target: IncidentStatus
    ) -> IncidentRead:
        approving = target is IncidentStatus.APPROVED
        action = "incident.approve" if approving else "incident.return"
        if not may_review(actor) or actor.officer_id is None:
            self._deny(actor, action, incident_id, "Only a supervisor can review reports")
        if not approving and not decision.comment.strip():
            raise SroError("Say what needs to change before returning the report", field="comment")
        with self._write(actor, action, incident_id) as session:
            incident = self._get(session, incident_id, lock=True)
            if incident.officer_id == actor.officer_id:
                raise _Denied("You cannot review your own report; another supervisor must")
            self._move(incident, target)
            now = self.ctx.now()
            incident.status = target.value
            incident.review_comment = decision.comment
            incident.updated_at = now
            incident.version += 1
            if approving:
                incident.approved_at = now
                incident.approved_by_id = actor.officer_id
            incident.reviews.append(
                IncidentReview(
                    action=target.value, by_id=actor.officer_id, at=now, comment=decision.comment
                )
            )
            session.flush()
            self.audit.record(
                session, actor, action, record_type=RecordType.INCIDENT, record_id=incident_id
            )
            return self._read(session, incident)

    def add_supplement(
        self, actor: Actor, incident_id: int, data: SupplementCreate
    ) -> IncidentRead:
        """Append a correction or addition to an approved report (its officer or a
        supervisor). Supplements are never edited."""
        author_id = self._require_officer(actor, "incident.supplement")
        with self._write(actor, "incident.supplement", incident_id) as session:
            incident = self._get(session, incident_id, lock=True)
            if not (actor.is_supervisor or incident.officer_id == author_id):
                raise _Denied("Only the reporting officer or a supervisor can add a supplement")
            if incident.status != IncidentStatus.APPROVED.value:
                raise InvalidTransition(
                    "Supplements are for approved reports; this one is "
                    f"{incident.status}, so change the report itself"
                    if incident.status != IncidentStatus.SUBMITTED.value
                    else "This report is waiting for review; supplements come after approval"
                )
            incident.supplements.append(
                IncidentSupplement(author_id=author_id, created_at=self.ctx.now(), text=data.text)
            )
            session.flush()
            self.audit.record(
                session,
                actor,
                "incident.supplement",
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
            )
            return self._read(session, incident)

    # -- reading one -------------------------------------------------------------------------

    def get(self, actor: Actor, incident_id: int) -> IncidentRead:
        """One report, if the actor may read it (audited either way)."""
        with self._write(actor, "incident.read", incident_id, read=True) as session:
            incident = self._get(session, incident_id, full=True)
            if not unsealed_incident(session, incident_id):
                raise NotFound(f"No incident report with id {incident_id}")
            if not may_read_incident(
                actor,
                officer_id=incident.officer_id,
                school_id=incident.school_id,
                status=IncidentStatus(incident.status),
            ):
                raise _Denied(
                    "This is another officer's draft"
                    if incident.status == IncidentStatus.DRAFT.value
                    else "This report belongs to a school you are not assigned to"
                )
            self.audit.record(
                session,
                actor,
                "incident.read",
                record_type=RecordType.INCIDENT,
                record_id=incident_id,
            )
            return self._read(session, incident)

    def get_by_number(self, actor: Actor, number: str) -> IncidentRead:
        """One report by its agency number (e.g. ``SRO-2026-000123``), as ``get``."""
        wanted = number.strip().upper()
        with self.ctx.db.read() as session:
            incident_id = session.scalar(select(Incident.id).where(Incident.number == wanted))
        if incident_id is None:
            raise NotFound(f"No incident report numbered {wanted}")
        return self.get(actor, incident_id)

    def missing_compliance(self, actor: Actor, incident_id: int) -> list[ComplianceKind]:
        """The notifications the report calls for that are not recorded yet (a read: audited).
        ``IncidentRead.compliance_missing`` carries the same for a report already loaded."""
        return list(self.get(actor, incident_id).compliance_missing)

    def compliance_needed(
        self, offenses: list[OffenseIn], people: Iterable[PersonIn] = ()
    ) -> list[ComplianceKind]:
        """The notifications these offenses and people call for, from the categories'
        reference data, the weapons and who was arrested. Unknown category codes add nothing
        (the form is still being typed)."""
        codes = {o.category_code.strip().upper() for o in offenses}
        rules: dict[str, str] = {}
        if codes:
            with self.ctx.db.read() as session:
                rows = session.execute(
                    select(OffenseCategory.code, OffenseCategory.compliance).where(
                        OffenseCategory.code.in_(codes)
                    )
                )
                rules = {code: rule for code, rule in rows}
        needed = required_compliance(
            (
                (tuple(ComplianceKind(v) for v in rules[code].split()), o.weapon)
                for o in offenses
                if (code := o.category_code.strip().upper()) in rules
            ),
            ((p.juvenile, p.outcomes) for p in people),
        )
        return list(_compliance_order(needed))

    # -- lists -------------------------------------------------------------------------------

    def page(
        self,
        actor: Actor,
        *,
        scope: str = "own",
        status: IncidentStatus | None = None,
        category_code: str | None = None,
        since: date | None = None,
        until: date | None = None,
        school_id: int | None = None,
        cursor: str | None = None,
        limit: int = 50,
    ) -> Page[IncidentSummary]:
        """Reports newest first (occurred_at desc, id desc), a page at a time.

        ``scope``: "own" (the actor's reports), "school" (the schools the actor is assigned
        to, without other officers' drafts) or "all" (supervisors only). ``since`` / ``until``
        are local calendar days, both included. Audited once, on the first page.
        """
        query, used = self._list_query(
            actor,
            scope=scope,
            status=status,
            category_code=category_code,
            since=since,
            until=until,
            school_id=school_id,
        )
        limit = clamp_limit(limit)
        if cursor:
            at, last_id = self._decode(cursor)
            # A row-value comparison: both stores turn it into a range on the index.
            after = self._key(Incident.occurred_at, at, last_id)
            query = query.where(tuple_(Incident.occurred_at, Incident.id) < after)
        query = _newest_first(query).limit(limit + 1)
        opener = self.audit.reading if cursor is None else self.ctx.db.read
        with opener() as session:
            rows = list(session.execute(query))
            items = self._summaries(session, rows[:limit])
            if cursor is None:
                self._record_list(session, actor, f"scope {scope}", used, len(items))
        more = len(rows) > limit
        next_cursor = encode_cursor(items[-1].occurred_at, items[-1].id) if more else None
        return Page(items=items, next_cursor=next_cursor)

    def warm_first_page(self, actor: Actor, *, scope: str = "own") -> None:
        """Prepare the first page's statement without reading (``Database.prepare``), so
        that its compilation is cached before the officer's first page (a list screen made
        ahead, issue 16: about 10 ms of a first opening). A scope the actor may not list is
        left alone: its refusal is audited when it is asked for."""
        if scope not in SCOPES or (scope == "all" and not actor.is_supervisor):
            return
        if scope != "all" and actor.officer_id is None:
            return
        query, _ = self._list_query(actor, scope=scope)
        self.ctx.db.prepare(_newest_first(query))

    def _list_query(
        self,
        actor: Actor,
        *,
        scope: str,
        status: IncidentStatus | None = None,
        category_code: str | None = None,
        since: date | None = None,
        until: date | None = None,
        school_id: int | None = None,
    ) -> tuple[Any, list[str]]:
        """The filtered, unordered list query and the names of the filters used."""
        if scope not in SCOPES:
            raise SroError(f"Unknown list scope {scope!r} (own, school or all)", field="scope")
        if scope == "all" and not actor.is_supervisor:
            self._deny(actor, "incident.list", "all", "Only a supervisor can list every report")
        if scope != "all" and actor.officer_id is None:
            raise SroError("The local administration has no reports of its own; use scope 'all'")
        query = self._summary_select().where(incident_unsealed())
        used: list[str] = []
        if scope == "own":
            query = query.where(Incident.officer_id == actor.officer_id)
        elif scope == "school":
            schools = list(actor.school_ids)
            if school_id is not None:
                if school_id not in schools and not actor.is_supervisor:
                    self._deny(
                        actor,
                        "incident.list",
                        f"school {school_id}",
                        "You are not assigned to that school",
                    )
                schools = [school_id]
            query = query.where(
                Incident.school_id.in_(schools),
                or_(
                    Incident.status != IncidentStatus.DRAFT.value,
                    Incident.officer_id == actor.officer_id,
                ),
            )
        if school_id is not None:
            query = query.where(Incident.school_id == school_id)
            used.append("school")
        if status is not None:
            query = query.where(Incident.status == IncidentStatus(status).value)
            used.append("status")
        if category_code:
            query = query.where(
                exists()
                .where(
                    IncidentOffense.incident_id == Incident.id,
                    IncidentOffense.category_id
                    == select(OffenseCategory.id)
                    .where(OffenseCategory.code == category_code.strip().upper())
                    .scalar_subquery(),
                )
                .correlate(Incident)
            )
            used.append("category")
        if since is not None:
            query = query.where(Incident.occurred_at >= self._day_start(since))
            used.append("since")
        if until is not None:
            query = query.where(Incident.occurred_at < self._day_start(until + timedelta(days=1)))
            used.append("until")
        return query, used

    def review_queue(
        self, actor: Actor, *, cursor: str | None = None, limit: int = 50
    ) -> Page[IncidentSummary]:
        """Submitted reports, oldest submitted first (supervisors only)."""
        if not may_review(actor):
            self._deny(actor, "incident.list", "review", "Only a supervisor can review reports")
        limit = clamp_limit(limit)
        query = self._summary_select(Incident.submitted_at).where(
            Incident.status == IncidentStatus.SUBMITTED.value, incident_unsealed()
        )
        if cursor:
            at, last_id = self._decode(cursor)
            after = self._key(Incident.submitted_at, at, last_id)
            query = query.where(tuple_(Incident.submitted_at, Incident.id) > after)
        query = query.order_by(Incident.submitted_at, Incident.id).limit(limit + 1)
        opener = self.audit.reading if cursor is None else self.ctx.db.read
        with opener() as session:
            rows = list(session.execute(query))
            items = self._summaries(session, rows[:limit])
            if cursor is None:
                self._record_list(session, actor, "review queue", [], len(items))
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = encode_cursor(last.submitted_at, last.id)
        return Page(items=items, next_cursor=next_cursor)

    def open_for(self, actor: Actor, *, limit: int = 20) -> list[IncidentSummary]:
        """The actor's own reports not yet approved (draft, submitted, returned), newest first."""
        return self._own(actor, OPEN_STATUSES, limit)

    def needs_attention(self, actor: Actor, *, limit: int = 20) -> list[IncidentSummary]:
        """The actor's own reports a supervisor returned for changes, newest first."""
        return self._own(actor, (IncidentStatus.RETURNED,), limit)

    def _own(
        self, actor: Actor, statuses: Iterable[IncidentStatus], limit: int
    ) -> list[IncidentSummary]:
        if actor.officer_id is None:
            return []
        query = (
            self._summary_select()
            .where(
                Incident.officer_id == actor.officer_id,
                Incident.status.in_([s.value for s in statuses]),
                Incident.voided_at.is_(None),  # a voided report is no one's work any more
                incident_unsealed(),
            )
            .order_by(Incident.occurred_at.desc(), Incident.id.desc())
            .limit(max(1, min(limit, SHORT_LIST_MAX)))
        )
        with self.ctx.db.read() as session:
            return self._summaries(session, list(session.execute(query)))

    def last_location_code(self, actor: Actor) -> str | None:
        """Where the actor's most recent incident happened (the quick form's default)."""
        if actor.officer_id is None:
            return None
        with self.ctx.db.read() as session:
            return session.scalar(
                select(Location.code)
                .join(Incident, Incident.location_id == Location.id)
                .where(Incident.officer_id == actor.officer_id)
                .order_by(Incident.occurred_at.desc(), Incident.id.desc())
                .limit(1)
            )

    # -- numbering ---------------------------------------------------------------------------

    @staticmethod
    def _next_number(session: Session, year: int) -> str:
        """The next number of ``year``, inside the caller's write transaction."""
        counter: Insert
        if session.get_bind().dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as postgresql_insert

            counter = (
                postgresql_insert(IncidentCounter)
                .values(year=year, last_seq=0)
                .on_conflict_do_nothing(index_elements=[IncidentCounter.year])
            )
        else:
            from sqlalchemy.dialects.sqlite import insert as sqlite_insert

            counter = (
                sqlite_insert(IncidentCounter)
                .values(year=year, last_seq=0)
                .on_conflict_do_nothing(index_elements=[IncidentCounter.year])
            )
        session.execute(counter)
        seq = session.execute(
            update(IncidentCounter)
            .where(IncidentCounter.year == year)
            .values(last_seq=IncidentCounter.last_seq + 1)
            .returning(IncidentCounter.last_seq)
            .execution_options(synchronize_session=False)
        ).scalar_one()
        return format_incident_number(year, seq)

    # -- checks ------------------------------------------------------------------------------

    def _require_officer(self, actor: Actor, action: str) -> int:
        if actor.officer_id is None:
            self._deny(actor, action, "", "Only a signed-in officer can do this")
        assert actor.officer_id is not None
        return actor.officer_id

    def _check_when(self, occurred_at: datetime) -> None:
        if occurred_at > self.ctx.now() + FUTURE_SLACK:
            raise SroError("Occurred cannot be in the future", field="occurred_at")

    @staticmethod
    def _check_school(session: Session, school_id: int) -> None:
        if session.get(School, school_id) is None:
            raise NotFound(f"No school with id {school_id}", field="school_id")

    @staticmethod
    def _location(session: Session, code: str) -> Location:
        wanted = code.strip().upper()
        location = session.scalar(select(Location).where(Location.code == wanted))
        if location is None:
            raise NotFound(f"No location with code {wanted!r}", field="location_code")
        return location

    @staticmethod
    def _categories(
        session: Session, codes: list[str], *, already: Iterable[str] = ()
    ) -> dict[str, OffenseCategory]:
        """The categories by code; an inactive one only if the report already had it."""
        wanted = [c.strip().upper() for c in codes]
        if not wanted:
            return {}
        rows = session.scalars(select(OffenseCategory).where(OffenseCategory.code.in_(wanted)))
        found = {c.code: c for c in rows}
        kept = set(already)
        for code in wanted:
            category = found.get(code)
            if category is None:
                raise NotFound(f"No category with code {code!r}", field="offenses")
            if not category.active and code not in kept:
                raise SroError(f"The category {code} is no longer in use", field="offenses")
        return found

    @staticmethod
    def _check_students(session: Session, people: list[PersonIn]) -> None:
        ids = {p.student_id for p in people if p.student_id is not None}
        if not ids:
            return
        known = set(session.scalars(select(Student.id).where(Student.id.in_(ids))))
        missing = sorted(ids - known)
        if missing:
            raise NotFound(f"No student with id {missing[0]}", field="people")

    @staticmethod
    def _require_editable(incident: Incident) -> None:
        if incident.voided_at is not None:
            raise RecordLocked(VOIDED_LOCKED)
        status = IncidentStatus(incident.status)
        if status is IncidentStatus.APPROVED:
            raise RecordLocked("This report is approved and locked; add a supplement instead")
        if status is IncidentStatus.SUBMITTED:
            raise RecordLocked(
                "This report is submitted for review and cannot be changed now; "
                "a supervisor can return it to you for changes"
            )

    @staticmethod
    def _move(incident: Incident, target: IncidentStatus) -> None:
        if incident.voided_at is not None:
            raise RecordLocked(VOIDED_LOCKED)
        current = IncidentStatus(incident.status)
        problem = incident_move_problem(current, target)
        if problem is None:
            return
        if current is IncidentStatus.APPROVED:
            raise RecordLocked(problem)
        raise InvalidTransition(problem)

    # -- rows --------------------------------------------------------------------------------

    @staticmethod
    def _offense_rows(
        offenses: list[OffenseIn], categories: dict[str, OffenseCategory]
    ) -> list[IncidentOffense]:
        return [
            IncidentOffense(
                category=categories[o.category_code.strip().upper()],
                most_severe=o.most_severe,
                attempted=o.attempted,
                weapon=o.weapon.value,
                suspected_use=o.suspected_use.value,
                gang=o.gang.value,
            )
            for o in offenses
        ]

    @staticmethod
    def _person_rows(people: list[PersonIn]) -> list[IncidentPerson]:
        return [
            IncidentPerson(
                role=p.role.value,
                student_id=p.student_id,
                name=p.name,
                juvenile=p.juvenile,
                outcome_rows=outcome_rows(p.outcomes),
                custodial=p.custodial,
                parent_notified_at=p.parent_notified_at,
            )
            for p in people
        ]

    @staticmethod
    def _compliance_rows(compliance: list[ComplianceIn]) -> list[IncidentCompliance]:
        """One row per kind: a kind given twice keeps the last one given."""
        latest = {c.kind: c for c in compliance}
        return [
            IncidentCompliance(kind=c.kind.value, done_at=c.done_at, note=c.note)
            for c in latest.values()
        ]

    # -- building read schemas ---------------------------------------------------------------

    def _get(
        self, session: Session, incident_id: int, *, lock: bool = False, full: bool = False
    ) -> Incident:
        query = select(Incident).where(Incident.id == incident_id)
        if lock:
            query = query.with_for_update()
        # A locked read for a change loads its children as they are used (five lazy loads
        # cost less than five selectin loads set up for one row).
        if full:
            query = query.options(
                selectinload(Incident.offenses),
                selectinload(Incident.people),
                selectinload(Incident.compliance),
                selectinload(Incident.supplements),
                selectinload(Incident.reviews),
            )
        incident = session.scalar(query)
        if incident is None:
            raise NotFound(f"No incident report with id {incident_id}")
        return incident

    def _read(self, session: Session, incident: Incident, *, new: bool = False) -> IncidentRead:
        """The read schema of ``incident`` (its children loaded or known). ``new``: created in
        this transaction, so it has no versions and is not voided (nothing read for them)."""
        ids = {"school_id": incident.school_id, "location_id": incident.location_id}
        ids["officer_id"] = incident.officer_id
        school_name, location_code, location_name, location_nibrs, officer_name = session.execute(
            _NAMES, ids
        ).one()
        student_ids = {p.student_id for p in incident.people if p.student_id is not None}
        student_names: dict[int, str] = {}
        if student_ids:
            rows = session.execute(
                select(Student.id, Student.last_name, Student.first_name).where(
                    Student.id.in_(student_ids)
                )
            )
            student_names = {sid: f"{last}, {first}" for sid, last, first in rows}
        offenses = tuple(
            OffenseRead(
                category_code=o.category.code,
                category_name=o.category.name,
                nibrs=o.category.nibrs,
                ed_code=o.category.ed_code,
                most_severe=o.most_severe,
                attempted=o.attempted,
                weapon=WeaponType(o.weapon),
                suspected_use=SuspectedUse(o.suspected_use),
                gang=GangInvolvement(o.gang),
            )
            for o in incident.offenses
        )
        people = tuple(
            PersonRead(
                id=p.id,
                role=PersonRole(p.role),
                student_id=p.student_id,
                # A student's name comes from the student record (kept in one place).
                name=p.name or student_names.get(p.student_id or 0, ""),
                juvenile=p.juvenile,
                outcomes=outcomes_of(p.outcome_values),
                custodial=p.custodial,
                parent_notified_at=p.parent_notified_at,
            )
            for p in incident.people
        )
        compliance = tuple(
            ComplianceRead(kind=ComplianceKind(c.kind), done_at=c.done_at, note=c.note)
            for c in incident.compliance
        )
        required = _compliance_order(
            required_compliance(
                ((_category_rules(o.category), WeaponType(o.weapon)) for o in incident.offenses),
                ((p.juvenile, p.outcomes) for p in people),
            )
        )
        done = {c.kind for c in compliance}
        return IncidentRead(
            id=incident.id,
            number=incident.number,
            status=IncidentStatus(incident.status),
            version=incident.version,
            school_id=incident.school_id,
            school_name=school_name or "",
            school_year=incident.school_year,
            officer_id=incident.officer_id,
            officer_name=officer_name or "",
            occurred_at=incident.occurred_at,
            entered_at=incident.entered_at,
            submitted_at=incident.submitted_at,
            approved_at=incident.approved_at,
            location_code=location_code or "",
            location_name=location_name or "",
            narrative=incident.narrative,
            review_comment=incident.review_comment,
            location_nibrs=location_nibrs or "",
            bias_motivation=_bias(incident.bias_motivation),
            initiated_by=ContactInitiator(incident.initiated_by) if incident.initiated_by else None,
            offenses=offenses,
            people=people,
            compliance=compliance,
            supplements=tuple(
                SupplementRead(
                    id=s.id,
                    author_id=s.author_id,
                    author_name=s.author.name if s.author else "",
                    created_at=s.created_at,
                    text=s.text,
                )
                for s in incident.supplements
            ),
            reviews=tuple(
                ReviewRead(
                    action=r.action,
                    by_id=r.by_id,
                    by_name=r.by.name if r.by else "",
                    at=r.at,
                    comment=r.comment,
                )
                for r in incident.reviews
            ),
            compliance_required=required,
            compliance_missing=tuple(k for k in required if k not in done),
            **(_new_facts() if new else version_facts(session, incident)),
        )

    @staticmethod
    def _summary_select(*extra: Any) -> Any:
        return (
            select(
                Incident.id,
                Incident.number,
                Incident.status,
                Incident.occurred_at,
                Incident.school_id,
                School.name.label("school_name"),
                Incident.officer_id,
                Officer.name.label("officer_name"),
                Location.name.label("location_name"),
                Incident.review_comment,
                Incident.voided_at,
                *extra,
            )
            .join(School, School.id == Incident.school_id)
            .join(Officer, Officer.id == Incident.officer_id)
            .join(Location, Location.id == Incident.location_id)
        )

    @staticmethod
    def _summaries(session: Session, rows: list[Any]) -> list[IncidentSummary]:
        """Summaries of ``rows`` (from ``_summary_select``), each with its most severe
        category's name: the one marked, else the highest severity."""
        ids = [row.id for row in rows]
        best: dict[int, tuple[bool, int, str]] = {}
        if ids:
            offenses = session.execute(
                select(
                    IncidentOffense.incident_id,
                    IncidentOffense.most_severe,
                    OffenseCategory.severity,
                    OffenseCategory.name,
                )
                .join(OffenseCategory, OffenseCategory.id == IncidentOffense.category_id)
                .where(IncidentOffense.incident_id.in_(ids))
            )
            for incident_id, marked, severity, name in offenses:
                candidate = (bool(marked), severity, name)
                if incident_id not in best or candidate[:2] > best[incident_id][:2]:
                    best[incident_id] = candidate
        return [
            IncidentSummary(
                id=row.id,
                number=row.number,
                status=IncidentStatus(row.status),
                occurred_at=row.occurred_at,
                school_id=row.school_id,
                school_name=row.school_name,
                officer_id=row.officer_id,
                officer_name=row.officer_name,
                category_name=best[row.id][2] if row.id in best else "",
                location_name=row.location_name,
                # What a reviewer asked for matters only while the report is back with its
                # officer (Today shows it beside the report).
                review_comment=row.review_comment
                if row.status == IncidentStatus.RETURNED.value
                else "",
                voided=row.voided_at is not None,
            )
            for row in rows
        ]

    # -- helpers -----------------------------------------------------------------------------

    def _record_list(
        self, session: Session, actor: Actor, what: str, used: list[str], count: int
    ) -> None:
        detail = what + (f", filters {' '.join(used)}" if used else "") + f", {count} rows"
        self.audit.record(
            session, actor, "incident.list", record_type=RecordType.INCIDENT, detail=detail
        )

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, time(0, 0), tzinfo=self.ctx.tz).astimezone(UTC)

    @staticmethod
    def _key(column: Any, at: datetime, last_id: int) -> Any:
        """The cursor's (time, id) as a row value typed like the columns (so the time is
        bound as the store's UTC value, not as a zoned timestamp)."""
        return tuple_(literal(at, column.type), literal(last_id, Integer()))

    @staticmethod
    def _decode(cursor: str) -> tuple[datetime, int]:
        try:
            at_text, last_id = decode_cursor(cursor)
            at = datetime.fromisoformat(at_text)
            return (at if at.tzinfo else at.replace(tzinfo=UTC)), int(last_id)
        except (ValueError, TypeError) as exc:
            raise SroError("The list changed; open it again") from exc

    @contextmanager
    def _write(
        self, actor: Actor, action: str, record_id: object, *, read: bool = False
    ) -> Iterator[Session]:
        """A write transaction (``read``: an audited read's) in which ``_Denied`` rolls back,
        is audited and is raised as PermissionDenied."""
        try:
            with self.audit.reading() if read else self.ctx.db.write() as session:
                yield session
        except _Denied as refusal:
            self._deny(actor, action, record_id, refusal.message)

    def _deny(self, actor: Actor, action: str, record_id: object, message: str) -> None:
        self.audit.record_alone(
            actor,
            action,
            record_type=RecordType.INCIDENT,
            record_id=record_id,
            outcome=AuditOutcome.DENIED,
        )
        raise PermissionDenied(message)


def _newest_first(query: Select[Any]) -> Select[Any]:
    return query.order_by(Incident.occurred_at.desc(), Incident.id.desc())
