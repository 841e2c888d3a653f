"""Trespass warnings on real stores (SQLite, and PostgreSQL when configured): the period in
the agency's calendar (across midnight and both daylight-saving changes), the watch check
(in force, expired, repeated), the juvenile read rule and sealing, a violation made into an
incident, and the department's longer notices."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from sro_tui.domain.enums import IncidentStatus
from sro_tui.domain.errors import PermissionDenied, SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.trespass import (
    PersonKind,
    Statute,
    TrespassWarningCreate,
    WarningState,
)
from sro_tui.services.registry import Services
from sro_tui.services.sealing import SealingService, SealOrder
from sro_tui.store.models import AuditEvent

from .conftest import Clock, make_officer
from .test_reports import Seed


def school(services: Services, code: str = "VHS") -> int:
    return services.reference.school_by_code(code).id


def warning(services: Services, name: str = "John Doe", **values: object) -> TrespassWarningCreate:
    data: dict[str, object] = {
        "person_name": name,
        "age": 40,
        "description": "grey hoodie, red backpack",
        "school_ids": [school(services)],
    }
    data.update(values)
    return TrespassWarningCreate.model_validate(data)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_seven_days_end_at_local_midnight_across_midnight(
    services: Services, clock: Clock, officer: Actor
) -> None:
    # 23:50 on Monday 14 September in Ventura is already Tuesday in UTC.
    clock.now = at("2026-09-15 06:50")
    given = services.trespass.warn(officer, warning(services))
    assert given.last_day == date(2026, 9, 21)  # the local day, not the UTC day, + 7
    assert given.expires_at == at("2026-09-22 07:00")  # midnight PDT
    assert given.state(at("2026-09-22 06:59:59")) is WarningState.IN_FORCE
    assert given.state(at("2026-09-22 07:00")) is WarningState.EXPIRED


@pytest.mark.parametrize(
    ("warned", "last_day", "ends"),
    [
        # Sunday 1 March 2026 23:30 PST; clocks go forward on 8 March: midnight is 07:00 UTC.
        ("2026-03-02 07:30", date(2026, 3, 8), "2026-03-09 07:00"),
        # Sunday 25 October 2026 21:00 PDT; clocks go back on 1 November: midnight is 08:00 UTC.
        ("2026-10-26 04:00", date(2026, 11, 1), "2026-11-02 08:00"),
    ],
)
def test_the_period_follows_daylight_saving_changes(
    services: Services, clock: Clock, officer: Actor, warned: str, last_day: date, ends: str
) -> None:
    clock.now = at(warned)
    given = services.trespass.warn(officer, warning(services))
    assert given.last_day == last_day
    assert given.expires_at == at(ends)
    clock.now = at(ends) - timedelta(seconds=1)
    assert services.trespass.check(officer, "doe")[0].state is WarningState.IN_FORCE
    clock.now = at(ends)
    hits = services.trespass.check(officer, "doe")
    assert [h.state for h in hits] == [WarningState.EXPIRED]
    assert services.trespass.in_force(officer) == []


def test_watch_check_finds_by_name_or_description_and_flags_repeats(
    services: Services, clock: Clock, officer: Actor
) -> None:
    first = services.trespass.warn(officer, warning(services, "Jonathan Doe-Smith"))
    clock.advance(days=10)
    second = services.trespass.warn(officer, warning(services, "Jonathan Doe-Smith"))
    services.trespass.warn(officer, warning(services, "Mary Major", description="blue van"))
    by_name = services.trespass.check(officer, "jon")
    assert [h.warning.id for h in by_name] == [second.id, first.id]
    assert [h.state for h in by_name] == [WarningState.IN_FORCE, WarningState.EXPIRED]
    assert all(h.repeated and h.warnings_of_person == 2 for h in by_name)
    assert [h.warning.person_name for h in services.trespass.check(officer, "smi jo")] == [
        "Jonathan Doe-Smith"
    ] * 2
    van = services.trespass.check(officer, "van")
    assert [h.warning.person_name for h in van] == ["Mary Major"]
    assert not van[0].repeated
    assert services.trespass.check(officer, "an") == []  # words start, never sit inside
    assert services.trespass.check(officer, "  ") == []


def test_a_juvenile_warning_is_seen_by_its_schools_only(services: Services, officer: Actor) -> None:
    stranger = make_officer(services, "1005", "officer", ("BHS",))
    supervisor = make_officer(services, "2005", "supervisor", ())
    services.trespass.warn(officer, warning(services, "Adult Person"))
    services.trespass.warn(
        officer, warning(services, "Young Person", age=15, person_kind=PersonKind.ADULT)
    )
    services.trespass.warn(
        officer,
        warning(
            services,
            "Other Student",
            birth_date=date(2000, 1, 1),
            age=None,
            person_kind=PersonKind.STUDENT_OTHER_SCHOOL,
        ),
    )
    names = {h.warning.person_name for h in services.trespass.check(officer, "person")}
    assert names == {"Adult Person", "Young Person"}
    assert {h.warning.person_name for h in services.trespass.check(stranger, "person")} == {
        "Adult Person"
    }
    assert services.trespass.check(stranger, "other") == []
    assert len(services.trespass.check(supervisor, "other")) == 1
    assert len(services.trespass.in_force(stranger)) == 1
    assert services.trespass.count_in_force(stranger) == 1
    assert services.trespass.count_in_force(officer) == 3
    hidden = services.trespass.check(officer, "young")[0].warning
    assert hidden.juvenile
    with pytest.raises(PermissionDenied):
        services.trespass.get(stranger, hidden.id)


def test_a_sealed_students_warning_is_shown_to_nobody(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    student = Seed(services, clock, supervisor).student("S77", "BHS")
    services.trespass.warn(officer, warning(services, "Sealed Kid", student_id=student))
    found = services.trespass.check(supervisor, "sealed")
    assert [h.warning.person_kind for h in found] == [PersonKind.STUDENT_OTHER_SCHOOL]
    assert found[0].warning.juvenile
    SealingService(services.ctx, services.audit).seal(
        supervisor, "S77", SealOrder(order_number="JV-1", reason="court order")
    )
    assert services.trespass.check(supervisor, "sealed") == []
    assert services.trespass.check(officer, "sealed") == []
    assert services.trespass.in_force(supervisor) == []


def test_a_return_within_the_period_makes_a_draft_incident(
    services: Services, clock: Clock, officer: Actor
) -> None:
    given = services.trespass.warn(officer, warning(services))
    clock.advance(days=3)
    incident = services.trespass.record_violation(officer, given.id)
    assert incident.status is IncidentStatus.DRAFT
    assert [o.category_code for o in incident.offenses] == ["TRESPASS"]
    assert [p.name for p in incident.people] == ["John Doe"]
    assert f"warning #{given.id}" in incident.narrative
    again = services.trespass.get(officer, given.id)
    assert again.violation_incident_ids == (incident.id,)
    clock.advance(days=10)
    with pytest.raises(SroError, match="no violation"):
        services.trespass.record_violation(officer, given.id)


def test_periods_come_from_the_department(services: Services, officer: Actor, admin: Actor) -> None:
    assert services.trespass.allowed_days() == [7, 30, 365]
    with pytest.raises(SroError, match="runs 7, 30, 365 days"):
        services.trespass.warn(officer, warning(services, days=14))
    services.settings.change(admin, "trespass_notice_days", "14, 90")
    assert services.trespass.allowed_days() == [7, 14, 90]
    given = services.trespass.warn(officer, warning(services, days=14, statute=Statute.PC_627_7))
    assert "627.7" in given.statute_text and "14 days" in given.statute_text
    with pytest.raises(SroError):
        services.settings.change(admin, "trespass_notice_days", "3")


def test_warnings_are_audited_without_names(services: Services, officer: Actor) -> None:
    services.trespass.warn(officer, warning(services, "Zed Secretname"))
    services.trespass.check(officer, "secretname")
    with services.db.read() as session:
        events = [
            tuple(row) for row in session.execute(select(AuditEvent.action, AuditEvent.detail))
        ]
    actions = [a for a, _ in events]
    assert "trespass.warn" in actions and "trespass.check" in actions
    assert not any("ecretname" in d for _, d in events)


def test_only_an_officer_gives_a_warning_and_not_in_the_future(
    services: Services, clock: Clock, officer: Actor
) -> None:
    with pytest.raises(PermissionDenied):
        services.trespass.warn(SYSTEM_ACTOR, warning(services))
    with pytest.raises(SroError, match="future"):
        services.trespass.warn(officer, warning(services, warned_at=clock.now + timedelta(hours=1)))
    with pytest.raises(ValueError, match="date of birth or an age"):
        warning(services, age=None)


def test_a_students_warnings_are_on_their_timeline_as_the_reader_may_see_them(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    student = Seed(services, clock, supervisor).student("S88", "BHS")
    stranger = make_officer(services, "1006", "officer", ("PHS",))
    given = services.trespass.warn(officer, warning(services, "Visiting Kid", student_id=student))
    for reader in (officer, supervisor):
        [entry] = [e for e in services.students.timeline(reader, student) if e.kind == "trespass"]
        assert (entry.record_id, entry.at) == (given.id, given.warned_at)
        assert "PC 626.8" in entry.title and given.last_day.isoformat() in entry.summary
    assert all(e.kind != "trespass" for e in services.students.timeline(stranger, student))
