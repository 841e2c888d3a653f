"""TodayService: what waits for an officer, in one typed call (every backend)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from sro_tui.domain.drafts import DraftRead, DraftSave
from sro_tui.domain.incidents import IncidentCreate, IncidentRead, OffenseIn, ReviewDecision
from sro_tui.domain.mentoring import NoteCreate, NoteRead
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.referrals import ReferralCreate, ReferralRead
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.today import TODAY_ROWS, TodaySummary
from sro_tui.services.registry import Services

from .conftest import Clock, make_officer


@dataclass(frozen=True)
class Day:
    incident: IncidentRead
    draft: DraftRead
    referral: ReferralRead
    note: NoteRead


def fill_day(services: Services, actor: Actor, clock: Clock) -> Day:
    """An incident, a draft, a referral follow-up overdue, a mentoring follow-up today."""
    vhs = services.reference.school_by_code("VHS")
    incident = services.incidents.create(
        actor,
        IncidentCreate(
            school_id=vhs.id,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="PARKING",
            offenses=[OffenseIn(category_code=services.reference.categories()[0].code)],
            narrative="Adult in the lot without a visitor pass.",
        ),
    )
    draft = services.drafts.save(
        actor, DraftSave(form="incident", title="Incident: fight by the gym", payload={"a": 1})
    )
    student = services.students.create(
        actor,
        StudentCreate(district_id="S-1001", first_name="Ana", last_name="Ruiz", school_id=vhs.id),
    )
    today = clock.now.astimezone(services.ctx.tz).date()
    referral = services.referrals.create(
        actor,
        ReferralCreate(
            student_id=student.id,
            program_code=services.reference.programs()[0].code,
            reason="Anger after a fight",
            referred_on=today - timedelta(days=14),
            next_follow_up_on=today - timedelta(days=1),
        ),
    )
    note = services.notes.create(
        actor,
        NoteCreate(
            school_id=vhs.id,
            occurred_at=clock.now - timedelta(days=7),
            student_ids=[student.id],
            topics="grades",
            follow_up_on=today,
        ),
    )
    return Day(incident=incident, draft=draft, referral=referral, note=note)


def test_summary_reads_every_section(services: Services, clock: Clock) -> None:
    actor = make_officer(services, "1001")
    made = fill_day(services, actor, clock)
    vhs = services.reference.school_by_code("VHS")
    summary = services.today.summary(actor, vhs.id, services.ctx.today())
    assert isinstance(summary, TodaySummary)
    assert summary.day == services.ctx.today()
    assert [i.id for i in summary.open_incidents.rows] == [made.incident.id]
    assert summary.open_incidents.total == 1 and summary.open_incidents.more == 0
    assert [d.id for d in summary.drafts.rows] == [made.draft.id]
    assert summary.drafts.rows[0].title == "Incident: fight by the gym"
    assert [r.id for r in summary.referrals_due.rows] == [made.referral.id]
    assert summary.referrals_due.rows[0].overdue(summary.day)
    assert [n.id for n in summary.notes_due.rows] == [made.note.id]
    assert summary.returned.total == 0
    assert summary.review_waiting is None  # an officer has no review queue
    # The picked school's checklist is not started until it is opened; then it counts.
    (shift,) = summary.shifts
    assert shift.school_id == vhs.id and not shift.started and shift.school_name == vhs.name
    opened = services.checklist.open_shift(actor, vhs.id)
    services.checklist.mark_done(actor, opened.items[0].id)
    (shift,) = services.today.summary(actor, vhs.id).shifts
    assert shift.started and (shift.settled, shift.total) == (1, len(opened.items))
    assert summary.waiting == 4


def test_sections_are_bounded_with_a_total(services: Services, clock: Clock) -> None:
    actor = make_officer(services, "1001")
    for number in range(TODAY_ROWS + 3):
        services.drafts.save(
            actor, DraftSave(form="incident", key=str(number), title=f"Draft {number}")
        )
    summary = services.today.summary(actor, None)
    assert len(summary.drafts.rows) == TODAY_ROWS
    assert summary.drafts.total == TODAY_ROWS + 3 and summary.drafts.more == 3
    assert summary.drafts.rows[0].title == f"Draft {TODAY_ROWS + 2}"  # newest first
    assert summary.shifts == ()  # no school picked, no shift opened


def test_supervisor_gets_the_review_count(services: Services, clock: Clock) -> None:
    actor = make_officer(services, "1001")
    boss = make_officer(services, "2001", "supervisor", ("VHS",))
    made = fill_day(services, actor, clock)
    assert services.today.summary(boss, None).review_waiting == 0
    services.incidents.submit(actor, made.incident.id)
    boss_day = services.today.summary(boss, None)
    assert boss_day.review_waiting == 1
    assert boss_day.waiting >= 1
    # A supervisor follows up everyone's referrals; the officer's own list is theirs only.
    assert boss_day.referrals_due.total == 1
    other = make_officer(services, "1002")
    assert services.today.summary(other, None).referrals_due.total == 0


def test_returned_reports_are_listed_with_the_comment(services: Services, clock: Clock) -> None:
    actor = make_officer(services, "1001")
    boss = make_officer(services, "2001", "supervisor", ("VHS",))
    made = fill_day(services, actor, clock)
    incident_id = made.incident.id
    services.incidents.submit(actor, incident_id)
    services.incidents.return_for_changes(
        boss, incident_id, ReviewDecision(comment="Add the time the lot was cleared")
    )
    summary = services.today.summary(actor, None)
    (returned,) = summary.returned.rows
    assert returned.id == incident_id and returned.review_comment.startswith("Add the time")
    assert summary.returned.total == 1


def test_local_administration_has_an_empty_day(services: Services) -> None:
    summary = services.today.summary(SYSTEM_ACTOR, None)
    assert summary.waiting == 0 and summary.shifts == ()
