"""Roster import from district CSV files: good rows in, bad rows reported, bad files refused."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sro_tui.domain.errors import PermissionDenied, SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.store.models import Student

from .conftest import TEST_PASSWORD, RunCli, make_officer

GOOD = """Student ID,First Name,Last Name,School,Grade
100001,Maria,Garcia,VHS,9
100002,Luis,Garza,BHS,10
100003,Ana,Ruiz,,K
"""


def write(tmp_path: Path, content: str | bytes, name: str = "roster.csv") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def count(services: Services) -> int:
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(Student)) or 0


def by_id(services: Services, district_id: str):
    return services.students.by_district_id(SYSTEM_ACTOR, district_id)


def test_good_file(services: Services, tmp_path: Path) -> None:
    calls: list[tuple[int, int]] = []
    report = services.students.import_roster(
        SYSTEM_ACTOR, write(tmp_path, GOOD), progress=lambda d, t: calls.append((d, t))
    )
    assert (report.total, report.added, report.updated, report.rejected) == (3, 3, 0, ())
    assert calls[-1] == (3, 3)
    maria = by_id(services, "100001")
    assert (maria.first_name, maria.last_name, maria.grade) == ("Maria", "Garcia", 9)
    assert maria.school_id == services.reference.school_by_code("VHS").id
    assert by_id(services, "100003").grade == 0 and by_id(services, "100003").school_id is None
    assert [s.district_id for s in services.students.search(SYSTEM_ACTOR, "garcia m").items] == [
        "100001"
    ]
    (event,) = [e for e in services.audit.recent() if e.action == "student.import"]
    assert "added 3" in event.detail and event.badge == "SYSTEM"
    assert "Garcia" not in event.detail


def test_bad_rows_are_reported_and_good_rows_go_in(services: Services, tmp_path: Path) -> None:
    content = (
        "Student ID,First Name,Last Name,School,Grade\n"
        "100001,Maria,Garcia,VHS,9\n"
        "bad id!,Luis,Garza,VHS,10\n"
        "100003,,Ruiz,VHS,11\n"
        "100004,Eva,Lee,XYZ,11\n"
        "100005,Tom,Ng,VHS,14\n"
        "100001,Maria,Garcia,VHS,9\n"
        "100007,Kim\n"
        "\n"
        "100008,Sam,Ortiz,Buena High School,12\n"
    )
    report = services.students.import_roster(SYSTEM_ACTOR, write(tmp_path, content))
    assert (report.added, report.updated) == (2, 0)
    assert [(r.row, r.field) for r in report.rejected] == [
        (3, "district_id"),
        (4, "first_name"),
        (5, "school"),
        (6, "grade"),
        (7, "district_id"),
        (8, "row"),
    ]
    messages = [str(r) for r in report.rejected]
    assert messages[0].startswith("line 3: District ID")
    assert messages[1] == "line 4: First name is required"
    assert "XYZ" in messages[2]
    assert "row 2" in messages[4]
    assert count(services) == 2
    assert by_id(services, "100008").school_id == services.reference.school_by_code("BHS").id


def test_update_of_existing_students(services: Services, tmp_path: Path) -> None:
    services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(district_id="100001", first_name="Mary", last_name="Garcia", grade=8),
    )
    services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(
            district_id="100002",
            first_name="Luis",
            last_name="Garza",
            school_id=services.reference.school_by_code("BHS").id,
            grade=10,
        ),
    )
    services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(district_id="100003", first_name="Ana", last_name="Ruiz", grade=5),
    )
    # Mary -> Maria is more than a typo: another child? Applied only when confirmed.
    report = services.students.import_roster(SYSTEM_ACTOR, write(tmp_path, GOOD))
    assert (report.added, report.updated, report.unchanged) == (0, 1, 1)
    assert [(c.district_id, c.old_name, c.new_name) for c in report.held] == [
        ("100001", "Garcia, Mary", "Garcia, Maria")
    ]
    assert by_id(services, "100001").first_name == "Mary"
    report = services.students.import_roster(
        SYSTEM_ACTOR, write(tmp_path, GOOD), confirm_changes=True
    )
    assert (report.added, report.updated, report.unchanged) == (0, 1, 2)
    assert len(report.changes) == 1 and report.changes_applied and report.held == ()
    maria = by_id(services, "100001")
    assert (maria.first_name, maria.grade) == ("Maria", 9)
    assert services.students.search(SYSTEM_ACTOR, "garcia mari").items[0].id == maria.id
    assert services.students.search(SYSTEM_ACTOR, "garcia mary").items == []
    assert by_id(services, "100003").grade == 0  # K in the file
    # A blank grade or school leaves the stored value alone.
    blank = "Student ID,First Name,Last Name,School,Grade\n100002,Luis,Garza,,\n"
    report = services.students.import_roster(SYSTEM_ACTOR, write(tmp_path, blank, "b.csv"))
    assert report.unchanged == 1
    assert by_id(services, "100002").grade == 10


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00binary workbook", "workbook"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "not a CSV"),
        (b"", "empty"),
        (b"Student ID,First Name,Last Name\n", "no student rows"),
        (b"name;dob\nMaria;2010-01-01\n", "no usable header"),
        (b"100001,Maria,Garcia\n100002,Luis,Garza\n", "no usable header"),
        (b"Student ID,Surname\n1,Garcia\n", "First name"),
    ],
)
def test_a_bad_file_changes_nothing(
    services: Services, tmp_path: Path, content: bytes, message: str
) -> None:
    before = count(services)
    events = len(services.audit.recent(limit=1000))
    with pytest.raises(SroError, match=message):
        services.students.import_roster(SYSTEM_ACTOR, write(tmp_path, content))
    assert count(services) == before
    assert len(services.audit.recent(limit=1000)) == events
    with pytest.raises(SroError, match="No file"):
        services.students.import_roster(SYSTEM_ACTOR, tmp_path / "missing.csv")


def test_mapping_and_other_dialects(services: Services, tmp_path: Path) -> None:
    content = "Perm;Given;Family;Site;Gr\r\nA-1;José;Núñez;vhs;10th\r\nA-2;Kim;Lee;;TK\r\n"
    path = write(tmp_path, content.encode("cp1252"))
    mapping = {
        "district_id": "Perm",
        "first_name": "Given",
        "last_name": "Family",
        "school": "Site",
    }
    report = services.students.import_roster(SYSTEM_ACTOR, path, mapping=mapping)
    assert (report.added, report.rejected) == (2, ())
    jose = by_id(services, "A-1")
    assert (jose.first_name, jose.last_name, jose.grade) == ("José", "Núñez", 10)
    assert by_id(services, "A-2").grade == -1
    assert services.students.search(SYSTEM_ACTOR, "nunez").items[0].id == jose.id
    with pytest.raises(SroError, match="no column 'Nope'"):
        services.students.import_roster(SYSTEM_ACTOR, path, mapping={"grade": "Nope"})
    with pytest.raises(SroError, match="unknown field"):
        services.students.import_roster(SYSTEM_ACTOR, path, mapping={"dob": "Gr"})


def test_officers_import_only_their_schools(
    services: Services, officer: Actor, supervisor: Actor, tmp_path: Path
) -> None:
    report = services.students.import_roster(officer, write(tmp_path, GOOD))
    # VHS row in; BHS row refused; the blank-school row takes the officer's only school.
    assert report.added == 2
    assert [(r.row, r.field) for r in report.rejected] == [(3, "school")]
    assert by_id(services, "100003").school_id == services.reference.school_by_code("VHS").id
    assert services.students.import_roster(supervisor, write(tmp_path, GOOD)).rejected == ()
    nowhere = make_officer(services, "1009", "officer", ())
    with pytest.raises(PermissionDenied):
        services.students.import_roster(nowhere, write(tmp_path, GOOD))
    assert services.audit.recent()[0].outcome == "denied"
    with pytest.raises(PermissionDenied):
        services.students.import_roster(officer, write(tmp_path, GOOD), default_school="BHS")


def test_five_thousand_rows_quickly(services: Services, tmp_path: Path) -> None:
    lines = ["District ID,First Name,Last Name,School,Grade"]
    schools = ["VHS", "BHS", "PHS", "FTHS"]
    for n in range(6000):
        grade = "X" if n % 1000 == 999 else str(9 + n % 4)
        lines.append(f"D{n:06},First{n},Last{n % 97},{schools[n % 4]},{grade}")
    path = write(tmp_path, "\n".join(lines) + "\n")
    calls: list[int] = []
    started = time.perf_counter()
    report = services.students.import_roster(
        SYSTEM_ACTOR, path, progress=lambda done, total: calls.append(done)
    )
    first_run = time.perf_counter() - started
    assert (report.total, report.added, len(report.rejected)) == (6000, 5994, 6)
    assert all(r.field == "grade" for r in report.rejected)
    assert calls == sorted(calls) and calls[-1] == 6000 and len(calls) >= 10
    assert count(services) == 5994
    assert first_run < 60  # seconds; typically 1-3 on SQLite and PostgreSQL
    # The same file again updates nothing; a changed copy updates in bulk.
    again = services.students.import_roster(SYSTEM_ACTOR, path)
    assert (again.added, again.updated, again.unchanged) == (0, 0, 5994)
    changed = path.read_text().replace(",Last1,", ",Changed,")
    report = services.students.import_roster(
        SYSTEM_ACTOR, write(tmp_path, changed, "c.csv"), confirm_changes=True
    )
    assert report.updated == sum(1 for n in range(6000) if n % 97 == 1 and n % 1000 != 999)
    assert by_id(services, "D000001").last_name == "Changed"


def test_cli_import_and_search(
    services: Services,
    db_url: str,
    tmp_path: Path,
    run_cli: RunCli,
    supervisor: Actor,
) -> None:
    path = write(tmp_path, GOOD.replace("Student ID", "Perm") + "100004,Eva,Lee,XYZ,11\n")
    # Signed in: a shared (PostgreSQL) store has no local administrator.
    signed = ("--as", supervisor.badge, "--password-stdin")
    stdin = TEST_PASSWORD + "\n"
    result = run_cli(
        "--db", db_url, "students", "import", str(path), "--map", "district_id=Perm", *signed,
        stdin=stdin,
    )  # fmt: skip
    out = result.out
    assert result.code == 1  # some rows were rejected
    assert "4 rows: 3 added, 0 updated, 0 unchanged, 1 rejected" in out
    assert "rejected line 5: School 'XYZ' is not known" in out
    result = run_cli("--db", db_url, "students", "search", "garcia", "m", *signed, stdin=stdin)
    assert result.code == 0
    out = result.out
    assert "100001" in out and "Garcia, Maria" in out and "100002" not in out
    result = run_cli(
        "--db", db_url, "students", "import", str(path), "--map", "bad", *signed, stdin=stdin
    )
    assert result.code == 2
    assert "--map" in result.err


def test_cli_shows_progress_for_long_files_and_signs_officers_in(
    services: Services,
    db_url: str,
    officer: Actor,
    tmp_path: Path,
    run_cli: RunCli,
) -> None:
    lines = ["Student ID,First Name,Last Name,School"]
    lines += [f"L{n:05},Kid{n},Long,{'VHS' if n % 2 else 'BHS'}" for n in range(2500)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    args = ("--db", db_url, "students", "import", str(path), "--as", "1001", "--password-stdin")
    captured = run_cli(*args, stdin=TEST_PASSWORD + "\n")
    assert captured.code == 1
    assert "2,500 rows: 1,250 added" in captured.out
    assert "rejected line 2: School is not one of your assigned schools" in captured.out
    assert "[##############################] 2,500/2,500 rows" in captured.err
    (event,) = [e for e in services.audit.recent() if e.action == "student.import"]
    assert event.badge == "1001"
