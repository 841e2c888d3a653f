"""Safe roster imports (issue 11 items 1 and 2): a district-wide ID, never another child under
a reused number, changes of a known child's name or school confirmed first, strict CSV read
line by line, and the district's school numbers."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sro_tui.domain.errors import SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.roster import RosterChange, is_typo_fix
from sro_tui.domain.schools import SchoolUpdate
from sro_tui.domain.students import StudentCreate, StudentUpdate
from sro_tui.services.registry import Services
from sro_tui.store.models import Student

from .conftest import TEST_PASSWORD, RunCli

HEADER = "Student Number,Perm ID,First Name,Last Name,School,Grade"


def write(tmp_path: Path, name: str, lines: list[str]) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def school_file(tmp_path: Path, code: str, first_perm: int) -> Path:
    """An Aeries export of one school: Student Number 1..1,250 (reused by every school),
    Perm ID unique in the district."""
    lines = [HEADER]
    lines += [
        f"{n},{first_perm + n},{code}First{n},{code}Last{n},{code},{9 + n % 4}"
        for n in range(1, 1251)
    ]
    return write(tmp_path, f"{code.lower()}.csv", lines)


def count(services: Services) -> int:
    with services.db.read() as session:
        return session.scalar(select(func.count()).select_from(Student)) or 0


def student(services: Services, district_id: str) -> tuple[str, str, int | None]:
    found = services.students.by_district_id(SYSTEM_ACTOR, district_id)
    return found.first_name, found.last_name, found.school_id


def test_two_schools_reusing_student_numbers_add_every_child(
    services: Services, tmp_path: Path
) -> None:
    vhs = services.students.import_roster(SYSTEM_ACTOR, school_file(tmp_path, "VHS", 500_000))
    bhs = services.students.import_roster(SYSTEM_ACTOR, school_file(tmp_path, "BHS", 600_000))
    assert (vhs.added, vhs.updated, vhs.rejected) == (1250, 0, ())
    assert (bhs.added, bhs.updated, bhs.unchanged, bhs.changes) == (1250, 0, 0, ())
    assert count(services) == 2500
    vhs_id = services.reference.school_by_code("VHS").id
    assert student(services, "500001") == ("VHSFirst1", "VHSLast1", vhs_id)
    assert student(services, "600001")[:2] == ("BHSFirst1", "BHSLast1")


def test_more_than_one_district_id_column_needs_map(services: Services, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "two.csv",
        ["SSID,Perm ID,First Name,Last Name", "S1,P1,Ana,Ruiz", "S2,P2,Luis,Garza"],
    )
    with pytest.raises(SroError) as refused:
        services.students.import_roster(SYSTEM_ACTOR, path)
    message = str(refused.value)
    assert "'SSID', 'Perm ID'" in message and "--map district_id='SSID'" in message
    assert count(services) == 0
    report = services.students.import_roster(SYSTEM_ACTOR, path, mapping={"district_id": "Perm ID"})
    assert report.added == 2 and student(services, "P1")[:2] == ("Ana", "Ruiz")


def test_student_number_alone_is_used_only_when_mapped(services: Services, tmp_path: Path) -> None:
    path = write(tmp_path, "n.csv", ["Student Number,First Name,Last Name", "7,Ana,Ruiz"])
    with pytest.raises(SroError, match="unique only within a school") as refused:
        services.students.import_roster(SYSTEM_ACTOR, path)
    assert "--map district_id='Student Number'" in str(refused.value)
    report = services.students.import_roster(
        SYSTEM_ACTOR, path, mapping={"district_id": "Student Number"}
    )
    assert report.added == 1


def test_typo_threshold() -> None:
    assert is_typo_fix("Garcia", "García") and is_typo_fix("Nunez", "Núñez")
    assert is_typo_fix("Jonh", "John") and is_typo_fix("O'Brien", "OBrien")
    assert is_typo_fix("Washingtn", "Washington")
    assert not is_typo_fix("Maria", "Mateo") and not is_typo_fix("Lee", "Garza")
    assert not is_typo_fix("Mary", "Maria")


def known(services: Services) -> dict[str, int]:
    vhs = services.reference.school_by_code("VHS").id
    people = [
        ("K1", "Maria", "Garcia", vhs),  # renamed by the file: held
        ("K2", "Luis", "Garza", vhs),  # moved to BHS by the file: held
        ("K3", "Jonh", "Nunez", vhs),  # typos fixed: applied
        ("K4", "Ana", "Ruiz", None),  # no school yet: given one, applied
    ]
    return {
        d: services.students.create(
            SYSTEM_ACTOR,
            StudentCreate(district_id=d, first_name=f, last_name=last, school_id=school),
        ).id
        for d, f, last, school in people
    }


CHANGES = [
    "District ID,First Name,Last Name,School,Grade",
    "K1,Eva,Lee,VHS,10",
    "K2,Luis,Garza,BHS,10",
    "K3,John,Núñez,VHS,10",
    "K4,Ana,Ruiz,VHS,9",
    "K5,New,Kid,VHS,9",
]


def test_a_changed_name_or_school_is_held_until_confirmed(
    services: Services, tmp_path: Path
) -> None:
    known(services)
    path = write(tmp_path, "changes.csv", CHANGES)
    asked: list[tuple[RosterChange, ...]] = []

    def decline(changes: tuple[RosterChange, ...]) -> bool:
        asked.append(changes)
        return False

    report = services.students.import_roster(SYSTEM_ACTOR, path, confirm=decline)
    assert [str(c) for c in asked[0]] == [
        "line 2: K1 Garcia, Maria -> Lee, Eva",
        "line 3: K2 Garza, Luis, school VHS -> BHS",
    ]
    assert report.held == asked[0] and report.changes == asked[0]
    assert (report.added, report.updated, report.unchanged) == (1, 2, 0)
    assert "2 held for confirmation" in report.summary()
    assert student(services, "K1")[:2] == ("Maria", "Garcia")
    assert student(services, "K2")[2] == services.reference.school_by_code("VHS").id
    assert student(services, "K3")[:2] == ("John", "Núñez")
    (event,) = [e for e in services.audit.recent() if e.action == "student.import"]
    assert "confirmed 0, held 2" in event.detail and "Garcia" not in event.detail
    # Confirmed: applied.
    report = services.students.import_roster(SYSTEM_ACTOR, path, confirm=lambda changes: True)
    assert len(report.changes) == 2 and report.changes_applied and report.held == ()
    assert (report.updated, report.unchanged) == (2, 3)
    assert student(services, "K1")[:2] == ("Eva", "Lee")
    assert student(services, "K2")[2] == services.reference.school_by_code("BHS").id


def test_a_student_changed_while_asking_is_left_alone(services: Services, tmp_path: Path) -> None:
    ids = known(services)

    def meanwhile(changes: tuple[RosterChange, ...]) -> bool:
        # Another terminal edits K1 while the officer reads the list.
        services.students.update(SYSTEM_ACTOR, ids["K1"], StudentUpdate(first_name="Marie"))
        return True

    report = services.students.import_roster(
        SYSTEM_ACTOR, write(tmp_path, "c.csv", CHANGES), confirm=meanwhile
    )
    assert report.changed_meanwhile == 1 and report.updated == 3
    assert student(services, "K1")[:2] == ("Marie", "Garcia")


def test_an_unclosed_quote_spoils_only_its_line(services: Services, tmp_path: Path) -> None:
    lines = ["District ID,First Name,Last Name,School,Grade"]
    lines += [f"9{n:05d},First{n},Last{n},VHS,10" for n in range(1, 5001)]
    lines[2] = '900002,"Beta, Bob,10,VHS,10'  # line 3
    lines[5] = "900005,Gamma, Greg,Lee,VHS,10"  # line 6: a comma in a name, no quotes
    lines[7] = '900007,"Ruiz, Ana",Ruiz,VHS,10'  # line 8: quoted as it should be
    report = services.students.import_roster(SYSTEM_ACTOR, write(tmp_path, "q.csv", lines))
    assert report.total == 5000 and report.added == 4998
    assert [(r.row, r.field) for r in report.rejected] == [(3, "row"), (6, "row")]
    assert str(report.rejected[0]).startswith('line 3: a quote (") is not closed')
    assert "has 6 fields; the header has 5" in str(report.rejected[1])
    assert student(services, "900003")[:2] == ("First3", "Last3")  # the line after it
    assert student(services, "900007")[0] == "Ruiz, Ana"


def test_field_counts_follow_the_header(services: Services, tmp_path: Path) -> None:
    lines = ["Perm ID,First Name,Last Name,Grade,", "P1,Ana,Ruiz,9,", "P2,Luis,Garza,10"]
    lines += ["P3,Eva,Lee", "P4,Kim,Ng,11,,", "P5,Tom,Ng,11,x"]
    report = services.students.import_roster(SYSTEM_ACTOR, write(tmp_path, "w.csv", lines))
    assert report.added == 3  # the empty last column and blank extra cells are no matter
    assert [(r.row, str(r)) for r in report.rejected] == [
        (4, "line 4: has 3 fields; the header has 4 (a comma inside a name needs quotes)"),
        (6, "line 6: has 5 fields; the header has 4 (a comma inside a name needs quotes)"),
    ]


def test_school_numbers_by_map_or_the_schools_district_number(
    services: Services, admin: Actor, tmp_path: Path
) -> None:
    services.reference.edit_school(admin, "BHS", SchoolUpdate(district_number="7"))
    lines = ["Perm ID,First Name,Last Name,School"]
    lines += ["P1,Ana,Ruiz,1", "P2,Luis,Garza,7", "P3,Eva,Lee,9", "P4,Kim,Ng,VHS"]
    path = write(tmp_path, "aeries.csv", lines)
    report = services.students.import_roster(SYSTEM_ACTOR, path, school_map={"1": "VHS"})
    assert report.added == 3
    vhs, bhs = (services.reference.school_by_code(c).id for c in ("VHS", "BHS"))
    assert student(services, "P1")[2] == vhs and student(services, "P2")[2] == bhs
    ((line, message),) = [(r.row, str(r)) for r in report.rejected]
    assert line == 4 and "School '9' is not known" in message and "--map-school 9=" in message
    with pytest.raises(SroError, match="no school with code 'XYZ'"):
        services.students.import_roster(SYSTEM_ACTOR, path, school_map={"1": "XYZ"})


def test_cli_holds_changes_until_confirm_changes(
    services: Services, db_url: str, tmp_path: Path, run_cli: RunCli, supervisor: Actor
) -> None:
    known(services)
    path = str(write(tmp_path, "c.csv", [*CHANGES, "K6,Ana,Ortiz,1,9"]))
    # Signed in: a shared (PostgreSQL) store has no local administrator.
    signed = ("--as", supervisor.badge, "--password-stdin")
    base = ("--db", db_url, "students", "import", path, "--map-school", "1=VHS", *signed)
    held = run_cli(*base, stdin=TEST_PASSWORD)
    assert held.code == 1
    assert "6 rows: 2 added, 2 updated, 0 unchanged, 0 rejected, 2 held" in held.out
    assert "  held line 2: K1 Garcia, Maria -> Lee, Eva" in held.out
    assert "--confirm-changes" in held.out
    assert student(services, "K1")[:2] == ("Maria", "Garcia")
    done = run_cli(*base, "--confirm-changes", stdin=TEST_PASSWORD)
    assert done.code == 0
    assert "  changed line 3: K2 Garza, Luis, school VHS -> BHS" in done.out
    assert student(services, "K1")[:2] == ("Eva", "Lee")
    bad = run_cli(*base, "--map-school", "nope", stdin=TEST_PASSWORD)
    assert bad.code == 2 and "--map-school 'nope' should look like 1=VHS" in bad.err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(("answer", "applied"), [("y\n", True), ("\n", False)])
def test_cli_asks_in_a_terminal(
    services: Services,
    db_url: str,
    tmp_path: Path,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    answer: str,
    applied: bool,
    supervisor: Actor,
) -> None:
    from sro_tui.cli import main

    known(services)  # run_cli: the command's environment (home, audit key)
    path = str(write(tmp_path, "c.csv", CHANGES))
    # The password first (a shared store has no local administrator), then the answer.
    monkeypatch.setattr(sys, "stdin", Terminal(f"{TEST_PASSWORD}\n{answer}"))
    signed = ["--as", supervisor.badge, "--password-stdin"]
    code = main(["--db", db_url, "students", "import", path, *signed])
    _out, err = capsys.readouterr()
    assert "2 known students would change name or school:" in err
    assert "Apply these changes? [y/N]" in err
    assert code == (0 if applied else 1)
    assert (student(services, "K1")[:2] == ("Eva", "Lee")) is applied
