"""Demo data: what the seeder writes is complete, consistent, valid and usable by the services."""

from __future__ import annotations

import itertools
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sro_tui.domain.enums import (
    ChecklistStatus,
    ContactKind,
    IncidentStatus,
    OutcomeKind,
    ReferralStatus,
    Role,
)
from sro_tui.domain.errors import Conflict, PermissionDenied, SroError
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.workflow import REFERRAL_OPEN, REFERRAL_TRANSITIONS
from sro_tui.services import store_settings
from sro_tui.services.demo import (
    DEMO_PASSWORD,
    outcomes_value,
    school_days,
    school_year_bounds,
)
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store import models
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, Clock, make_officer

TABLES = {
    model.__tablename__: model
    for model in (
        models.School,
        models.Officer,
        models.OfficerSchool,
        models.Student,
        models.Shift,
        models.ChecklistItem,
        models.Incident,
        models.IncidentOffense,
        models.IncidentPerson,
        models.IncidentCompliance,
        models.IncidentReview,
        models.IncidentSupplement,
        models.IncidentCounter,
        models.Note,
        models.NoteStudent,
        models.Referral,
        models.ReferralEvent,
    )
}


def row_count(services: Services, model: type) -> int:
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


@pytest.fixture
def seeded(services: Services) -> tuple[Services, dict[str, int]]:
    schools_before = row_count(services, models.School)
    counts = services.demo.seed(SYSTEM_ACTOR, scale=1)
    counts["schools"] += schools_before  # the seeded high schools were already there
    return services, counts


def test_counts_match_the_tables(seeded: tuple[Services, dict[str, int]]) -> None:
    services, counts = seeded
    for name, model in TABLES.items():
        assert row_count(services, model) == counts[name], name
    assert sum(counts.values()) > 3000  # a few weeks of a school year at scale 1
    assert services.is_demo()


def test_audited_once_and_chain_intact(seeded: tuple[Services, dict[str, int]]) -> None:
    services, _counts = seeded
    actions = [e.action for e in services.audit.recent(limit=500)]
    assert actions.count("demo.seed") == 1
    report = services.audit.check_chain()
    assert report.ok, report.problem


def test_every_kind_is_there(seeded: tuple[Services, dict[str, int]]) -> None:
    services, _counts = seeded
    with services.db.read() as session:
        categories = set(session.scalars(select(models.OffenseCategory.code)))
        used = set(
            session.scalars(
                select(models.OffenseCategory.code).join(
                    models.IncidentOffense,
                    models.IncidentOffense.category_id == models.OffenseCategory.id,
                )
            )
        )
        assert used == categories
        assert set(session.scalars(select(models.Incident.status))) == {
            s.value for s in IncidentStatus
        }
        assert set(session.scalars(select(models.Note.kind))) == {k.value for k in ContactKind}
        assert set(session.scalars(select(models.Referral.status))) == {
            s.value for s in ReferralStatus
        }
        assert session.scalar(select(func.count()).where(models.Note.confidential.is_(True)))
        assert session.scalar(select(func.count()).select_from(models.IncidentSupplement))
        levels = set(session.scalars(select(models.School.level)))
        assert {"high", "middle", "elementary"} <= levels
        roles = set(session.scalars(select(models.Officer.role)))
        assert roles == {r.value for r in Role}
        # Some people are not students (named inline), and some outcome is an arrest with
        # more than one charge on the report.
        assert session.scalar(
            select(func.count()).where(
                models.IncidentPerson.student_id.is_(None), models.IncidentPerson.name != ""
            )
        )
        offenses = dict(
            session.execute(
                select(models.IncidentOffense.incident_id, func.count()).group_by(
                    models.IncidentOffense.incident_id
                )
            ).all()
        )
        arrested = set(
            session.scalars(
                select(models.IncidentPerson.incident_id)
                .join(
                    models.IncidentPersonOutcome,
                    models.IncidentPersonOutcome.person_id == models.IncidentPerson.id,
                )
                .where(models.IncidentPersonOutcome.outcome == OutcomeKind.ARREST.value)
            )
        )
        assert any(offenses[i] >= 2 for i in arrested)


