"""Calls for service on real stores: logging, who sees which calls, a call made into a draft
report, and the monthly report's counts by disposition (checked against an independent SQL
count of the rows), with trespass warnings given and returns within their period."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import bindparam, text

from sro_tui.domain.calls import CallCreate, Disposition
from sro_tui.domain.enums import IncidentStatus
from sro_tui.domain.errors import PermissionDenied, SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services.registry import Services
from sro_tui.store.types import UTCDateTime

from .conftest import Clock, make_officer


def school(services: Services, code: str = "VHS") -> int:
    return services.reference.school_by_code(code).id


def call(services: Services, **values: object) -> CallCreate:
    data: dict[str, object] = {
        "caller": "Front office (Ms. Lee)",
        "school_id": school(services),
        "location": "gym",
        "what": "Two students arguing",
    }
    data.update(values)
    return CallCreate.model_validate(data)


def test_a_call_is_logged_and_listed(services: Services, clock: Clock, officer: Actor) -> None:
    logged = services.calls.add(officer, call(services, disposition=Disposition.SCHOOL))
    assert (logged.caller, logged.disposition, logged.school_code) == (
        "Front office (Ms. Lee)",
        Disposition.SCHOOL,
        "VHS",
    )
    assert logged.received_at == clock.now
    assert [c.id for c in services.calls.page(officer)] == [logged.id]
    assert services.calls.count_today(officer) == 1
    with pytest.raises(SroError, match="future"):
        services.calls.add(officer, call(services, received_at=datetime(2030, 1, 1, tzinfo=UTC)))
    with pytest.raises(PermissionDenied):
        services.calls.add(SYSTEM_ACTOR, call(services))
    with pytest.raises(ValueError, match="required"):
        call(services, what="  ")


def test_who_sees_which_calls(services: Services, officer: Actor, supervisor: Actor) -> None:
    colleague = make_officer(services, "1003", "officer", ("VHS",))
    elsewhere = make_officer(services, "1004", "officer", ("BHS",))
    mine = services.calls.add(officer, call(services))
    services.calls.add(elsewhere, call(services, school_id=school(services, "BHS")))
    assert [c.id for c in services.calls.page(colleague, scope="school")] == [mine.id]
    assert services.calls.page(colleague) == []
    assert len(services.calls.page(supervisor, scope="all")) == 2
    with pytest.raises(PermissionDenied):
        services.calls.page(officer, scope="all")


def test_a_call_becomes_a_draft_report(services: Services, officer: Actor) -> None:
    other = make_officer(services, "1003", "officer", ("VHS",))
    logged = services.calls.add(officer, call(services))
    with pytest.raises(PermissionDenied):
        services.calls.to_report(other, logged.id)
    incident = services.calls.to_report(officer, logged.id)
    assert incident.status is IncidentStatus.DRAFT
    assert "Two students arguing" in incident.narrative
    again = services.calls.page(officer)[0]
    assert (again.incident_id, again.disposition) == (incident.id, Disposition.REPORT)
    with pytest.raises(SroError, match="already"):
        services.calls.to_report(officer, logged.id)


def test_monthly_report_counts_calls_by_disposition_exactly(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    other = make_officer(services, "1009", "officer", ("BHS",))
    plan = [
        ("2026-09-01 07:30", officer, Disposition.RESOLVED),  # 1 Sept 00:30 PDT: September
        ("2026-09-01 06:59", officer, Disposition.RESOLVED),  # 31 Aug 23:59 PDT: August
        ("2026-09-14 15:00", officer, Disposition.SCHOOL),
        ("2026-09-14 15:10", other, Disposition.SCHOOL),
        ("2026-09-20 18:00", other, Disposition.UNFOUNDED),
        ("2026-10-01 06:59", officer, Disposition.GONE),  # 30 Sept 23:59 PDT: September
    ]
    clock.now = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)
    for moment, who, disposition in plan:
        received = datetime.fromisoformat(moment).replace(tzinfo=UTC)
        code = "VHS" if who is officer else "BHS"
        services.calls.add(
            who,
            call(
                services,
                received_at=received,
                disposition=disposition,
                school_id=school(services, code),
            ),
        )
    clock.now = datetime(2026, 9, 10, 16, 0, tzinfo=UTC)
    warning = services.trespass.warn(
        officer,
        TrespassWarningCreate(person_name="John Doe", age=40, school_ids=[school(services)]),
    )
    clock.now = datetime(2026, 9, 12, 16, 0, tzinfo=UTC)
    services.trespass.record_violation(officer, warning.id)
    clock.now = datetime(2026, 10, 2, 12, 0, tzinfo=UTC)

    report = services.reports.monthly(supervisor, month="2026-09")
    law = {f.measure: f.current for f in report.figures}
    with services.db.read() as session:
        independent = dict(
            session.execute(
                text(
                    "SELECT disposition, count(*) FROM calls_for_service "
                    "WHERE received_at >= :start AND received_at < :end GROUP BY disposition"
                ).bindparams(
                    bindparam("start", type_=UTCDateTime()), bindparam("end", type_=UTCDateTime())
                ),
                {"start": report.period.start_utc, "end": report.period.end_utc},
            ).all()
        )
    assert sum(independent.values()) == 5
    for disposition in Disposition:
        assert law[f"Calls logged: {disposition.value}"] == independent.get(disposition.value, 0)
    assert law["Calls logged (all)"] == 5
    assert law["Trespass warnings given"] == 1
    assert law["Trespass warnings: returns within the period"] == 1
    previous = {f.measure: f.previous for f in report.figures}
    assert previous["Calls logged: resolved by officer"] == 1  # the August one
    mine = services.reports.monthly(supervisor, month="2026-09", officer_badge="1009")
    assert {f.measure: f.current for f in mine.figures}["Calls logged (all)"] == 2
    vhs = services.reports.monthly(supervisor, month="2026-09", school_code="VHS")
    vhs_law = {f.measure: f.current for f in vhs.figures}
    assert (vhs_law["Calls logged (all)"], vhs_law["Trespass warnings given"]) == (3, 1)
