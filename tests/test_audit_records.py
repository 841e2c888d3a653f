"""Records edited with SQL are found: every audited change seals the record (HMAC under the
audit key over its row and children, tied to the event), and `sro audit verify --records`
names each record that no longer matches its seal."""

from __future__ import annotations

from sqlalchemy import text

from sro_tui.domain.incidents import IncidentUpdate
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services

from .conftest import RunCli
from .test_incidents import new_incident


def tamper(services: Services, sql: str, params: dict | None = None) -> None:
    with services.db.engine.begin() as connection:
        connection.execute(text(sql), params or {})


def test_a_narrative_changed_with_sql_is_named(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    created = services.incidents.create(officer, new_incident(services))
    other = services.incidents.create(officer, new_incident(services, narrative="Unrelated."))
    services.incidents.update(
        officer, created.id, IncidentUpdate(version=created.version, narrative="Corrected text.")
    )
    report = services.audit.verify_records(supervisor)
    assert report.ok, report.problems
    assert report.checked - report.unsealed >= 2

    tamper(
        services,
        "UPDATE incidents SET narrative = 'Nothing happened.' WHERE id = :i",
        {"i": created.id},
    )
    services.incidents.get(supervisor, created.id)  # a read afterwards does not launder it
    report = services.audit.verify_records(supervisor)
    assert not report.ok
    assert report.problems == [
        f"incident #{created.id} was changed outside sro-tui after its audited change "
        f"#{_latest_change(services, created.id)}"
    ]
    assert all(f"#{other.id} " not in p for p in report.problems)
    latest = services.audit.recent(limit=1)[0]
    assert (latest.action, latest.outcome) == ("audit.verify_records", "failure")


def _latest_change(services: Services, incident_id: int) -> int:
    with services.db.read() as session:
        return int(
            session.execute(
                text(
                    "SELECT max(id) FROM audit_events WHERE record_type = 'incident' "
                    "AND record_id = :r AND action IN ('incident.create', 'incident.update')"
                ),
                {"r": str(incident_id)},
            ).scalar_one()
        )


def test_a_child_row_deleted_and_a_record_deleted_are_named(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    one = services.incidents.create(officer, new_incident(services, categories=("FIGHT", "THEFT")))
    two = services.incidents.create(officer, new_incident(services))
    tamper(
        services,
        "DELETE FROM incident_offenses WHERE id = "
        "(SELECT max(id) FROM incident_offenses WHERE incident_id = :i)",
        {"i": one.id},
    )
    for table in ("incident_offenses", "incident_people", "incident_compliance"):
        tamper(services, f"DELETE FROM {table} WHERE incident_id = :i", {"i": two.id})
    tamper(services, "DELETE FROM incidents WHERE id = :i", {"i": two.id})
    problems = services.audit.verify_records(supervisor).problems
    assert f"incident #{one.id} was changed outside sro-tui" in " ".join(problems)
    assert f"incident #{two.id} was deleted outside sro-tui" in problems


def test_an_old_state_put_back_with_its_old_seal_is_named(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    created = services.incidents.create(officer, new_incident(services, narrative="First."))
    with services.db.read() as session:
        old_seal = session.execute(text("SELECT event_id, digest FROM record_seals")).one()
    services.incidents.update(
        officer, created.id, IncidentUpdate(version=created.version, narrative="Second.")
    )
    tamper(
        services,
        "UPDATE incidents SET narrative = 'First.', version = :v, updated_at = "
        "(SELECT updated_at FROM incidents WHERE id = :i) WHERE id = :i",
        {"i": created.id, "v": created.version},
    )
    tamper(
        services,
        "UPDATE record_seals SET event_id = :e, digest = :d",
        {"e": old_seal.event_id, "d": old_seal.digest},
    )
    problems = services.audit.verify_records(supervisor).problems
    assert len(problems) == 1 and f"incident #{created.id}" in problems[0]


def test_cli_verify_records(
    services: Services, db_url: str, officer: Actor, run_cli: RunCli
) -> None:
    created = services.incidents.create(officer, new_incident(services))
    result = run_cli("--db", db_url, "audit", "verify", "--records")
    assert result.code == 0, result.out
    assert "Records intact: 1 sealed record(s)" in result.out
    tamper(services, "UPDATE incidents SET narrative = 'x' WHERE id = :i", {"i": created.id})
    result = run_cli("--db", db_url, "audit", "verify", "--records")
    assert result.code == 1
    assert "Records CHANGED outside sro-tui: 1" in result.out
    assert f"incident #{created.id} was changed" in result.out
    assert run_cli("--db", db_url, "audit", "verify").code == 0, "the chain itself is whole"
