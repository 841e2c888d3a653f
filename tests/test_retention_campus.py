"""Trespass warnings and calls for service under the retention schedule and the record seals,
on real stores: past their years (3 by default: a warning after its last day in force, a call
after it came in) they are listed and purged, each audited without a name, the report a kept
call points at is kept with it, and `audit verify --records` names a warning or a call
edited with SQL and passes after a purge."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import text

from sro_tui.domain.calls import CallCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.services.retention import CALL_YEARS, RetentionService

from .conftest import Clock, RunCli

TZ = ZoneInfo("America/Los_Angeles")


def local(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=TZ).astimezone(UTC)


def school(services: Services) -> int:
    return services.reference.school_by_code("VHS").id


def warn(services: Services, officer: Actor, name: str) -> int:
    data = {"person_name": name, "age": 40, "description": "grey hoodie"}
    data["school_ids"] = [school(services)]
    return services.trespass.warn(officer, TrespassWarningCreate.model_validate(data)).id


def call(services: Services, officer: Actor, what: str) -> int:
    data = CallCreate(caller="Ms. Lee", school_id=school(services), what=what)
    return services.calls.add(officer, data).id


def tamper(services: Services, sql: str, params: dict[str, object]) -> None:
    with services.db.engine.begin() as connection:
        connection.execute(text(sql), params)


def set_years(services: Services, key: str, years: int) -> None:
    with services.db.write() as session:
        store_settings.set_value(session, key, str(years))


def test_old_warnings_and_calls_are_purged_and_a_report_a_kept_call_names_stays(
    services: Services, clock: Clock, officer: Actor, admin: Actor, supervisor: Actor
) -> None:
    retention = RetentionService(services.ctx, services.audit)
    clock.now = local("2021-03-01 09:00")
    old_warning = warn(services, officer, "Old Trespasser")  # through 8 March 2021
    old_call = call(services, officer, "Old call, a report made")
    report = services.calls.to_report(officer, old_call).id  # school year 2020-21
    clock.now = local("2023-10-25 09:00")
    young_warning = warn(services, officer, "Young Trespasser")  # through 1 November 2023
    young_call = call(services, officer, "Young call")
    clock.now = local("2026-10-20 11:00")  # 3 years back: 20 October 2023

    listed = {(e.kind, e.record_id) for e in retention.expired(admin)}
    assert listed == {("trespass", old_warning), ("call", old_call), ("incident", report)}
    assert retention.schedule().trespass_years == 3 and retention.schedule().call_years == 3

    set_years(services, CALL_YEARS, 10)  # the call stays, and with it its report
    result = retention.purge(admin)
    assert result.purged == {"incident": 0, "note": 0, "referral": 0, "trespass": 1, "call": 0}
    assert result.kept_linked == 1
    set_years(services, CALL_YEARS, 3)
    result = retention.purge(admin)
    assert result.purged == {"incident": 1, "note": 0, "referral": 0, "trespass": 0, "call": 1}

    with services.db.read() as session:
        warnings = set(session.scalars(text("SELECT id FROM trespass_warnings")))
        calls = set(session.scalars(text("SELECT id FROM calls_for_service")))
        schools = session.scalar(text("SELECT count(*) FROM trespass_warning_schools"))
    assert (warnings, calls, schools) == ({young_warning}, {young_call}, 1)
    events = [e for e in services.audit.recent(limit=40) if e.action.endswith(".purge")]
    assert sorted(e.action for e in events if e.record_type in ("trespass", "call")) == [
        "call.purge",
        "trespass.purge",
    ]
    assert not any("Trespasser" in e.detail or "Ms. Lee" in e.detail for e in events)
    verified = services.audit.verify_records(supervisor)
    assert verified.ok, verified.problems
    assert verified.purged == 3  # the warning, the call and the report


def test_a_warning_or_a_call_edited_with_sql_is_named(
    services: Services, officer: Actor, supervisor: Actor, run_cli: RunCli, db_url: str
) -> None:
    warning = warn(services, officer, "Sealed Record")
    logged = call(services, officer, "Logged")
    assert services.audit.verify_records(supervisor).ok
    tamper(
        services,
        "UPDATE trespass_warnings SET description = 'nothing' WHERE id = :i",
        {"i": warning},
    )
    tamper(services, "DELETE FROM trespass_warning_schools WHERE warning_id = :i", {"i": warning})
    tamper(services, "UPDATE calls_for_service SET what = 'x' WHERE id = :i", {"i": logged})
    problems = services.audit.verify_records(supervisor).problems
    assert [p.split(" was ")[0] for p in problems] == [
        f"trespass #{warning}",
        f"call #{logged}",
    ]
    result = run_cli("--db", db_url, "audit", "verify", "--records")
    assert result.code == 1, result.out + result.err
    assert f"trespass #{warning} was changed outside sro-tui" in result.out
    assert f"call #{logged} was changed outside sro-tui" in result.out