def test_numbers_run_in_order_of_entry_and_match_the_counter(
    seeded: tuple[Services, dict[str, int]],
) -> None:
    services, _counts = seeded
    with services.db.read() as session:
        rows = session.execute(
            select(models.Incident.number, models.Incident.entered_at).order_by(
                models.Incident.entered_at, models.Incident.id
            )
        ).all()
        counters = dict(
            session.execute(
                select(models.IncidentCounter.year, models.IncidentCounter.last_seq)
            ).all()
        )
    by_year: dict[int, list[int]] = defaultdict(list)
    for number, _entered in rows:
        _prefix, year, seq = number.split("-")
        by_year[int(year)].append(int(seq))
    for year, seqs in by_year.items():
        assert seqs == list(range(1, len(seqs) + 1))
        assert counters[year] == len(seqs)


def test_records_are_valid_for_the_domain_and_dated_this_school_year(
    seeded: tuple[Services, dict[str, int]], clock: Clock
) -> None:
    services, _counts = seeded
    tz = services.ctx.tz
    today = services.ctx.today()
    start, _end = school_year_bounds(today)
    first_moment = datetime.combine(start, datetime.min.time(), tz).astimezone(UTC)
    with services.db.read() as session:
        codes = dict(
            session.execute(select(models.OffenseCategory.id, models.OffenseCategory.code)).all()
        )
        locations = dict(session.execute(select(models.Location.id, models.Location.code)).all())
        for incident in session.scalars(select(models.Incident)):
            assert first_moment <= incident.occurred_at <= incident.entered_at <= clock.now
            IncidentCreate(
                school_id=incident.school_id,
                occurred_at=incident.occurred_at,
                location_code=locations[incident.location_id],
                offenses=[
                    OffenseIn(
                        category_code=codes[o.category_id],
                        most_severe=o.most_severe,
                        attempted=o.attempted,
                        weapon=o.weapon,
                        suspected_use=o.suspected_use,
                        gang=o.gang,
                    )
                    for o in incident.offenses
                ],
                people=[
                    PersonIn(
                        role=p.role,
                        student_id=p.student_id,
                        name=p.name,
                        juvenile=p.juvenile,
                        outcomes=p.outcome_values,
                        custodial=p.custodial,
                        parent_notified_at=p.parent_notified_at,
                    )
                    for p in incident.people
                ],
                narrative=incident.narrative,
            )
            assert sum(o.most_severe for o in incident.offenses) == 1
            steps = [r.at for r in incident.reviews]
            assert steps == sorted(steps)
            assert all(incident.entered_at <= at <= clock.now for at in steps)
            if incident.status == IncidentStatus.APPROVED:
                assert incident.approved_at and incident.submitted_at
                assert incident.submitted_at <= incident.approved_at <= clock.now
                assert incident.reviews[-1].action == "approved"
            if incident.status == IncidentStatus.RETURNED:
                assert incident.review_comment
                assert incident.reviews[-1].action == "returned"
            if incident.status == IncidentStatus.DRAFT:
                assert not incident.reviews

        for note in session.scalars(select(models.Note)):
            assert first_moment <= note.occurred_at <= clock.now
            NoteCreate(
                kind=note.kind,
                school_id=note.school_id,
                occurred_at=note.occurred_at,
                minutes=note.minutes,
                student_ids=[s.student_id for s in note.students],
                with_parent=note.with_parent,
                with_staff=note.with_staff,
                topics=note.topics,
                text=note.text,
                follow_up_on=note.follow_up_on,
                confidential=note.confidential,
                class_name=note.class_name,
                lecture_topic=note.lecture_topic,
                head_count=note.head_count,
                agency=note.agency,
            )

        for item in session.scalars(select(models.ChecklistItem)):
            if item.status == ChecklistStatus.SKIPPED:
                assert item.skip_reason and item.status_at is not None
            elif item.status == ChecklistStatus.PENDING:
                assert item.status_at is None
            else:
                assert item.status_at is not None and item.status_at <= clock.now
        days = set(school_days(today)) | {today}
        assert set(session.scalars(select(models.Shift.shift_date))) <= days


