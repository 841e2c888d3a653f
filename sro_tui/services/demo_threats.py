"""The demo department's threat assessment cases (services/demo.py calls :func:`seed_threats`
after the campus records, so everything seeded before keeps its random draws): three cases led
by badge 1001, opened from its THREAT or BOMB-THREAT reports where it has them:

- one in triage, with the team's assessment meeting due today (on 1001's Today);
- one under a safety plan (substantive), with a second officer on the team, a follow-up done
  and the next one due in a few days;
- one closed as transient after triage.

All three are confidential: only their team (and supervisors, by the agency's policy) read
them."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from ..domain.threats import THREAT_CATEGORY_CODES, ThreatLevel, ThreatStage
from ..store.models import (
    Incident,
    IncidentOffense,
    OffenseCategory,
    ThreatCase,
    ThreatCaseEvent,
    ThreatCaseMember,
    ThreatFollowUp,
)

if TYPE_CHECKING:
    from .demo import _Builder

LEAD = "1001"
SECOND = "1002"

# (summary, stage, level, moves: (days after reported, to stage, note), follow-ups:
# (days after reported or None: due today, what, done))
CASES: tuple[
    tuple[
        str,
        ThreatStage,
        ThreatLevel,
        tuple[tuple[int, ThreatStage, str], ...],
        tuple[tuple[int | None, str, bool], ...],
    ],
    ...,
] = (
    (
        "Said in PE he would bring a gun to the game on Friday; two classmates reported it",
        ThreatStage.TRIAGE,
        ThreatLevel.UNSET,
        ((0, ThreatStage.TRIAGE, "Student interviewed with the assistant principal"),),
        (
            (0, "Triage the reported threat with the team", True),
            (None, "Team assessment meeting with the counselor and the assistant principal", False),
        ),
    ),
    (
        "Posted a photo of a knife with the caption 'tomorrow' in a class group chat",
        ThreatStage.SAFETY_PLAN,
        ThreatLevel.SUBSTANTIVE,
        (
            (0, ThreatStage.TRIAGE, "Parents contacted; no access to weapons at home reported"),
            (2, ThreatStage.ASSESSMENT, "Team met: counselor, school psychologist, SRO"),
            (
                5,
                ThreatStage.SAFETY_PLAN,
                "Daily check-in with the counselor; backpack check on arrival; "
                "no contact with the two students named",
            ),
        ),
        (
            (0, "Triage the reported threat with the team", True),
            (7, "Review the safety plan with the student and a parent", True),
            (-1, "Check in with the counselor on the safety plan", False),
        ),
    ),
    (
        "Told a teacher 'I'll make you pay' after a failing grade",
        ThreatStage.CLOSED,
        ThreatLevel.TRANSIENT,
        (
            (0, ThreatStage.TRIAGE, "Said in anger; apologised the same day"),
            (1, ThreatStage.CLOSED, "Transient: resolved with a restorative meeting"),
        ),
        ((0, "Triage the reported threat with the team", True),),
    ),
)
UPCOMING_DAYS = 4  # the safety-plan case's next follow-up: this many days from today


def seed_threats(b: _Builder) -> None:
    lead = next((o for o in b.field_officers if o.badge == LEAD), None)
    if lead is None:
        return
    second = next((o for o in b.field_officers if o.badge == SECOND), None)
    members: list[dict[str, Any]] = []
    events: list[dict[str, Any]] = []
    follow_ups: list[dict[str, Any]] = []
    for n, (plan, (incident_id, day, student_id, school_id)) in enumerate(
        zip(CASES, _reports(b, lead.id), strict=False)
    ):
        summary, stage, level, moves, dues = plan
        opened_at = b.past(b.at(day, 600))
        last = opened_at
        rows: list[dict[str, Any]] = [
            _event(opened_at, None, ThreatStage.REPORTED, ThreatLevel.UNSET, lead.id, "")
        ]
        previous = ThreatStage.REPORTED
        for i, (after, to_stage, note) in enumerate(moves):
            moved = b.past(b.at(min(day + timedelta(days=after), b.today), 630 + 45 * i), last)
            judged = ThreatLevel.UNSET if to_stage is ThreatStage.TRIAGE else level
            rows.append(_event(moved, previous, to_stage, judged, lead.id, note))
            previous, last = to_stage, moved
        case_id = b._insert_returning(
            ThreatCase,
            [
                {
                    "student_id": student_id,
                    "school_id": school_id,
                    "incident_id": incident_id,
                    "summary": summary,
                    "stage": stage.value,
                    "level": level.value,
                    "confidential": True,
                    "lead_id": lead.id,
                    "reported_on": day,
                    "opened_at": opened_at,
                    "closed_at": last if stage is ThreatStage.CLOSED else None,
                    "updated_at": last,
                    "version": 1 + len(moves),
                }
            ],
        )[0]
        team = [lead.id] + ([second.id] if second is not None and n == 1 else [])
        members += [{"case_id": case_id, "officer_id": oid} for oid in team]
        events += [{**row, "case_id": case_id} for row in rows]
        for due_after, what, done in dues:
            if due_after is None:
                due = b.today
            elif due_after < 0:
                due = b.today + timedelta(days=UPCOMING_DAYS)
            else:
                due = min(day + timedelta(days=due_after), b.today)
            done_at = b.past(b.at(due, 900), opened_at) if done else None
            follow_ups.append(
                {
                    "case_id": case_id,
                    "officer_id": lead.id,
                    "due_on": due,
                    "what": what,
                    "done_at": done_at,
                    "done_note": "Done" if done else "",
                    "created_at": opened_at,
                }
            )
    b._insert(ThreatCaseMember, members)
    b._insert(ThreatCaseEvent, events)
    b._insert(ThreatFollowUp, follow_ups)


def _event(
    at: datetime,
    from_stage: ThreatStage | None,
    to_stage: ThreatStage,
    level: ThreatLevel,
    by_id: int,
    note: str,
) -> dict[str, Any]:
    return {
        "from_stage": from_stage.value if from_stage is not None else None,
        "to_stage": to_stage.value,
        "level": level.value,
        "at": at,
        "by_id": by_id,
        "note": note,
    }


def _reports(b: _Builder, officer_id: int) -> list[tuple[int | None, date, int, int]]:
    """(incident, day, student, school) for the lead's cases, newest first: its threat
    reports with a student, else (too few) students of its latest reports, without a
    report linked."""
    threat_ids = set(
        b.session.scalars(
            select(IncidentOffense.incident_id)
            .join(OffenseCategory, OffenseCategory.id == IncidentOffense.category_id)
            .where(OffenseCategory.code.in_(THREAT_CATEGORY_CODES))
        )
    )
    suspects = sorted(b.incident_suspects.get(officer_id, []), key=lambda r: r[1], reverse=True)
    seen: set[int] = set()
    threats: list[tuple[int, date, int]] = []
    others: list[tuple[int, date, int]] = []
    for incident_id, day, student_id in suspects:
        if student_id in seen:
            continue
        seen.add(student_id)
        (threats if incident_id in threat_ids else others).append((incident_id, day, student_id))
    picks = (threats + others)[: len(CASES)]
    found = select(Incident.id, Incident.school_id).where(Incident.id.in_([p[0] for p in picks]))
    schools = {r.id: r.school_id for r in b.session.execute(found)}
    return sorted(
        (
            (incident_id if incident_id in threat_ids else None, day, student, schools[incident_id])
            for incident_id, day, student in picks
        ),
        key=lambda r: r[1],
        reverse=True,
    )
