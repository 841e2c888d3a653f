"""Reports: the daily shift report, the monthly activity report, the school year to date and
the federal counts.

Every count is a SQL aggregate over a bounded range of the occurred_at / date indexes,
bucketed by period with a CASE expression, so the month, the month before and the same month
last year (or the twelve months of a school year) come back from one query per measure group.
Python only folds the few grouped rows that come back; it never walks the records.

Month boundaries are the agency's local midnights converted to UTC (``Period``), so a report
for September holds what happened in September in Ventura, whatever the offset that day.

Who may run what:
- daily: an officer their own day; a supervisor anyone's.
- monthly / year to date: an officer their own figures (``officer_badge`` = their badge);
  department-wide, per-school and other officers' figures are for supervisors.
- federal counts: supervisors (department statistics).
Each run is audited as ``report.run`` (refusals as denied); the audit detail names the kind,
the period and the scope (badge / school code), never any record content.

The figures are computed in a read transaction and the audit event written in a transaction
of its own afterwards, so the SQLite write lock is not held while the aggregates run.

Referral counts go through ix_referrals_referred_on and ix_referral_events_on (migration
0005), so a department's or a school's month reads only that month's referrals.

Definitions that are choices (also printed in each report's notes): incidents count once
filed (not drafts); trespass contacts are incidents with the category code TRESPASS; campus
checks are the checklist items done whose kind is a security check (ChecklistKind, set on
the template item and copied to the shift's, migration 0020); use of force and events are
not recorded (0, "not recorded"). Outcomes are rows of incident_person_outcomes, counted by
equality (migration 0015). The daily report shows a confidential note only as existing,
whoever runs it: it is meant for handing over and printing.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Subquery,
    and_,
    case,
    distinct,
    func,
    literal_column,
    or_,
    select,
    union_all,
)
from sqlalchemy.orm import Session

from ..domain.enums import (
    AuditOutcome,
    ChecklistKind,
    ChecklistStatus,
    ContactInitiator,
    ContactKind,
    IncidentStatus,
    OutcomeKind,
    PersonRole,
    RecordType,
    ReferralStatus,
    WeaponType,
)
from ..domain.errors import NotFound, PermissionDenied, SroError
from ..domain.incidents import GFSA_WEAPONS
from ..domain.officers import Actor, normalise_badge
from ..domain.permissions import may_run_department_reports
from ..domain.redaction import RedactionPerson, RedactionRun
from ..domain.reports import (
    BY_SCHOOL_MEASURES,
    CRDC_ARRESTED,
    CRDC_REFERRED,
    CRDC_UNKNOWN,
    GFSA_STUDENTS,
    NOT_RECORDED,
    CategoryCount,
    DailyEntry,
    DailyReport,
    FederalCounts,
    Figure,
    GfsaCount,
    MonthlyReport,
    Period,
    ReportHeader,
    SchoolFigures,
    Section,
    WeaponCount,
    YtdMonth,
    YtdReport,
    add_months,
    month_key,
    parse_month,
    parse_school_year,
    regular_school_year_months,
    school_year_for_day,
    school_year_label,
    school_year_months,
)
from ..store.models import (
    ChecklistDoneDay,
    ChecklistItem,
    Incident,
    IncidentOffense,
    IncidentPerson,
    IncidentPersonOutcome,
    Location,
    Note,
    NoteStudent,
    OffenseCategory,
    Officer,
    Referral,
    ReferralEvent,
    ReferralProgram,
    School,
    Shift,
    Student,
)
from . import store_settings
from .audit import AuditTrail
from .calls import CALL_FIGURES, count_campus_security
from .calls import count_by_school as count_calls_by_school
from .context import ServiceContext
from .roster_names import roster_index
from .sealing import incident_unsealed, note_unsealed, referral_unsealed
from .threats import THREAT_FIGURES, count_threat_cases

# Incidents count once filed: drafts are the officer's unfinished work and are left out.
COUNTED_STATUSES = (
    IncidentStatus.SUBMITTED.value,
    IncidentStatus.RETURNED.value,
    IncidentStatus.APPROVED.value,
)
TRESPASS_CODE = "TRESPASS"
# Kinds of note that are advisory sessions (counted with students / parents / staff).
STUDENT_SESSION_KINDS = (ContactKind.MENTORING, ContactKind.SAP_GROUP)
ADVISORY_KINDS = (
    ContactKind.MENTORING,
    ContactKind.SAP_GROUP,
    ContactKind.PARENT,
    ContactKind.STAFF,
    ContactKind.MEDIATION,
)
# Locations that are not school grounds, a school event or school transportation (CRDC):
# by code, and NIBRS 58 (cyberspace) whatever the code.
OFF_GROUNDS_CODES = ("ONLINE",)
CYBERSPACE_NIBRS = "58"
# Status changes shown in the monthly report (the first, "referred", is the referral itself).
MOVED_STATUSES = tuple(s for s in ReferralStatus if s is not ReferralStatus.REFERRED)

MONTHLY_NOTES = (
    "Incidents are counted once filed (submitted, returned or approved); drafts are not.",
    "Arrests, citations, petitions and diversion referrals count once per person per "
    "incident, however many charges or offenses the incident lists.",
    "'Calls: reports handled by school / resolved by officer' count filed reports with at "
    "least one person whose outcome was 'handled by school' / 'resolved by officer'; calls "
    "for service logged as their own entries are the 'Calls logged' lines.",
    "Campus checks are the checklist items done whose kind is 'security check' (set on the "
    "checklist template: perimeter, gate, parking, visitor, restroom checks, supervision "
    "posts, patrols); instruction, training and mentoring items are not, and count once, as "
    "notes, in the educator and counselor sections.",
    "Use of force and events are not recorded by sro-tui: shown as 0, 'not recorded'.",
    "Advisory sessions with students are mentoring notes and SAP group sessions; with "
    "parents / staff, parent / staff contacts and any advisory note marked with a parent / "
    "staff member present.",
    "Federal counts here are unduplicated students in the period, by the student's school; "
    "the annual counts (year to date, federal) take the regular school year, August to June.",
)
FEDERAL_NOTES = (
    "CRDC counts are unduplicated students (linked to a student record), by the student's "
    "school on the roster (the report's school if none), in the regular school year "
    "(August to June: July's summer session is left out).",
    "Referred to law enforcement: a student named as suspect/offender in a filed report that a "
    "school official or designee brought to the officer ('initiated by: school official'), "
    "for an incident on school grounds, at a school event or on school transportation (not "
    "online). Officer-initiated contacts are not referrals; students in reports with no "
    "initiator recorded are not counted, and are shown on a line of their own.",
    "School-related arrest: a student arrested (once, however many charges) for an incident "
    "on school grounds, at a school event or on school transportation, or on a school "
    "official's referral.",
    "CRDC also asks for each count by race/ethnicity, sex, disability (IDEA, Section 504) and "
    "English-learner status: sro-tui does not hold these, so those breakdowns must come from "
    "the district's student information system.",
    "Gun-Free Schools Act: students (not incidents, not adults) named as suspect/offender in a "
    "filed report with a firearm or an explosive / destructive device, by type. sro-tui does "
    "not record the expulsion decision nor split handguns from rifles and shotguns; imitation "
    "firearms (Ed Code 48900(m)) are not GFSA and are counted only among incidents by weapon.",
)


@dataclass(frozen=True)
class _Scope:
    school_id: int | None = None
    school_code: str | None = None
    school_name: str | None = None
    officer_id: int | None = None
    officer_badge: str | None = None
    officer_name: str | None = None

    @property
    def label(self) -> str:
        parts = []
        if self.school_name:
            parts.append(f"{self.school_name} ({self.school_code})")
        if self.officer_name:
            parts.append(f"Officer {self.officer_name}, badge {self.officer_badge}")
        return "; ".join(parts) if parts else "Department-wide"

    @property
    def audit_detail(self) -> str:
        parts = []
        if self.school_code:
            parts.append(f"school {self.school_code}")
        if self.officer_badge:
            parts.append(f"officer {self.officer_badge}")
        return ", ".join(parts) or "department"


Counts = dict[str, list[int]]
Moments = list[tuple[datetime, datetime]]  # UTC [start, end) of each period
Days = list[tuple[date, date]]  # local calendar days [start, end) of each period


# --- SQL building blocks -----------------------------------------------------------------------


def _bucket(column: Any, ranges: Sequence[tuple[Any, Any]]) -> ColumnElement[int]:
    """The index of the range a value falls in (or -1): CASE WHEN a0<=col<b0 THEN 0 ..."""
    whens: list[tuple[ColumnElement[bool], ColumnElement[int]]] = [
        (and_(column >= start, column < end), literal_column(str(index)))
        for index, (start, end) in enumerate(ranges)
    ]
    return case(*whens, else_=literal_column("-1"))


def _merged(ranges: Sequence[tuple[Any, Any]]) -> list[tuple[Any, Any]]:
    """The ranges sorted, touching ones joined (the twelve months of a year become one)."""
    merged: list[list[Any]] = []
    for start, end in sorted(ranges):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(start, end) for start, end in merged]


def _ranged(
    build: Callable[[ColumnElement[bool]], Select[*tuple[Any, ...]]],
    column: Any,
    ranges: Sequence[tuple[Any, Any]],
) -> Subquery:
    """``build(range condition)`` over each merged range, as one subquery (UNION ALL).

    Each branch holds one plain ``start <= column < end``, which both planners serve from the
    column's index; an OR of ranges would make SQLite give up the range for another index.
    """
    parts = [build(and_(column >= start, column < end)) for start, end in _merged(ranges)]
    return (parts[0] if len(parts) == 1 else union_all(*parts)).subquery()


def _has_outcome(kind: OutcomeKind) -> ColumnElement[bool]:
    """Whether the person of the row has this outcome: one look-up of the outcome table's
    key (person_id, outcome), so the planner keeps walking incidents by their time index."""
    return (
        select(IncidentPersonOutcome.person_id)
        .where(
            IncidentPersonOutcome.person_id == IncidentPerson.id,
            IncidentPersonOutcome.outcome == kind.value,
        )
        .correlate(IncidentPerson)
        .exists()
    )


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, literal_column("1")), else_=literal_column("0"))


def _incident_scope(scope: _Scope) -> list[ColumnElement[bool]]:
    """Filed incidents in the scope, written so the planner walks a time index.

    For one school, ``school_id = ? AND status IN (...)`` are the leading columns of
    ix_incidents_school_status_occurred, so the occurred_at range follows them. Otherwise the
    status test is written as ``<> 'draft'`` (the same set), which no index serves: a
    ``status IN`` there would lure SQLite's planner onto the status index and walk every
    filed incident ever, instead of the occurred_at (or officer, occurred_at) range.
    """
    # A voided report is counted nowhere (it stays in the store, struck through in lists).
    clauses: list[ColumnElement[bool]] = [Incident.voided_at.is_(None)]
    if scope.school_id is not None:
        clauses += [Incident.school_id == scope.school_id, Incident.status.in_(COUNTED_STATUSES)]
    else:
        clauses.append(Incident.status != IncidentStatus.DRAFT.value)
    if scope.officer_id is not None:
        clauses.append(Incident.officer_id == scope.officer_id)
    return clauses


def _zeros(n: int) -> list[int]:
    return [0] * n


def _fill(counts: Counts, key: str, n: int, rows: Any) -> None:
    series = counts.setdefault(key, _zeros(n))
    for period, value in rows:
        if period is not None and 0 <= int(period) < n:
            series[int(period)] += int(value or 0)


# --- the aggregates (each returns measure -> one count per range) -------------------------------


def count_incidents(session: Session, scope: _Scope, ranges: Moments) -> Counts:
    n = len(ranges)
    inner = _ranged(
        lambda within: select(
            _bucket(Incident.occurred_at, ranges).label("p"), Incident.id.label("iid")
        ).where(within, *_incident_scope(scope)),
        Incident.occurred_at,
        ranges,
    )
    counts: Counts = {}
    query = select(inner.c.p, func.count()).group_by(inner.c.p)
    _fill(counts, "incidents", n, session.execute(query))
    return counts


def count_outcomes(session: Session, scope: _Scope, ranges: Moments) -> Counts:
    """Outcomes once per person per incident; calls for service once per incident."""
    n = len(ranges)
    kinds = {
        "resolved": OutcomeKind.RESOLVED_BY_OFFICER,
        "handled": OutcomeKind.HANDLED_BY_SCHOOL,
        "arrests": OutcomeKind.ARREST,
        "citations": OutcomeKind.CITATION,
        "petitions": OutcomeKind.JUVENILE_PETITION,
        "diversions": OutcomeKind.DIVERSION_REFERRAL,
    }
    # A student listed twice in one incident is one person; others are each their own row.
    person_key = func.coalesce(IncidentPerson.student_id, -IncidentPerson.id)
    rows = _ranged(
        lambda within: (
            select(
                _bucket(Incident.occurred_at, ranges).label("p"),
                Incident.id.label("iid"),
                person_key.label("pk"),
                *[_flag(_has_outcome(kind)).label(name) for name, kind in kinds.items()],
            )
            .select_from(Incident)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(within, *_incident_scope(scope))
        ),
        Incident.occurred_at,
        ranges,
    )
    per_person = (
        select(
            rows.c.p,
            rows.c.iid,
            rows.c.pk,
            *[func.max(rows.c[name]).label(name) for name in kinds],
        )
        .group_by(rows.c.p, rows.c.iid, rows.c.pk)
        .subquery()
    )
    totals = select(
        per_person.c.p,
        *[func.sum(per_person.c[name]).label(name) for name in kinds],
        func.count(distinct(case((per_person.c.handled == 1, per_person.c.iid)))).label("h_calls"),
        func.count(distinct(case((per_person.c.resolved == 1, per_person.c.iid)))).label("r_calls"),
    ).group_by(per_person.c.p)
    counts: Counts = {}
    for name in (*kinds, "h_calls", "r_calls"):
        counts[name] = _zeros(n)
    for row in session.execute(totals).mappings():
        p = int(row["p"])
        if 0 <= p < n:
            for name in (*kinds, "h_calls", "r_calls"):
                counts[name][p] = int(row[name] or 0)
    return counts


def _student_scope(scope: _Scope) -> list[ColumnElement[bool]]:
    """Filed incidents' students in the scope, by the student's school (the incident's if
    the student has none): CRDC and GFSA count students where they are enrolled."""
    clauses: list[ColumnElement[bool]] = [
        Incident.voided_at.is_(None),
        Incident.status != IncidentStatus.DRAFT.value,
        IncidentPerson.student_id.is_not(None),
    ]
    if scope.school_id is not None:
        clauses.append(func.coalesce(Student.school_id, Incident.school_id) == scope.school_id)
    if scope.officer_id is not None:
        clauses.append(Incident.officer_id == scope.officer_id)
    return clauses


def count_federal(session: Session, scope: _Scope, ranges: Moments) -> Counts:
    """CRDC and Gun-Free Schools Act counts: unduplicated students per range (FEDERAL_NOTES).

    crdc_referred: suspects in reports a school official brought, on school grounds;
    crdc_arrests: students arrested on school grounds or on a school official's referral;
    crdc_unknown: suspects in reports with no initiator recorded; gfsa / gfsa:<weapon>:
    suspects in reports with a firearm or an explosive device."""
    n = len(ranges)
    suspect = IncidentPerson.role == PersonRole.SUSPECT.value
    by_school = Incident.initiated_by == ContactInitiator.SCHOOL.value
    on_grounds = and_(
        Location.code.not_in(OFF_GROUNDS_CODES), Location.nibrs_location != CYBERSPACE_NIBRS
    )
    arrested = _has_outcome(OutcomeKind.ARREST)
    people = _ranged(
        lambda within: (
            select(
                _bucket(Incident.occurred_at, ranges).label("p"),
                IncidentPerson.student_id.label("sid"),
                _flag(and_(suspect, by_school, on_grounds)).label("referred"),
                _flag(and_(arrested, or_(on_grounds, by_school))).label("arrested"),
                _flag(and_(suspect, Incident.initiated_by.is_(None))).label("unknown"),
            )
            .select_from(Incident)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .join(Location, Location.id == Incident.location_id)
            .outerjoin(Student, Student.id == IncidentPerson.student_id)
            .where(within, *_student_scope(scope))
        ),
        Incident.occurred_at,
        ranges,
    )
    measures = {"crdc_referred": "referred", "crdc_arrests": "arrested", "crdc_unknown": "unknown"}
    students = select(
        people.c.p,
        *[
            func.count(distinct(case((people.c[flag] == 1, people.c.sid)))).label(name)
            for name, flag in measures.items()
        ],
    ).group_by(people.c.p)
    counts: Counts = {name: _zeros(n) for name in measures}
    for row in session.execute(students).mappings():
        p = int(row["p"])
        if 0 <= p < n:
            for name in measures:
                counts[name][p] = int(row[name] or 0)
    armed = _ranged(
        lambda within: (
            select(
                _bucket(Incident.occurred_at, ranges).label("p"),
                IncidentPerson.student_id.label("sid"),
                IncidentOffense.weapon.label("weapon"),
            )
            .select_from(Incident)
            .join(IncidentOffense, IncidentOffense.incident_id == Incident.id)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .outerjoin(Student, Student.id == IncidentPerson.student_id)
            .where(within, suspect, *_student_scope(scope))
        ),
        Incident.occurred_at,
        ranges,
    )
    # No WHERE on the weapon inside (see count_offenses): the few kinds are picked here, all
    # in one pass over the joined rows (one query per kind read them three times).
    gfsa = [w.value for w in GFSA_WEAPONS]
    picks: dict[str, ColumnElement[bool]] = {"gfsa": armed.c.weapon.in_(gfsa)}
    picks |= {f"gfsa:{w.value}": armed.c.weapon == w.value for w in GFSA_WEAPONS}
    armed_students = select(
        armed.c.p,
        *[
            func.count(distinct(case((pick, armed.c.sid)))).label(key)
            for key, pick in picks.items()
        ],
    ).group_by(armed.c.p)
    for key in picks:
        counts[key] = _zeros(n)
    for row in session.execute(armed_students).mappings():
        p = int(row["p"])
        if 0 <= p < n:
            for key in picks:
                counts[key][p] += int(row[key] or 0)
    return counts


def count_offenses(session: Session, scope: _Scope, ranges: Moments) -> Counts:
    """Trespass contacts and incidents by weapon type (each incident once per kind)."""
    n = len(ranges)
    inner = _ranged(
        lambda within: (
            select(
                _bucket(Incident.occurred_at, ranges).label("p"),
                Incident.id.label("iid"),
                IncidentOffense.weapon.label("weapon"),
                _flag(OffenseCategory.code == TRESPASS_CODE).label("trespass"),
            )
            .select_from(Incident)
            .join(IncidentOffense, IncidentOffense.incident_id == Incident.id)
            .join(OffenseCategory, OffenseCategory.id == IncidentOffense.category_id)
            .where(within, *_incident_scope(scope))
        ),
        Incident.occurred_at,
        ranges,
    )
    # No WHERE on the outer queries: a filter on the category or weapon pushed down into the
    # join would let SQLite start from that index and walk every such offense ever recorded.
    counts: Counts = {}
    trespass = select(
        inner.c.p, func.count(distinct(case((inner.c.trespass == 1, inner.c.iid))))
    ).group_by(inner.c.p)
    _fill(counts, "trespass", n, session.execute(trespass))
    by_weapon = select(inner.c.p, inner.c.weapon, func.count(distinct(inner.c.iid))).group_by(
        inner.c.p, inner.c.weapon
    )
    for weapon in WeaponType:
        if weapon is not WeaponType.NONE:
            counts[f"weapon:{weapon.value}"] = _zeros(n)
    for p, weapon, value in session.execute(by_weapon):
        key = f"weapon:{weapon}"
        if key in counts and 0 <= int(p) < n:
            counts[key][int(p)] = int(value)
    return counts


def _done_items(
    within: ColumnElement[bool], clauses: Sequence[ColumnElement[bool]], ranges: Days
) -> Select[int, int, str]:
    """Done checklist items of the shifts in range: the shifts found by date through an index,
    their items through ix_checklist_items_shift_id."""
    return (
        select(
            _bucket(Shift.shift_date, ranges).label("p"),
            Shift.school_id.label("sid"),
            ChecklistItem.kind.label("kind"),
        )
        .select_from(Shift)
        .join(ChecklistItem, ChecklistItem.shift_id == Shift.id)
        .where(within, ChecklistItem.status == ChecklistStatus.DONE.value, *clauses)
    )


def _done_days(
    within: ColumnElement[bool], clauses: Sequence[ColumnElement[bool]], ranges: Days
) -> Select[int, int, str, int]:
    """The same done items counted per day, school, label and kind (checklist_done_days, kept
    by triggers, migrations 0018 and 0020): a few rows per day of the period, whatever the
    store holds."""
    return select(
        _bucket(ChecklistDoneDay.shift_date, ranges).label("p"),
        ChecklistDoneDay.school_id.label("sid"),
        ChecklistDoneDay.kind.label("kind"),
        ChecklistDoneDay.done.label("done"),
    ).where(within, *clauses)


def _fold_checks(rows: Any) -> dict[int | None, dict[int, int]]:
    """(period, school, kind, count) rows -> school -> period -> security checks done."""
    out: dict[int | None, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    for p, school_id, kind, value in rows:
        if p is not None and kind == ChecklistKind.SECURITY.value:
            out[school_id][int(p)] += int(value or 0)
    return out


def count_campus_checks(session: Session, scope: _Scope, ranges: Days) -> Counts:
    """Security checks done (items of kind ChecklistKind.SECURITY) on the shifts of each
    period; kinds are grouped in SQL and the security checks picked here."""
    n = len(ranges)
    clauses: list[ColumnElement[bool]] = []
    if scope.school_id is not None:
        clauses.append(Shift.school_id == scope.school_id)
    if scope.officer_id is not None:
        clauses.append(Shift.officer_id == scope.officer_id)
    if scope.officer_id is None:
        # A school or the department: the daily counts (one row per day, school and label).
        by_day = (
            [ChecklistDoneDay.school_id == scope.school_id] if scope.school_id is not None else []
        )
        days = _ranged(
            lambda within: _done_days(within, by_day, ranges), ChecklistDoneDay.shift_date, ranges
        )
        query = select(
            days.c.p, literal_column("NULL"), days.c.kind, func.sum(days.c.done)
        ).group_by(days.c.p, days.c.kind)
    else:
        # One officer's shifts: few, found through ix_shifts_school_date school by school.
        if scope.school_id is None:
            clauses.append(Shift.school_id.in_(list(session.scalars(select(School.id)))))
        inner = _ranged(
            lambda within: _done_items(within, clauses, ranges), Shift.shift_date, ranges
        )
        query = select(inner.c.p, literal_column("NULL"), inner.c.kind, func.count()).group_by(
            inner.c.p, inner.c.kind
        )
    counts: Counts = {"campus_checks": _zeros(n)}
    for per_period in _fold_checks(session.execute(query)).values():
        for p, value in per_period.items():
            if 0 <= p < n:
                counts["campus_checks"][p] += value
    return counts


def count_notes(session: Session, scope: _Scope, ranges: Moments) -> Counts:
    n = len(ranges)
    clauses: list[ColumnElement[bool]] = []
    if scope.school_id is not None:
        clauses.append(Note.school_id == scope.school_id)
    if scope.officer_id is not None:
        clauses.append(Note.officer_id == scope.officer_id)
    inner = _ranged(
        lambda within: select(
            _bucket(Note.occurred_at, ranges).label("p"),
            Note.kind.label("kind"),
            Note.with_parent.label("wp"),
            Note.with_staff.label("ws"),
            func.coalesce(Note.head_count, 0).label("heads"),
        ).where(within, *clauses),
        Note.occurred_at,
        ranges,
    )
    grouped = select(
        inner.c.p, inner.c.kind, inner.c.wp, inner.c.ws, func.count(), func.sum(inner.c.heads)
    ).group_by(inner.c.p, inner.c.kind, inner.c.wp, inner.c.ws)
    names = (
        "contacts",
        "with_students",
        "with_parents",
        "with_staff",
        "mediations",
        "liaison",
        "classes",
        "students_reached",
        "trainings",
        "staff_trained",
    )
    counts: Counts = {name: _zeros(n) for name in names}
    for p, kind, with_parent, with_staff, number, heads in session.execute(grouped):
        p = int(p)
        if not 0 <= p < n:
            continue
        number, heads = int(number), int(heads or 0)
        counts["contacts"][p] += number
        try:
            kind = ContactKind(kind)
        except ValueError:
            continue
        if kind in STUDENT_SESSION_KINDS:
            counts["with_students"][p] += number
        if kind is ContactKind.PARENT or (with_parent and kind in ADVISORY_KINDS):
            counts["with_parents"][p] += number
        if kind is ContactKind.STAFF or (with_staff and kind in ADVISORY_KINDS):
            counts["with_staff"][p] += number
        if kind is ContactKind.MEDIATION:
            counts["mediations"][p] += number
        if kind is ContactKind.LIAISON:
            counts["liaison"][p] += number
        if kind is ContactKind.CLASSROOM:
            counts["classes"][p] += number
            counts["students_reached"][p] += heads
        if kind is ContactKind.STAFF_TRAINING:
            counts["trainings"][p] += number
            counts["staff_trained"][p] += heads
    return counts


def _referral_scope(scope: _Scope) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    if scope.school_id is not None:
        clauses.append(Referral.school_id == scope.school_id)
    if scope.officer_id is not None:
        clauses.append(Referral.referred_by_id == scope.officer_id)
    return clauses


def count_referrals(session: Session, scope: _Scope, ranges: Days) -> Counts:
    """Referrals made, by program id ('program:<id>') and in all ('referrals'); status
    changes recorded in the period, by new status ('status:<value>')."""
    n = len(ranges)
    made = _ranged(
        lambda within: select(
            _bucket(Referral.referred_on, ranges).label("p"), Referral.program_id.label("pid")
        ).where(within, *_referral_scope(scope)),
        Referral.referred_on,
        ranges,
    )
    counts: Counts = {"referrals": _zeros(n)}
    for p, program_id, value in session.execute(
        select(made.c.p, made.c.pid, func.count()).group_by(made.c.p, made.c.pid)
    ):
        p = int(p)
        if 0 <= p < n:
            counts.setdefault(f"program:{program_id}", _zeros(n))[p] += int(value)
            counts["referrals"][p] += int(value)
    moved = _ranged(
        lambda within: (
            select(
                _bucket(ReferralEvent.on, ranges).label("p"),
                ReferralEvent.to_status.label("status"),
            )
            .join(Referral, Referral.id == ReferralEvent.referral_id)
            .where(within, ReferralEvent.from_status.is_not(None), *_referral_scope(scope))
        ),
        ReferralEvent.on,
        ranges,
    )
    for status in MOVED_STATUSES:
        counts[f"status:{status.value}"] = _zeros(n)
    for p, status, value in session.execute(
        select(moved.c.p, moved.c.status, func.count()).group_by(moved.c.p, moved.c.status)
    ):
        key = f"status:{status}"
        if key in counts and 0 <= int(p) < n:
            counts[key][int(p)] += int(value)
    return counts


def count_by_school(
    session: Session,
    datetimes: list[tuple[datetime, datetime]],
    days: list[tuple[date, date]],
) -> dict[tuple[str, int | None], list[int]]:
    """The department's main measures per school and period, one GROUP BY each:
    (measure, school id) -> counts. Notes and referrals with no school come under None."""
    n = len(datetimes)
    out: dict[tuple[str, int | None], list[int]] = {}

    def fill(measure: str, rows: Any) -> None:
        for p, school_id, value in rows:
            if p is not None and 0 <= int(p) < n:
                out.setdefault((measure, school_id), _zeros(n))[int(p)] += int(value or 0)

    filed = and_(Incident.status != IncidentStatus.DRAFT.value, Incident.voided_at.is_(None))
    incidents = _ranged(
        lambda within: select(
            _bucket(Incident.occurred_at, datetimes).label("p"),
            Incident.school_id.label("sid"),
        ).where(within, filed),
        Incident.occurred_at,
        datetimes,
    )
    fill(
        "incidents",
        session.execute(
            select(incidents.c.p, incidents.c.sid, func.count()).group_by(
                incidents.c.p, incidents.c.sid
            )
        ),
    )
    people = _ranged(
        lambda within: (
            select(
                _bucket(Incident.occurred_at, datetimes).label("p"),
                Incident.school_id.label("sid"),
                Incident.id.label("iid"),
                func.coalesce(IncidentPerson.student_id, -IncidentPerson.id).label("pk"),
                _flag(_has_outcome(OutcomeKind.ARREST)).label("arrests"),
                _flag(_has_outcome(OutcomeKind.CITATION)).label("citations"),
            )
            .select_from(Incident)
            .join(IncidentPerson, IncidentPerson.incident_id == Incident.id)
            .where(within, filed)
        ),
        Incident.occurred_at,
        datetimes,
    )
    per_person = (
        select(
            people.c.p,
            people.c.sid,
            func.max(people.c.arrests).label("arrests"),
            func.max(people.c.citations).label("citations"),
        )
        .group_by(people.c.p, people.c.sid, people.c.iid, people.c.pk)
        .subquery()
    )
    # Both measures from one pass over the people (was one GROUP BY each).
    both = session.execute(
        select(
            per_person.c.p,
            per_person.c.sid,
            func.sum(per_person.c.arrests),
            func.sum(per_person.c.citations),
        ).group_by(per_person.c.p, per_person.c.sid)
    ).all()
    fill("arrests", [(p, sid, arrests) for p, sid, arrests, _citations in both])
    fill("citations", [(p, sid, citations) for p, sid, _arrests, citations in both])
    notes = _ranged(
        lambda within: select(
            _bucket(Note.occurred_at, datetimes).label("p"),
            Note.school_id.label("sid"),
            _flag(Note.kind == ContactKind.CLASSROOM.value).label("classes"),
        ).where(within),
        Note.occurred_at,
        datetimes,
    )
    grouped = (notes.c.p, notes.c.sid)
    contacts = session.execute(
        select(*grouped, func.count(), func.sum(notes.c.classes)).group_by(*grouped)
    ).all()
    fill("contacts", [(p, sid, count) for p, sid, count, _classes in contacts])
    fill("classes", [(p, sid, classes) for p, sid, _count, classes in contacts])
    referrals = _ranged(
        lambda within: select(
            _bucket(Referral.referred_on, days).label("p"), Referral.school_id.label("sid")
        ).where(within),
        Referral.referred_on,
        days,
    )
    grouped = (referrals.c.p, referrals.c.sid)
    fill("referrals", session.execute(select(*grouped, func.count()).group_by(*grouped)))
    done = _ranged(lambda within: _done_days(within, [], days), ChecklistDoneDay.shift_date, days)
    checks = _fold_checks(
        session.execute(
            select(done.c.p, done.c.sid, done.c.kind, func.sum(done.c.done)).group_by(
                done.c.p, done.c.sid, done.c.kind
            )
        )
    )
    fill(
        "campus_checks",
        [(p, sid, value) for sid, periods in checks.items() for p, value in periods.items()],
    )
    out.update(count_calls_by_school(session, datetimes))  # services/calls.py
    return out


def _school_figures(
    session: Session, counts: dict[tuple[str, int | None], list[int]]
) -> list[SchoolFigures]:
    schools = {
        row.id: (row.code, row.name)
        for row in session.execute(select(School.id, School.code, School.name))
    }
    found = sorted(
        {school_id for _measure, school_id in counts},
        key=lambda sid: (sid is None, schools.get(sid, ("", ""))[1] if sid is not None else ""),
    )
    result = []
    for school_id in found:
        code, name = schools.get(school_id, ("-", "No school recorded"))
        values: dict[str, tuple[int, int, int]] = {}
        for measure, _label in BY_SCHOOL_MEASURES:
            this_month, previous, last_year = counts.get((measure, school_id), [0, 0, 0])
            values[measure] = (this_month, previous, last_year)
        result.append(SchoolFigures(school_code=code, school_name=name, values=values))
    return result


def count_categories(
    session: Session, scope: _Scope, start: datetime, end: datetime
) -> list[CategoryCount]:
    """Filed incidents per offense category in [start, end): an incident listing several
    categories counts once under each."""
    inner = (
        select(Incident.id.label("iid"), IncidentOffense.category_id.label("cid"))
        .join(IncidentOffense, IncidentOffense.incident_id == Incident.id)
        .where(Incident.occurred_at >= start, Incident.occurred_at < end, *_incident_scope(scope))
        .subquery()
    )
    query = (
        select(OffenseCategory.code, OffenseCategory.name, func.count(distinct(inner.c.iid)))
        .join(inner, inner.c.cid == OffenseCategory.id)
        .group_by(OffenseCategory.code, OffenseCategory.name, OffenseCategory.position)
        .order_by(OffenseCategory.position, OffenseCategory.code)
    )
    return [
        CategoryCount(code=code, name=name, incidents=int(value))
        for code, name, value in session.execute(query)
    ]


# --- the service -------------------------------------------------------------------------------


def _is_own(actor: Actor, officer_badge: str | None) -> bool:
    if actor.officer_id is None or officer_badge is None:
        return False
    try:
        return normalise_badge(officer_badge) == actor.badge
    except ValueError:
        return False


class ReportService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- shared ------------------------------------------------------------------------------

    def _header(
        self, session: Session, title: str, period_label: str, scope: _Scope
    ) -> ReportHeader:
        return ReportHeader(
            agency=store_settings.agency_name(session),
            title=title,
            period_label=period_label,
            scope_label=scope.label,
            generated_at=self.ctx.now(),
            timezone=self.ctx.tz.key,
            officer_badge=scope.officer_badge,
            officer_name=scope.officer_name,
            school_code=scope.school_code,
            school_name=scope.school_name,
        )

    def _resolve(
        self, session: Session, *, officer_badge: str | None, school_code: str | None
    ) -> _Scope:
        fields: dict[str, Any] = {}
        if officer_badge is not None:
            try:
                badge = normalise_badge(officer_badge)
            except ValueError as exc:
                raise NotFound(f"No officer with badge {officer_badge!r}", field="officer") from exc
            row = session.execute(
                select(Officer.id, Officer.badge, Officer.name).where(Officer.badge == badge)
            ).first()
            if row is None:
                raise NotFound(f"No officer with badge {badge}", field="officer")
            fields.update(officer_id=row.id, officer_badge=row.badge, officer_name=row.name)
        if school_code is not None:
            code = school_code.strip().upper()
            row = session.execute(
                select(School.id, School.code, School.name).where(School.code == code)
            ).first()
            if row is None:
                raise NotFound(f"No school with code {code!r}", field="school")
            fields.update(school_id=row.id, school_code=row.code, school_name=row.name)
        return _Scope(**fields)

    def _scope_for(
        self,
        actor: Actor,
        kind: str,
        record_id: str,
        *,
        officer_badge: str | None,
        school_code: str | None,
        own_allowed: bool = True,
    ) -> _Scope:
        """Check the actor may run this report on this scope, then resolve it.

        The check comes first, on the badge as typed, so an officer cannot learn from the
        answer which badges or schools exist."""
        own = own_allowed and _is_own(actor, officer_badge)
        if not (own or may_run_department_reports(actor)):
            asked = _Scope(
                officer_badge=(officer_badge or "").strip().upper()[:10] or None,
                school_code=(school_code or "").strip().upper()[:20] or None,
            )
            self.audit.record_alone(
                actor,
                "report.run",
                record_type=RecordType.REPORT,
                record_id=record_id,
                outcome=AuditOutcome.DENIED,
                detail=f"{kind}, {asked.audit_detail}",
            )
            if own_allowed:
                raise PermissionDenied(
                    "Officers can run reports on their own work only; department, school and "
                    "other officers' reports are for supervisors"
                )
            raise PermissionDenied("Department statistics are for supervisors")
        with self.ctx.db.read() as session:
            scope = self._resolve(session, officer_badge=officer_badge, school_code=school_code)
        if own and scope.officer_id != actor.officer_id and not may_run_department_reports(actor):
            raise PermissionDenied("Officers can run reports on their own work only")
        return scope

    def _audit_run(self, actor: Actor, kind: str, record_id: str, scope: _Scope) -> None:
        self.audit.record_alone(
            actor,
            "report.run",
            record_type=RecordType.REPORT,
            record_id=record_id,
            detail=f"{kind}, {scope.audit_detail}",
        )

    # -- daily -------------------------------------------------------------------------------

    def daily(self, actor: Actor, *, officer_badge: str | None = None, day: date) -> DailyReport:
        """One officer's day in time order: checklist items, incidents, notes (confidential
        ones only as existing), referrals made or moved. Student names are never shown: the
        report is for handing over (WIC 827), so in the free text (note topics and text,
        checklist notes, skip reasons and one-off items, referral notes) every juvenile on the
        roster is replaced by [JUVENILE n] (domain.redaction; n from 1, the same all day)."""
        if officer_badge is None:
            if actor.officer_id is None:
                raise SroError("Say whose day: give an officer's badge", field="officer")
            officer_badge = actor.badge
        record_id = f"daily:{day.isoformat()}"
        scope = self._scope_for(
            actor, "daily", record_id, officer_badge=officer_badge, school_code=None
        )
        assert scope.officer_id is not None
        period = Period.days(day, date.fromordinal(day.toordinal() + 1), self.ctx.tz, "")
        with self.ctx.db.read() as session:
            note_people: dict[int, list[int]] = {}  # id(entry) -> its students' ids
            entries = [
                *self._daily_checklist(session, scope.officer_id, day),
                *self._daily_incidents(session, scope.officer_id, period),
                *self._daily_notes(session, scope.officer_id, period, note_people),
                *self._daily_referrals(session, scope.officer_id, day),
            ]
            # Only the students whose names appear in the day's text (a few words, not the
            # whole roster's index: `sro report daily` is a new process every time).
            texts = [text for e in entries for text in (e.title, e.detail)]
            redaction = RedactionRun(roster_index(session, texts=texts), redact_all=True)
            header = self._header(session, "Daily shift report", day.strftime("%A %d %B %Y"), scope)
        # Timed entries first in time order; then what is still pending, in checklist order.
        ordered = sorted(
            enumerate(entries),
            key=lambda pair: (pair[1].at is None, pair[1].at or period.start_utc, pair[0]),
        )
        # Juveniles numbered as the report reads, top to bottom.
        ordered = [(n, _redacted(e, redaction, note_people)) for n, e in ordered]
        checklist = [e for e in entries if e.kind == "checklist"]
        report = DailyReport(
            header=header,
            day=day,
            entries=tuple(e for _, e in ordered),
            checklist_done=sum(e.status == ChecklistStatus.DONE.value for e in checklist),
            checklist_skipped=sum(e.status == ChecklistStatus.SKIPPED.value for e in checklist),
            checklist_pending=sum(e.status == ChecklistStatus.PENDING.value for e in checklist),
        )
        self._audit_run(actor, "daily", record_id, scope)
        return report

    def _daily_checklist(self, session: Session, officer_id: int, day: date) -> list[DailyEntry]:
        rows = session.execute(
            select(ChecklistItem, School.code)
            .join(Shift, Shift.id == ChecklistItem.shift_id)
            .join(School, School.id == Shift.school_id)
            .where(Shift.officer_id == officer_id, Shift.shift_date == day)
            .order_by(School.code, ChecklistItem.position, ChecklistItem.id)
        )
        entries = []
        for item, code in rows:
            details = []
            if item.status == ChecklistStatus.SKIPPED.value and item.skip_reason:
                details.append(f"Skipped: {item.skip_reason}")
            if item.note:
                details.append(item.note)
            pending = item.status == ChecklistStatus.PENDING.value
            entries.append(
                DailyEntry(
                    at=None if pending else item.status_at,
                    kind="checklist",
                    school_code=code,
                    title=item.label,
                    status=item.status,
                    detail=" | ".join(details),
                )
            )
        return entries

    def _daily_incidents(
        self, session: Session, officer_id: int, period: Period
    ) -> list[DailyEntry]:
        rows = session.execute(
            select(
                Incident.id,
                Incident.number,
                Incident.status,
                Incident.occurred_at,
                School.code,
                Location.name,
            )
            .join(School, School.id == Incident.school_id)
            .join(Location, Location.id == Incident.location_id)
            .where(
                Incident.officer_id == officer_id,
                Incident.voided_at.is_(None),
                incident_unsealed(),
                Incident.occurred_at >= period.start_utc,
                Incident.occurred_at < period.end_utc,
            )
            .order_by(Incident.occurred_at, Incident.id)
        ).all()
        ids = [r.id for r in rows]
        if not ids:
            return []
        categories: dict[int, list[tuple[bool, str]]] = defaultdict(list)
        for incident_id, most_severe, name in session.execute(
            select(IncidentOffense.incident_id, IncidentOffense.most_severe, OffenseCategory.name)
            .join(OffenseCategory, OffenseCategory.id == IncidentOffense.category_id)
            .where(IncidentOffense.incident_id.in_(ids))
            .order_by(IncidentOffense.id)
        ):
            categories[incident_id].append((bool(most_severe), name))
        people: dict[int, set[int]] = defaultdict(set)
        outcomes: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        known = {kind.value for kind in OutcomeKind}
        for incident_id, person_id, value in session.execute(
            select(IncidentPerson.incident_id, IncidentPerson.id, IncidentPersonOutcome.outcome)
            .outerjoin(IncidentPersonOutcome, IncidentPersonOutcome.person_id == IncidentPerson.id)
            .where(IncidentPerson.incident_id.in_(ids))
            .order_by(IncidentPerson.id, IncidentPersonOutcome.position)
        ):
            people[incident_id].add(person_id)
            if value in known:
                outcomes[incident_id][value] += 1
        entries = []
        for row in rows:
            cats = categories.get(row.id, [])
            top = next((name for severe, name in cats if severe), cats[0][1] if cats else "")
            more = f" (+{len(cats) - 1} more)" if len(cats) > 1 else ""
            involved = len(people.get(row.id, ()))
            detail = [
                f"At {row.name}",
                f"{involved} {'person' if involved == 1 else 'people'} involved",
            ]
            if outcomes.get(row.id):
                detail.append(
                    "Outcomes: " + ", ".join(f"{v} {k}" for k, v in outcomes[row.id].items())
                )
            entries.append(
                DailyEntry(
                    at=row.occurred_at,
                    kind="incident",
                    school_code=row.code,
                    title=f"Incident {row.number}" + (f": {top}{more}" if top else ""),
                    status=row.status,
                    detail="; ".join(detail),
                )
            )
        return entries

    def _daily_notes(
        self,
        session: Session,
        officer_id: int,
        period: Period,
        note_people: dict[int, list[int]],
    ) -> list[DailyEntry]:
        student_count = (
            select(func.count())
            .where(NoteStudent.note_id == Note.id)
            .correlate(Note)
            .scalar_subquery()
        )
        rows = session.execute(
            select(Note, School.code, student_count.label("students"))
            .outerjoin(School, School.id == Note.school_id)
            .where(
                Note.officer_id == officer_id,
                Note.occurred_at >= period.start_utc,
                Note.occurred_at < period.end_utc,
                note_unsealed(),  # a sealed record is listed nowhere (counted in statistics)
            )
            .order_by(Note.occurred_at, Note.id)
        ).all()
        # Each note's students: their names alone are redacted in its text in any case.
        note_students: dict[int, list[int]] = defaultdict(list)
        for note_id, student_id in session.execute(
            select(NoteStudent.note_id, NoteStudent.student_id).where(
                NoteStudent.note_id.in_([row[0].id for row in rows])
            )
        ):
            note_students[note_id].append(student_id)
        entries = []
        for note, code, students in rows:
            kind = note.kind
            if note.confidential:
                entries.append(
                    DailyEntry(
                        at=note.occurred_at,
                        kind="note",
                        school_code=code or "",
                        title=f"Confidential {kind} note",
                        detail="Content withheld (confidential)",
                        confidential=True,
                    )
                )
                continue
            title = kind[:1].upper() + kind[1:]
            facts = []
            if note.minutes:
                facts.append(f"{note.minutes} min")
            if students:
                facts.append(f"{students} student{'s' if students != 1 else ''}")
            if note.with_parent:
                facts.append("parent present")
            if note.with_staff:
                facts.append("staff present")
            if note.class_name:
                facts.append(f"class {note.class_name}")
            if note.lecture_topic:
                facts.append(f"topic {note.lecture_topic}")
            if note.head_count is not None:
                facts.append(f"head count {note.head_count}")
            if note.agency:
                facts.append(f"agency {note.agency}")
            if note.topics:
                facts.append(f"topics: {note.topics}")
            detail = "; ".join(facts)
            if note.text:
                detail = f"{detail}\n{note.text}" if detail else note.text
            entry = DailyEntry(
                at=note.occurred_at,
                kind="note",
                school_code=code or "",
                title=title,
                detail=detail,
            )
            note_people[id(entry)] = note_students[note.id]
            entries.append(entry)
        return entries

    def _daily_referrals(self, session: Session, officer_id: int, day: date) -> list[DailyEntry]:
        entries = []
        made = session.execute(
            select(Referral.created_at, Referral.status, ReferralProgram.name, School.code)
            .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
            .outerjoin(School, School.id == Referral.school_id)
            .where(
                Referral.referred_by_id == officer_id,
                Referral.referred_on == day,
                referral_unsealed(),
            )
            .order_by(Referral.created_at, Referral.id)
        )
        for created_at, status, program, code in made:
            same_day = self.ctx.local_day(created_at) == day
            entries.append(
                DailyEntry(
                    at=created_at if same_day else None,
                    kind="referral",
                    school_code=code or "",
                    title=f"Referral made: {program}",
                    status=status,
                )
            )
        moved = session.execute(
            select(ReferralEvent, ReferralProgram.name, School.code)
            .join(Referral, Referral.id == ReferralEvent.referral_id)
            .join(ReferralProgram, ReferralProgram.id == Referral.program_id)
            .outerjoin(School, School.id == Referral.school_id)
            .where(
                ReferralEvent.by_id == officer_id,
                ReferralEvent.on == day,
                ReferralEvent.from_status.is_not(None),
                referral_unsealed(),
            )
            .order_by(ReferralEvent.at, ReferralEvent.id)
        )
        for event, program, code in moved:
            entries.append(
                DailyEntry(
                    at=event.at if self.ctx.local_day(event.at) == day else None,
                    kind="referral",
                    school_code=code or "",
                    title=f"Referral moved: {program}",
                    status=event.to_status,
                    detail=f"{event.from_status} -> {event.to_status}"
                    + (f"; {event.note}" if event.note else ""),
                )
            )
        return entries

    # -- monthly -----------------------------------------------------------------------------

    def monthly(
        self,
        actor: Actor,
        *,
        month: str,
        school_code: str | None = None,
        officer_badge: str | None = None,
    ) -> MonthlyReport:
        """The monthly activity report (the SRO triad), for one school, one officer, both, or
        the department; each figure beside the month before and the same month last year."""
        try:
            year, number = parse_month(month)
        except ValueError as exc:
            raise SroError(str(exc), field="month") from exc
        key = month_key(year, number)
        record_id = f"monthly:{key}"
        scope = self._scope_for(
            actor, "monthly", record_id, officer_badge=officer_badge, school_code=school_code
        )
        tz = self.ctx.tz
        periods = [
            Period.month(year, number, tz),
            Period.month(*add_months(year, number, -1), tz),
            Period.month(year - 1, number, tz),
        ]
        moments = [(p.start_utc, p.end_utc) for p in periods]
        days = [(p.start, p.end) for p in periods]
        with self.ctx.db.read() as session:
            counts: Counts = {}
            counts.update(count_incidents(session, scope, moments))
            counts.update(count_outcomes(session, scope, moments))
            counts.update(count_federal(session, scope, moments))
            counts.update(count_offenses(session, scope, moments))
            counts.update(count_campus_checks(session, scope, days))
            counts.update(count_notes(session, scope, moments))
            counts.update(count_referrals(session, scope, days))
            counts.update(  # services/calls.py: calls for service, trespass warnings
                count_campus_security(
                    session, moments, school_id=scope.school_id, officer_id=scope.officer_id
                )
            )
            counts.update(  # services/threats.py: threat assessment cases opened, closed
                count_threat_cases(
                    session, moments, school_id=scope.school_id, officer_id=scope.officer_id
                )
            )
            programs = session.execute(
                select(ReferralProgram.id, ReferralProgram.name, ReferralProgram.active).order_by(
                    ReferralProgram.position, ReferralProgram.id
                )
            ).all()
            header = self._header(session, "Monthly activity report", periods[0].label, scope)
            by_school: list[SchoolFigures] = []
            if scope.school_id is None and scope.officer_id is None:
                by_school = _school_figures(session, count_by_school(session, moments, days))
        figures = _monthly_figures(counts, programs)
        report = MonthlyReport(
            header=header,
            month=key,
            period=periods[0],
            previous=periods[1],
            last_year=periods[2],
            figures=tuple(figures),
            by_school=tuple(by_school),
            notes=MONTHLY_NOTES,
        )
        self._audit_run(actor, "monthly", record_id, scope)
        return report

    # -- school year -------------------------------------------------------------------------

    def _school_year(self, school_year: str | None) -> int:
        if school_year is None:
            school_year = school_year_for_day(self.ctx.today())
        try:
            return parse_school_year(school_year)
        except ValueError as exc:
            raise SroError(str(exc), field="school_year") from exc

    def year_to_date(
        self,
        actor: Actor,
        *,
        school_year: str | None = None,
        school_code: str | None = None,
        officer_badge: str | None = None,
    ) -> YtdReport:
        """Counts by month (July to June) and by category for a school year (default: the
        current one), with the federal counts for the same year."""
        start_year = self._school_year(school_year)
        label = school_year_label(start_year)
        record_id = f"ytd:{label}"
        scope = self._scope_for(
            actor, "ytd", record_id, officer_badge=officer_badge, school_code=school_code
        )
        tz = self.ctx.tz
        months = [Period.month(y, m, tz) for y, m in school_year_months(start_year)]
        year = Period.days(months[0].start, months[-1].end, tz, f"School year {label}")
        moments = [(p.start_utc, p.end_utc) for p in months]
        days = [(p.start, p.end) for p in months]
        with self.ctx.db.read() as session:
            counts: Counts = {}
            counts.update(count_incidents(session, scope, moments))
            counts.update(count_outcomes(session, scope, moments))
            counts.update(count_notes(session, scope, moments))
            counts.update(count_referrals(session, scope, days))
            counts.update(count_campus_checks(session, scope, days))
            counts.update(  # services/calls.py: calls for service, trespass warnings
                count_campus_security(
                    session, moments, school_id=scope.school_id, officer_id=scope.officer_id
                )
            )
            categories = count_categories(session, scope, year.start_utc, year.end_utc)
            federal = self._federal_counts(session, scope, start_year)
            header = self._header(session, "Year to date", year.label, scope)
        rows = tuple(
            YtdMonth(
                month=month_key(p.start.year, p.start.month),
                label=p.start.strftime("%b %Y"),
                incidents=counts["incidents"][i],
                arrests=counts["arrests"][i],
                citations=counts["citations"][i],
                contacts=counts["contacts"][i],
                referrals=counts["referrals"][i],
                campus_checks=counts["campus_checks"][i],
                calls=counts["calls"][i],
                warnings=counts["trespass_warnings"][i],
            )
            for i, p in enumerate(months)
        )
        report = YtdReport(
            header=header,
            school_year=label,
            period=year,
            months=rows,
            categories=tuple(categories),
            federal=federal,
            notes=MONTHLY_NOTES[:2] + FEDERAL_NOTES,
        )
        self._audit_run(actor, "ytd", record_id, scope)
        return report

    def _federal_counts(self, session: Session, scope: _Scope, start_year: int) -> FederalCounts:
        """The federal counts of a school year's regular session (August to June)."""
        months = regular_school_year_months(start_year)
        first = Period.month(*months[0], self.ctx.tz)
        last = Period.month(*months[-1], self.ctx.tz)
        ranges = [(first.start_utc, last.end_utc)]
        students = count_federal(session, scope, ranges)
        offenses = count_offenses(session, scope, ranges)
        by_weapon = tuple(
            WeaponCount(weapon=w, incidents=offenses[f"weapon:{w.value}"][0])
            for w in WeaponType
            if w is not WeaponType.NONE
        )
        return FederalCounts(
            school_year=school_year_label(start_year),
            school_code=scope.school_code,
            referrals_to_law_enforcement=students["crdc_referred"][0],
            school_related_arrests=students["crdc_arrests"][0],
            initiator_not_recorded=students["crdc_unknown"][0],
            gfsa_students=students["gfsa"][0],
            gfsa_by_weapon=tuple(
                GfsaCount(weapon=w, students=students[f"gfsa:{w.value}"][0]) for w in GFSA_WEAPONS
            ),
            incidents_by_weapon=by_weapon,
            notes=FEDERAL_NOTES,
        )

    def federal(
        self, actor: Actor, *, school_year: str | None = None, school_code: str | None = None
    ) -> FederalCounts:
        """CRDC referrals to law enforcement and school-related arrests, and Gun-Free Schools
        Act students, for a school year's regular session (department statistics:
        supervisors)."""
        start_year = self._school_year(school_year)
        label = school_year_label(start_year)
        record_id = f"federal:{label}"
        scope = self._scope_for(
            actor,
            "federal",
            record_id,
            officer_badge=None,
            school_code=school_code,
            own_allowed=False,
        )
        with self.ctx.db.read() as session:
            counts = self._federal_counts(session, scope, start_year)
            header = self._header(session, "Federal counts", f"School year {label}", scope)
            counts = counts.model_copy(update={"header": header})
        self._audit_run(actor, "federal", record_id, scope)
        return counts