def test_referrals_walk_the_workflow(seeded: tuple[Services, dict[str, int]]) -> None:
    services, _counts = seeded
    today = services.ctx.today()
    with services.db.read() as session:
        consent_needed = dict(
            session.execute(
                select(models.ReferralProgram.id, models.ReferralProgram.consent_required)
            ).all()
        )
        for referral in session.scalars(select(models.Referral)):
            events = referral.events
            assert events[0].from_status is None and events[0].to_status == "referred"
            assert events[0].on == referral.referred_on
            for before, after in itertools.pairwise(events):
                assert after.from_status == before.to_status
                assert (
                    ReferralStatus(after.to_status)
                    in REFERRAL_TRANSITIONS[ReferralStatus(before.to_status)]
                )
                assert before.on <= after.on <= today
            assert events[-1].to_status == referral.status
            reached = {e.to_status for e in events}
            if consent_needed[referral.program_id] and reached & {"enrolled", "attending"}:
                assert referral.consent == "yes" and referral.consent_on is not None
            if ReferralStatus(referral.status) in REFERRAL_OPEN:
                assert referral.next_follow_up_on is not None
            else:
                assert referral.next_follow_up_on is None


def test_badge_1001_has_an_interesting_today(seeded: tuple[Services, dict[str, int]]) -> None:
    services, _counts = seeded
    officer = services.officers.authenticate("1001", DEMO_PASSWORD)
    vhs = services.reference.school_by_code("VHS")
    assert officer.school_ids == (vhs.id,)
    shifts = services.checklist.shifts_on(officer)
    assert [s.school_id for s in shifts] == [vhs.id]
    statuses = {item.status for item in shifts[0].items}
    assert statuses == {ChecklistStatus.DONE, ChecklistStatus.SKIPPED, ChecklistStatus.PENDING}
    settled, total = shifts[0].progress
    assert 0 < settled < total
    returned = services.incidents.needs_attention(officer)
    assert returned and returned[0].status is IncidentStatus.RETURNED
    assert services.incidents.get(officer, returned[0].id).review_comment
    assert services.notes.follow_ups_due(officer)
    assert services.referrals.due(officer)

    supervisor = services.officers.authenticate("2001", DEMO_PASSWORD)
    assert supervisor.role is Role.SUPERVISOR
    assert services.incidents.review_queue(supervisor).items
    admin = services.officers.authenticate("3001", DEMO_PASSWORD)
    assert admin.is_admin


def test_seeding_twice_is_refused(seeded: tuple[Services, dict[str, int]]) -> None:
    services, counts = seeded
    with pytest.raises(Conflict, match="already seeded"):
        services.demo.seed(SYSTEM_ACTOR)
    assert row_count(services, models.Incident) == counts["incidents"]


def test_a_store_with_real_records_is_refused(services: Services) -> None:
    make_officer(services, "1001")
    with pytest.raises(SroError, match="real records"):
        services.demo.seed(SYSTEM_ACTOR)
    assert row_count(services, models.Student) == 0
    with services.db.read() as session:
        assert not store_settings.get_flag(session, store_settings.DEMO)


def test_only_an_administrator_may_seed(services: Services) -> None:
    officer = make_officer(services, "1001")
    with pytest.raises(PermissionDenied):
        services.demo.seed(officer)
    denied = [e for e in services.audit.recent() if e.action == "demo.seed"]
    assert [e.outcome for e in denied] == ["denied"]


def test_scale_out_of_range_is_refused(services: Services) -> None:
    with pytest.raises(SroError) as info:
        services.demo.seed(SYSTEM_ACTOR, scale=0)
    assert info.value.field == "scale"


