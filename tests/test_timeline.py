"""A student's timeline: order, and what each reader may see of each record."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select

from sro_tui.domain.enums import ReferralStatus
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate, ReferralMove
from sro_tui.domain.students import StudentCreate
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.store.models import (
    Incident,
    IncidentOffense,
    IncidentPerson,
    Location,
    OffenseCategory,
)

from .conftest import TEST_PASSWORD, Clock, RunCli, make_officer

_numbers = iter(range(1, 10_000))


def add_incident(
    services: Services,
    actor: Actor,
    student_id: int,
    *,
    occurred_at: datetime,
    status: str = "submitted",
    school_code: str = "VHS",
    role: str = "suspect",
) -> int:
    """An incident row naming the student, written straight to the store (the incident
    service belongs to another area; the timeline only reads these tables)."""
    school_id = services.reference.school_by_code(school_code).id
    with services.db.write() as session:
        location_id = session.scalar(select(Location.id).limit(1))
        category_id = session.scalar(select(OffenseCategory.id).order_by(OffenseCategory.id))
        incident = Incident(
            number=f"SRO-2026-{next(_numbers):06}",
            status=status,
            school_id=school_id,
            school_year="2026-27",
            officer_id=actor.officer_id,
            location_id=location_id,
            occurred_at=occurred_at,
            entered_at=occurred_at,
            updated_at=occurred_at,
            narrative="Narrative that must not leak",
        )
        incident.offenses = [IncidentOffense(category_id=category_id, most_severe=True)]
        incident.people = [IncidentPerson(role=role, student_id=student_id)]
        session.add(incident)
        session.flush()
        return incident.id


def test_timeline_is_newest_first_and_redacts_what_the_reader_may_not_see(
    services: Services,
    officer: Actor,
    other_officer: Actor,
    supervisor: Actor,
    clock: Clock,
) -> None:
    vhs = services.reference.school_by_code("VHS").id
    sid = services.students.create(
        officer, StudentCreate(district_id="S1", first_name="Ana", last_name="Ruiz", school_id=vhs)
    ).id
    day = datetime(2026, 9, 1, 18, 0, tzinfo=UTC)
    own_incident = add_incident(services, officer, sid, occurred_at=day)
    other_draft = add_incident(
        services, other_officer, sid, occurred_at=day + timedelta(days=1), status="draft"
    )
    bhs_officer = make_officer(services, "1003", "officer", ("BHS",))
    far_incident = add_incident(
        services, bhs_officer, sid, occurred_at=day + timedelta(days=2), school_code="BHS"
    )
    open_note = services.notes.create(
        other_officer,
        NoteCreate(
            occurred_at=day + timedelta(days=3), student_ids=[sid], topics="grades", text="Fine"
        ),
    )
    secret = services.notes.create(
        other_officer,
        NoteCreate(
            occurred_at=day + timedelta(days=4),
            student_ids=[sid],
            topics="home",
            text="Private",
            confidential=True,
            minutes=30,
        ),
    )
    referral = services.referrals.create(
        other_officer,
        ReferralCreate(
            student_id=sid, program_code="PAL", reason="Needs a team", referred_on=date(2026, 9, 10)
        ),
    )
    services.referrals.move(
        other_officer,
        referral.id,
        ReferralMove(to_status=ReferralStatus.CONTACTED, on=date(2026, 9, 11)),
    )

    entries = services.students.timeline(officer, sid)
    assert [(e.kind, e.record_id) for e in entries] == [
        ("referral", referral.id),
        ("note", secret.id),
        ("note", open_note.id),
        ("incident", own_incident),
    ]  # another officer's draft is not a report yet, another school's report not ours: out
    assert other_draft not in [e.record_id for e in entries if e.kind == "incident"]
    assert far_incident not in [e.record_id for e in entries if e.kind == "incident"]
    by_id = {(e.kind, e.record_id): e for e in entries}
    ref = by_id[("referral", referral.id)]
    assert ref.title == "Referral to Police Activities League (PAL): contacted"
    assert not ref.redacted  # same school
    hidden = by_id[("note", secret.id)]
    assert hidden.redacted and hidden.summary == ""
    assert hidden.title == "Confidential note by Officer 1002, 2026-09-05"
    assert by_id[("note", open_note.id)].summary.startswith("grades")
    mine = by_id[("incident", own_incident)]
    assert mine.title.startswith("Incident SRO-2026-") and "suspect" in mine.summary
    assert all("Narrative" not in e.summary for e in entries)
    assert services.audit.recent()[0].action == "student.timeline"

    # Sorted newest first, and the limit keeps the newest.
    assert [e.at for e in entries] == sorted((e.at for e in entries), reverse=True)
    assert [e.record_id for e in services.students.timeline(officer, sid, limit=2)] == [
        referral.id,
        secret.id,
    ]

    # The author reads their confidential note; a supervisor sees every incident, and the
    # confidential note only where policy allows.
    author_view = {(e.kind, e.record_id): e for e in services.students.timeline(other_officer, sid)}
    assert not author_view[("note", secret.id)].redacted
    assert "confidential" in author_view[("note", secret.id)].title
    boss = {(e.kind, e.record_id): e for e in services.students.timeline(supervisor, sid)}
    assert not boss[("incident", other_draft)].redacted  # supervisors see drafts too
    assert not boss[("incident", far_incident)].redacted
    assert boss[("note", secret.id)].redacted
    admin = make_officer(services, "3009", "admin", ())
    services.settings.set(admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1")
    boss = {(e.kind, e.record_id): e for e in services.students.timeline(supervisor, sid)}
    assert not boss[("note", secret.id)].redacted


def test_records_of_another_school_are_not_listed(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    """Issue 12: own records and open records of assigned schools only; another school's
    incident or referral of the same student is not even shown as existing."""
    bhs = services.reference.school_by_code("BHS").id
    sid = services.students.create(
        officer, StudentCreate(district_id="S9", first_name="Bo", last_name="Li", school_id=bhs)
    ).id
    bhs_officer = make_officer(services, "1003", "officer", ("BHS",))
    referral = services.referrals.create(
        bhs_officer,
        ReferralCreate(
            student_id=sid, program_code="DRUG-ALC", reason="Vaping", referred_on=date(2026, 9, 1)
        ),
    )
    far_incident = add_incident(
        services,
        bhs_officer,
        sid,
        occurred_at=datetime(2026, 9, 2, 18, 0, tzinfo=UTC),
        school_code="BHS",
    )
    assert services.students.timeline(officer, sid) == []
    boss = {(e.kind, e.record_id) for e in services.students.timeline(supervisor, sid)}
    assert boss == {("referral", referral.id), ("incident", far_incident)}
    theirs = {(e.kind, e.record_id) for e in services.students.timeline(bhs_officer, sid)}
    assert theirs == boss


def test_cli_timeline_redacts_like_the_service(
    services: Services,
    db_url: str,
    officer: Actor,
    other_officer: Actor,
    run_cli: RunCli,
) -> None:
    vhs = services.reference.school_by_code("VHS").id
    sid = services.students.create(
        officer, StudentCreate(district_id="S7", first_name="Ana", last_name="Ruiz", school_id=vhs)
    ).id
    at = datetime(2026, 9, 2, 18, 0, tzinfo=UTC)
    services.notes.create(
        other_officer,
        NoteCreate(occurred_at=at, student_ids=[sid], text="Private words", confidential=True),
    )
    args = ("--db", db_url, "students", "timeline", "s7", "--as", "1001", "--password-stdin")
    result = run_cli(*args, stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    out = result.out
    assert "Ruiz, Ana (S7)" in out
    assert "2026-09-02 11:00  note      Confidential note by Officer 1002, 2026-09-02" in out
    assert "Private words" not in out