def _monthly_figures(counts: Counts, programs: Sequence[Any]) -> list[Figure]:
    figures: list[Figure] = []

    def add(section: Section, measure: str, key: str | None, note: str = "") -> None:
        values = counts.get(key, [0, 0, 0]) if key else [0, 0, 0]
        figures.append(
            Figure(
                section=section.value,
                measure=measure,
                current=values[0],
                previous=values[1],
                last_year=values[2],
                note=note,
            )
        )

    law = Section.LAW_ENFORCEMENT
    # Filed reports with such an outcome (calls logged as their own entries: CALL_FIGURES).
    add(law, "Calls: reports handled by school", "h_calls")
    add(law, "Calls: reports resolved by officer", "r_calls")
    add(law, "Reports (incidents filed)", "incidents")
    add(law, "Arrests (once per person per incident)", "arrests")
    add(law, "Citations", "citations")
    add(law, "Juvenile petitions", "petitions")
    add(law, "Diversion referrals", "diversions")
    add(law, "Use of force", None, NOT_RECORDED)
    add(law, "Trespass contacts", "trespass")
    for measure, key in CALL_FIGURES:  # services/calls.py: calls, trespass warnings
        add(law, measure, key)
    for measure, key in THREAT_FIGURES:  # services/threats.py
        add(law, measure, key)
    add(law, "Campus checks (security checks done)", "campus_checks")

    counselor = Section.COUNSELOR
    add(counselor, "Advisory sessions with students", "with_students")
    add(counselor, "Advisory sessions with parents", "with_parents")
    add(counselor, "Advisory sessions with staff", "with_staff")
    add(counselor, "Mediations", "mediations")
    add(counselor, "Liaison contacts with agencies", "liaison")

    for program_id, name, active in programs:
        key = f"program:{program_id}"
        if active or any(counts.get(key, [0])):
            add(Section.REFERRALS_BY_PROGRAM, name, key)
    add(Section.REFERRALS_BY_PROGRAM, "All referrals made", "referrals")
    for status in MOVED_STATUSES:
        add(Section.REFERRALS_BY_STATUS, status.value, f"status:{status.value}")

    educator = Section.EDUCATOR
    add(educator, "Classes taught", "classes")
    add(educator, "Students reached (head count)", "students_reached")
    add(educator, "Staff trainings", "trainings")
    add(educator, "Staff trained (attendees)", "staff_trained")
    add(educator, "Events", None, NOT_RECORDED)

    federal = Section.FEDERAL
    add(federal, CRDC_REFERRED, "crdc_referred")
    add(federal, CRDC_ARRESTED, "crdc_arrests")
    add(federal, CRDC_UNKNOWN, "crdc_unknown")
    add(federal, GFSA_STUDENTS, "gfsa")
    for weapon in GFSA_WEAPONS:
        add(federal, f"GFSA students: {weapon.value}", f"gfsa:{weapon.value}")
    for weapon in WeaponType:
        if weapon is not WeaponType.NONE:
            add(federal, f"Incidents with a weapon: {weapon.value}", f"weapon:{weapon.value}")
    return figures


def _redacted(
    entry: DailyEntry, redaction: RedactionRun, note_people: dict[int, list[int]]
) -> DailyEntry:
    """The entry with juveniles' names replaced in what was typed (a note's students' names
    alone in any case, as they are its context; incidents show no typed text). A note's
    student whose name is nowhere in the day's text is not in ``redaction``'s roster: there
    is nothing to replace."""
    if entry.kind not in {"checklist", "referral", "note"} or entry.confidential:
        return entry
    names = redaction.roster.names
    people = [
        RedactionPerson(key=sid, student_id=sid, first_name=names[sid][0], last_name=names[sid][1])
        for sid in note_people.get(id(entry), [])
        if sid in names
    ]
    redactor = redaction.record(people)
    redactor.prime([entry.detail])
    return entry.model_copy(
        update={"title": redactor.text(entry.title), "detail": redactor.text(entry.detail)}
    )
