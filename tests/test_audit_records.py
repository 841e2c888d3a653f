"""Records edited with SQL are found: every audited change seals the record (HMAC under the
audit key over its row and children, tied to the event), and `sro audit verify --records`
names each record that no longer matches its seal."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from sro_tui.domain.checklist import ItemNote, OneOffItem, SkipItem
from sro_tui.domain.errors import AuthenticationFailed
from sro_tui.domain.incidents import IncidentUpdate
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor, OfficerUpdate
from sro_tui.domain.students import StudentCreate, StudentUpdate
from sro_tui.services import officers as officer_service
from sro_tui.services import store_settings
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, Clock, RunCli
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
        old_seal = session.execute(
            text("SELECT event_id, digest FROM record_seals WHERE record_type = 'incident'")
        ).one()
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
        "UPDATE record_seals SET event_id = :e, digest = :d WHERE record_type = 'incident'",
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
    # the incident and the officer who wrote it (sealed at officer.create)
    assert "Records intact: 2 sealed record(s)" in result.out
    tamper(services, "UPDATE incidents SET narrative = 'x' WHERE id = :i", {"i": created.id})
    result = run_cli("--db", db_url, "audit", "verify", "--records")
    assert result.code == 1
    assert "Records CHANGED outside sro-tui: 1" in result.out
    assert f"incident #{created.id} was changed" in result.out
    assert run_cli("--db", db_url, "audit", "verify").code == 0, "the chain itself is whole"


# --- students, shifts, checklist items, officers ------------------------------------------


def _vhs(services: Services) -> int:
    return services.reference.school_by_code("VHS").id


def _sealed(services: Services, record_type: str, record_id: int) -> int | None:
    with services.db.read() as session:
        return session.execute(
            text("SELECT event_id FROM record_seals WHERE record_type = :t AND record_id = :r"),
            {"t": record_type, "r": str(record_id)},
        ).scalar_one_or_none()


def test_a_student_name_changed_with_sql_is_named(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    ana = services.students.create(
        officer, StudentCreate(district_id="S-9001", first_name="Ana", last_name="Ruiz")
    )
    luis = services.students.create(
        officer, StudentCreate(district_id="S-9002", first_name="Luis", last_name="Garza")
    )
    services.students.update(officer, ana.id, StudentUpdate(grade=10))
    assert services.audit.verify_records(supervisor).ok
    assert _sealed(services, "student", ana.id) is not None

    tamper(services, "UPDATE students SET last_name = 'Smith' WHERE id = :i", {"i": ana.id})
    # looking at the student afterwards (a read, the timeline) does not launder it
    services.students.get(supervisor, ana.id)
    services.students.timeline(supervisor, ana.id)
    problems = services.audit.verify_records(supervisor).problems
    assert len(problems) == 1
    assert problems[0].startswith(f"student #{ana.id} was changed outside sro-tui")
    assert all(f"#{luis.id} " not in p for p in problems)


def test_a_checklist_item_status_changed_with_sql_is_named(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    shift = services.checklist.open_shift(officer, _vhs(services))
    first, second = shift.items[0], shift.items[1]
    services.checklist.mark_done(officer, first.id)
    services.checklist.skip(officer, second.id, SkipItem(reason="Gate under repair"))
    assert services.audit.verify_records(supervisor).ok

    tamper(
        services,
        "UPDATE checklist_items SET status = 'done', skip_reason = '' WHERE id = :i",
        {"i": second.id},
    )
    services.checklist.get_shift(supervisor, shift.id)  # a read does not launder it
    problems = services.audit.verify_records(supervisor).problems
    assert len(problems) == 1
    assert problems[0].startswith(f"checklist_item #{second.id} was changed outside sro-tui")


def test_a_shift_and_an_officer_changed_with_sql_are_named(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    shift = services.checklist.open_shift(officer, _vhs(services))
    assert services.audit.verify_records(supervisor).ok
    tamper(
        services,
        "UPDATE shifts SET school_id = (SELECT id FROM schools WHERE code = 'BHS') WHERE id = :i",
        {"i": shift.id},
    )
    tamper(
        services, "UPDATE officers SET role = 'admin' WHERE id = :i", {"i": supervisor.officer_id}
    )
    tamper(  # a school assignment (a child row) added with SQL
        services,
        "INSERT INTO officer_schools (officer_id, school_id) "
        "SELECT :o, id FROM schools WHERE code = 'PHS'",
        {"o": officer.officer_id},
    )
    problems = " | ".join(services.audit.verify_records(supervisor).problems)
    assert f"shift #{shift.id} was changed outside sro-tui" in problems
    assert f"officer #{officer.officer_id} was changed outside sro-tui" in problems
    assert f"officer #{supervisor.officer_id} was changed outside sro-tui" in problems


def test_normal_work_raises_no_alarm(
    services: Services,
    officer: Actor,
    supervisor: Actor,
    admin: Actor,
    clock: Clock,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,First Name,Last Name,School,Grade\n"
        "100001,Maria,Garcia,VHS,9\n100002,Luis,Garza,BHS,10\n",
        encoding="utf-8",
    )
    services.students.import_roster(SYSTEM_ACTOR, roster)
    maria = services.students.by_district_id(supervisor, "100001")
    luis = services.students.by_district_id(supervisor, "100002")
    services.students.update(officer, maria.id, StudentUpdate(first_name="María"))
    added = services.students.create(
        officer, StudentCreate(district_id="100003", first_name="Ana", last_name="Ruiz")
    )
    services.students.timeline(supervisor, maria.id)
    sealed_before = _sealed(services, "student", maria.id)
    assert sealed_before is not None
    # the next year's roster changes a sealed student, an unsealed one, and adds one
    roster.write_text(
        "Student ID,First Name,Last Name,School,Grade\n"
        "100001,Maria,Garcia Lopez,VHS,10\n100002,Luis,Garza,BHS,11\n"
        "100003,Ana,Ruiz,PHS,9\n100004,Eva,Soto,VHS,9\n",
        encoding="utf-8",
    )
    report = services.students.import_roster(SYSTEM_ACTOR, roster, confirm_changes=True)
    assert (report.added, report.updated) == (1, 3)
    resealed = _sealed(services, "student", maria.id)
    assert resealed is not None and resealed > sealed_before
    assert _sealed(services, "student", added.id) is not None
    assert _sealed(services, "student", luis.id) is None  # imported only: not sealed

    shift = services.checklist.open_shift(officer, _vhs(services))
    first, second, third = shift.items[:3]
    services.checklist.mark_done(officer, first.id)
    services.checklist.skip(officer, second.id, SkipItem(reason="Locked"))
    services.checklist.set_note(officer, third.id, ItemNote(note="Side gate open."))
    services.checklist.reset(officer, first.id)
    one_off = services.checklist.add_item(officer, shift.id, OneOffItem(label="Call the VP"))
    services.checklist.mark_done(officer, one_off.id)
    services.checklist.get_shift(supervisor, shift.id)

    services.officers.update(admin, officer.officer_id or 0, OfficerUpdate(name="Pat Lee"))
    services.officers.set_active(admin, supervisor.badge, False)
    services.officers.set_active(admin, supervisor.badge, True)
    services.officers.set_password(admin, officer.badge, "a much longer passphrase 42")
    # a timed lock: locked after five failures (audited), opened by itself at a sign-in
    with services.db.write() as session:
        store_settings.set_value(session, store_settings.LOCKOUT_MINUTES, "15")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate(supervisor.badge, "wrong password!")
        clock.advance(seconds=5)
    clock.advance(minutes=16)
    services.officers.authenticate(supervisor.badge, TEST_PASSWORD)
    # and an administrator's unlock after a lock
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate(officer.badge, "wrong password!")
    services.officers.unlock(admin, officer.badge)
    # a sign-in that re-hashes the password (audited as a login, not an officer change)
    with services.db.read() as session:
        old_hash = session.execute(
            text("SELECT password_hash FROM officers WHERE id = :i"), {"i": officer.officer_id}
        ).scalar_one()
    monkeypatch.setattr(officer_service, "needs_rehash", lambda _hash: True)
    services.officers.authenticate(officer.badge, "a much longer passphrase 42")
    monkeypatch.undo()
    with services.db.read() as session:
        assert (
            old_hash
            != session.execute(
                text("SELECT password_hash FROM officers WHERE id = :i"), {"i": officer.officer_id}
            ).scalar_one()
        )

    report = services.audit.verify_records(supervisor)
    assert report.ok, report.problems
    with services.db.read() as session:
        types = set(
            session.execute(text("SELECT DISTINCT record_type FROM record_seals")).scalars()
        )
    assert types == {"student", "shift", "checklist_item", "officer"}


def test_a_sealed_student_tampered_after_an_import_is_named(
    services: Services, officer: Actor, supervisor: Actor, tmp_path: Path
) -> None:
    ana = services.students.create(
        officer, StudentCreate(district_id="100003", first_name="Ana", last_name="Ruiz")
    )
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "Student ID,First Name,Last Name,School,Grade\n100003,Ana,Ruiz Soto,VHS,9\n",
        encoding="utf-8",
    )
    services.students.import_roster(SYSTEM_ACTOR, roster, confirm_changes=True)
    assert services.audit.verify_records(supervisor).ok
    tamper(services, "UPDATE students SET grade = 12 WHERE id = :i", {"i": ana.id})
    problems = services.audit.verify_records(supervisor).problems
    assert len(problems) == 1 and problems[0].startswith(f"student #{ana.id} was changed")


def test_records_changed_before_their_type_was_sealed_are_counted_not_reported(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    """A store sealed incidents before it sealed students: a student changed then has no
    seal, and is counted as unsealed (like a record older than sealing), not reported."""
    services.incidents.create(officer, new_incident(services))
    ana = services.students.create(
        officer, StudentCreate(district_id="S-9001", first_name="Ana", last_name="Ruiz")
    )
    tamper(services, "DELETE FROM record_seals WHERE record_type IN ('student', 'officer')")
    report = services.audit.verify_records(supervisor)
    assert report.ok, report.problems
    assert report.unsealed >= 3  # the student and the two officers
    services.students.update(officer, ana.id, StudentUpdate(grade=9))
    tamper(services, "UPDATE students SET grade = 3 WHERE id = :i", {"i": ana.id})
    problems = services.audit.verify_records(supervisor).problems
    assert len(problems) == 1 and problems[0].startswith(f"student #{ana.id} was changed")