def _seed_copy(path: Path, clock: Clock, scale: int) -> dict[str, int]:
    db = Database(path)
    try:
        prepare_store(db)
        services = build_services(db, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest")
        return services.demo.seed(SYSTEM_ACTOR, scale=scale)
    finally:
        db.dispose()


def test_same_day_same_scale_same_store_and_scale_multiplies(tmp_path: Path, clock: Clock) -> None:
    first = _seed_copy(tmp_path / "a.db", clock, 1)
    again = _seed_copy(tmp_path / "b.db", clock, 1)
    double = _seed_copy(tmp_path / "c.db", clock, 2)
    assert first == again
    assert double["students"] == 2 * first["students"]
    assert double["shifts"] >= 2 * first["shifts"] - 2
    assert sum(double.values()) > 1.8 * sum(first.values())


def test_progress_is_reported_per_phase(sqlite_services: Services) -> None:
    seen: dict[str, tuple[int, int]] = {}
    sqlite_services.demo.seed(
        SYSTEM_ACTOR, progress=lambda phase, done, total: seen.__setitem__(phase, (done, total))
    )
    assert set(seen) >= {"students", "shifts", "incidents", "notes", "referrals"}
    assert all(done == total for done, total in seen.values())


@pytest.mark.parametrize(
    ("today", "first_day"),
    [
        ("2026-09-14", "2026-08-12"),  # early in the year
        ("2027-03-01", "2026-08-12"),  # after the winter break
        ("2026-07-20", "2025-08-13"),  # summer: the year just ended
    ],
)
def test_school_days(today: str, first_day: str) -> None:
    from datetime import date

    day = date.fromisoformat(today)
    days = school_days(day)
    assert days[0] == date.fromisoformat(first_day)
    assert days[-1] <= day
    assert all(d.weekday() < 5 for d in days)
    thanksgiving = [d for d in days if d.month == 11 and 22 <= d.day <= 28 and d.weekday() == 3]
    assert thanksgiving == []
    assert len(days) == len(set(days))


def test_summer_seed_uses_the_year_just_ended(tmp_path: Path) -> None:
    clock = Clock(datetime(2026, 7, 20, 17, 0, tzinfo=UTC))
    counts = _seed_copy(tmp_path / "summer.db", clock, 1)
    assert counts["shifts"] > 600  # a whole school year
    db = Database(tmp_path / "summer.db")
    try:
        with db.read() as session:
            first = session.scalar(select(func.min(models.Shift.shift_date)))
            last = session.scalar(select(func.max(models.Shift.shift_date)))
    finally:
        db.dispose()
    assert str(first) == "2025-08-13"
    assert str(last) == "2026-07-20"  # badge 1001's shift today (summer school)
    assert timedelta(days=300) < last - first


def test_outcomes_value_matches_the_incident_service() -> None:
    from sro_tui.domain.incidents import outcomes_of

    kinds = [OutcomeKind.ARREST, OutcomeKind.REFERRAL_TO_SERVICES]
    assert list(outcomes_of(outcomes_value(kinds))) == kinds


def test_postgresql_has_planner_statistics_for_the_seeded_tables(
    seeded: tuple[Services, dict[str, int]],
) -> None:
    """A new demo store on PostgreSQL is analysed as it is seeded: without statistics its
    searches planned badly until autovacuum came round (issue 16)."""
    services, _counts = seeded
    if services.db.is_sqlite:
        pytest.skip("PostgreSQL only: SQLite plans without statistics")
    with services.db.read() as session:
        analysed = session.scalar(
            text(
                "SELECT count(*) FROM pg_stat_user_tables WHERE relname IN "
                "('incidents', 'notes', 'students', 'referrals') AND "
                "(last_analyze IS NOT NULL OR last_autoanalyze IS NOT NULL)"
            )
        )
    assert analysed == 4
