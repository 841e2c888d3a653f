"""Threat assessment cases (California EC 49393 and the behavioural threat assessment practice
a district's team follows): a reported threat goes through triage and, when it is not
resolved there, a team assessment, a safety plan and dated follow-ups until the team closes
the case. No SQL here.

Stages (the move rules are :data:`THREAT_TRANSITIONS`, as domain/workflow.py does for
incidents and referrals)::

    reported -> triage -> assessment -> safety plan -> monitoring -> closed
                  |           |              |
                  +-----------+--------------+---------------------> closed

A case can close at any stage (a transient threat resolved at triage is the common end); a
case being monitored can go back to a (revised) safety plan. A closed case is final.

Who reads a case (:func:`may_read_case`, the SQL form is services/threats.py
``case_readable``): a case is confidential by default. A confidential case is read only by
its team: the officer who leads it and the officers added to it, and by supervisors when the
agency lets supervisors read confidential records (``supervisors_read_confidential``, as for
confidential mentoring notes). Others do not learn that it exists (lists, search, the
student's timeline and exports leave it out; aggregate counts in the monthly report include
it, without names). A case the lead marks not confidential is read as a referral is: its
team, the officers of its school and supervisors. A case of a student whose records are
sealed is read by nobody.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import Field, model_validator

from .base import ReadSchema, Schema
from .text import Text

THREAT_CATEGORY_CODES = frozenset({"THREAT", "BOMB-THREAT"})
"""Incident categories a case is opened from (the incident screen's key shows for these)."""


class ThreatStage(StrEnum):
    REPORTED = "reported"
    TRIAGE = "triage"
    ASSESSMENT = "assessment"
    SAFETY_PLAN = "safety plan"
    MONITORING = "monitoring"
    CLOSED = "closed"


class ThreatLevel(StrEnum):
    """The team's judgement of the threat (blank until triage says)."""

    UNSET = ""
    TRANSIENT = "transient"
    """Not a serious threat: an expression of anger or a joke, resolved quickly."""
    SUBSTANTIVE = "substantive"
    """A serious intent to harm: a full assessment and a safety plan follow."""
    HIGH = "high"
    """Substantive and imminent or very serious: the team acts at once."""


THREAT_TRANSITIONS: dict[ThreatStage, frozenset[ThreatStage]] = {
    ThreatStage.REPORTED: frozenset({ThreatStage.TRIAGE, ThreatStage.CLOSED}),
    ThreatStage.TRIAGE: frozenset({ThreatStage.ASSESSMENT, ThreatStage.CLOSED}),
    ThreatStage.ASSESSMENT: frozenset({ThreatStage.SAFETY_PLAN, ThreatStage.CLOSED}),
    ThreatStage.SAFETY_PLAN: frozenset({ThreatStage.MONITORING, ThreatStage.CLOSED}),
    ThreatStage.MONITORING: frozenset({ThreatStage.SAFETY_PLAN, ThreatStage.CLOSED}),
    ThreatStage.CLOSED: frozenset(),
}

THREAT_PATH = (
    ThreatStage.REPORTED,
    ThreatStage.TRIAGE,
    ThreatStage.ASSESSMENT,
    ThreatStage.SAFETY_PLAN,
    ThreatStage.MONITORING,
    ThreatStage.CLOSED,
)
"""The "next stage" key walks this path."""

NOTE_REQUIRED = frozenset({ThreatStage.SAFETY_PLAN, ThreatStage.CLOSED})
"""Moving into these stages needs a note: the safety plan itself, or why the case closes."""


def next_threat_stage(current: ThreatStage) -> ThreatStage | None:
    if current is ThreatStage.CLOSED:
        return None
    return THREAT_PATH[THREAT_PATH.index(current) + 1]


def threat_move_problem(current: ThreatStage, target: ThreatStage, note: str) -> str | None:
    """Why a case cannot move from ``current`` to ``target`` (with ``note``), or None."""
    if target not in THREAT_TRANSITIONS[current]:
        if not THREAT_TRANSITIONS[current]:
            return "This case is closed; it cannot change any more"
        allowed = ", ".join(s.value for s in THREAT_PATH if s in THREAT_TRANSITIONS[current])
        return f"A case in {current.value} can move only to: {allowed}"
    if target in NOTE_REQUIRED and not note.strip():
        if target is ThreatStage.SAFETY_PLAN:
            return "Write the safety plan in the note"
        return "Say why the case closes in the note"
    return None


def may_read_case(
    *,
    officer_id: int | None,
    is_supervisor: bool,
    school_ids: frozenset[int] | tuple[int, ...],
    team: frozenset[int],
    confidential: bool,
    school_id: int | None,
    supervisors_read_confidential: bool,
) -> bool:
    """The module's read rule in Python (services/threats.py ``case_readable`` is its SQL)."""
    if officer_id is not None and officer_id in team:
        return True
    if confidential:
        return is_supervisor and supervisors_read_confidential
    return is_supervisor or (school_id is not None and school_id in school_ids)


class ThreatCaseCreate(Schema):
    student_id: int = Field(ge=1, title="Student")
    incident_id: int | None = Field(default=None, ge=1, title="Incident")
    summary: Text = Field(title="The threat reported")
    reported_on: date | None = Field(default=None, title="Reported on")
    confidential: bool = Field(default=True, title="Confidential")
    first_follow_up_on: date | None = Field(default=None, title="First follow-up")

    @model_validator(mode="after")
    def _rules(self) -> ThreatCaseCreate:
        if not self.summary.strip():
            raise ValueError("Say what threat was reported")
        return self


class ThreatMove(Schema):
    to_stage: ThreatStage = Field(title="Stage")
    note: Text = Field(default="", title="Note")
    level: ThreatLevel | None = Field(default=None, title="Level")
    """The team's judgement, if it changes with this move."""


class FollowUpCreate(Schema):
    due_on: date = Field(title="Due on")
    what: Text = Field(title="What to do")
    officer_id: int | None = Field(default=None, ge=1, title="Officer")
    """Whose follow-up it is (default: the case's lead)."""

    @model_validator(mode="after")
    def _rules(self) -> FollowUpCreate:
        if not self.what.strip():
            raise ValueError("Say what the follow-up is")
        if self.due_on.year < 1900:
            raise ValueError("Due on is out of range (check the year)")
        return self


class ThreatEventRead(ReadSchema):
    from_stage: ThreatStage | None
    to_stage: ThreatStage
    at: datetime
    by_name: str
    note: str
    level: ThreatLevel


class FollowUpRead(ReadSchema):
    id: int
    case_id: int
    due_on: date
    what: str
    officer_id: int
    officer_name: str
    done_at: datetime | None = None
    done_note: str = ""
    student_name: str = ""
    """The case's student (for Today's line)."""

    def overdue(self, today: date) -> bool:
        return self.done_at is None and self.due_on < today


class ThreatLinkRead(ReadSchema):
    kind: str
    """``referral`` or ``note``."""
    record_id: int
    title: str


class ThreatCaseRead(ReadSchema):
    id: int
    student_id: int
    student_name: str
    school_id: int | None
    school_code: str
    incident_id: int | None
    incident_number: str
    summary: str
    stage: ThreatStage
    level: ThreatLevel
    confidential: bool
    lead_id: int
    lead_name: str
    opened_at: datetime
    reported_on: date
    closed_at: datetime | None
    team: tuple[tuple[int, str], ...] = ()
    """(officer id, name) of every team member, the lead first."""
    events: tuple[ThreatEventRead, ...] = ()
    follow_ups: tuple[FollowUpRead, ...] = ()
    links: tuple[ThreatLinkRead, ...] = ()
    version: int = 1

    @property
    def is_open(self) -> bool:
        return self.stage is not ThreatStage.CLOSED

    def next_follow_up(self) -> FollowUpRead | None:
        pending = [f for f in self.follow_ups if f.done_at is None]
        return min(pending, key=lambda f: (f.due_on, f.id)) if pending else None


class ThreatCaseLine(ReadSchema):
    """A case as lists show it."""

    id: int
    student_id: int
    student_name: str
    school_code: str
    stage: ThreatStage
    level: ThreatLevel
    lead_name: str
    opened_at: datetime
    next_due_on: date | None = None
    incident_number: str = ""
