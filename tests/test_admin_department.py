"""Issue 12, administration: a new department is set up from `sro init` without any SQL:
agency name and time zone, a middle and an elementary school (the middle school with the
district's number, which its roster gives), officers, a checklist item of its own, a roster
row, and an incident filed there. Both backends."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sro_tui.bootstrap import open_store
from sro_tui.config import Settings
from sro_tui.domain.enums import PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn

from .conftest import TEST_PASSWORD, RunCli

ADMIN = "9001"


def test_a_new_department_from_sro_init(empty_db_url: str, tmp_path: Path, run_cli: RunCli) -> None:
    db = ("--db", empty_db_url)
    signed = ("--as", ADMIN, "--password-stdin")

    def as_admin(*argv: str, stdin: str = f"{TEST_PASSWORD}\n") -> str:
        result = run_cli(*db, *argv, *signed, stdin=stdin)
        assert result.code == 0, (argv, result.err)
        return result.out

    assert run_cli(*db, "init").code == 0
    first = run_cli(
        *db,
        "officer",
        "add",
        "--badge",
        ADMIN,
        "--name",
        "Ada Admin",
        "--role",
        "admin",
        "--password-stdin",
        stdin=f"{TEST_PASSWORD}\n",
    )
    assert first.code == 0, first.err

    as_admin("settings", "set", "agency_name", "Oxnard Police Department")
    as_admin("settings", "set", "timezone", "America/Denver")
    as_admin("settings", "set", "idle_lock_minutes", "15")
    # Reads too are signed in: a shared (PostgreSQL) store has no local administrator.
    shown = as_admin("settings", "show")
    assert "Oxnard Police Department" in shown and "America/Denver" in shown

    as_admin(
        "school",
        "add",
        "--code",
        "CMS",
        "--name",
        "Cabrillo Middle School",
        "--level",
        "middle",
        "--number",
        "0412",
    )
    as_admin(
        "school", "add", "--code", "MES", "--name", "Mound Elementary", "--level", "elementary"
    )
    listing = as_admin("school", "list")
    assert "VHS" not in listing  # `sro init` added no sample school: only the department's
    assert "Cabrillo Middle School" in listing and "0412" in listing
    assert "Mound Elementary" in listing

    # Officers: one added at the middle school, then transferred to both by an edit.
    as_admin(
        "officer",
        "add",
        "--badge",
        "1201",
        "--name",
        "Olive Ortega",
        "--role",
        "officer",
        "--school",
        "CMS",
        stdin=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n",
    )
    edited = as_admin("officer", "edit", "1201", "--schools", "CMS,MES")
    assert "CMS,MES" in edited
    as_admin(
        "officer",
        "add",
        "--badge",
        "2201",
        "--name",
        "Sam Sergeant",
        "--role",
        "officer",
        stdin=f"{TEST_PASSWORD}\n{TEST_PASSWORD}\n",
    )
    assert "supervisor" in as_admin("officer", "edit", "2201", "--role", "supervisor")

    as_admin("reference", "add", "checklist", "Walk the bus loop", "--school", "CMS")
    assert "Walk the bus loop" in as_admin("reference", "list", "checklist")

    # The district's roster names the school by its number.
    roster = tmp_path / "roster.csv"
    roster.write_text("District ID,First name,Last name,School,Grade\n77001,Lena,Ruiz,0412,7\n")
    imported = run_cli(*db, "students", "import", str(roster), *signed, stdin=f"{TEST_PASSWORD}\n")
    assert imported.code == 0, imported.err + imported.out

    # The officer works a day there, through the services as the app does (no SQL).
    opened = open_store(Settings(database_url=empty_db_url), upgrade=False)
    try:
        services = opened.services
        assert services.ctx.tz == ZoneInfo("America/Denver")  # the store's, not SRO_TIMEZONE
        officer = services.officers.authenticate("1201", TEST_PASSWORD)
        cms = services.reference.school_for_key("0412")
        assert cms.code == "CMS" and cms.id in officer.school_ids
        shift = services.checklist.open_shift(officer, cms.id)
        assert "Walk the bus loop" in [item.label for item in shift.items]
        mes = services.reference.school_by_code("MES")
        other = services.checklist.open_shift(officer, mes.id)
        assert "Walk the bus loop" not in [item.label for item in other.items]
        student = services.students.search(officer, "77001").items[0]
        incident = services.incidents.create(
            officer,
            IncidentCreate(
                school_id=cms.id,
                occurred_at=datetime(2026, 10, 5, 16, 30, tzinfo=UTC),
                location_code="HALLWAY",
                offenses=[OffenseIn(category_code="FIGHT", most_severe=True)],
                people=[PersonIn(role=PersonRole.SUSPECT, student_id=student.id)],
                narrative="Two students pushed each other in the hallway.",
            ),
        )
        assert incident.school_id == cms.id
    finally:
        opened.close()

    report = as_admin("report", "monthly", "--month", "2026-10", "--school", "CMS")
    assert "Oxnard Police Department" in report
    assert "Ventura Police Department" not in report
