"""Issue 11 item 4: every CSV the app writes goes through domain.csv_safe. No cell runs as a
formula (= + - @ tab CR), a UTF-8 BOM unless asked not to, local time columns beside the UTC
ones (23:47 local is on its own day), and a supervisor's export does not list the students of
confidential notes whose text it withholds."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sro_tui.domain.csv_safe import SafeCsvDictWriter, SafeCsvWriter, safe_cell
from sro_tui.domain.enums import ContactKind, PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, Clock, RunCli
from .test_search import add_student, school_id

BOM = "\ufeff"
DAY = date(2026, 9, 14)
LATE = datetime(2026, 9, 15, 6, 47, tzinfo=UTC)  # 23:47 on the 14th in Los Angeles (PDT)


def read_csv(path: Path) -> tuple[str, list[dict[str, str]]]:
    text = path.read_text(encoding="utf-8")
    return text, list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_the_writer_neutralises_every_formula_start() -> None:
    out = io.StringIO()
    writer = SafeCsvWriter(out)
    writer.writerow(["=1+1", "+1", "-2+3", "@A1", "\tx", "\rx", "\uff1d1", "a=b", -5, 2.5, None])
    assert out.getvalue() == ("\ufeff'=1+1,'+1,'-2+3,'@A1,'\tx,\"'\rx\",'\uff1d1,a=b,-5,2.5,\r\n")
    assert safe_cell("Núñez") == "Núñez"
    plain = io.StringIO()
    rows = SafeCsvDictWriter(plain, ["a", "b"], bom=False)
    rows.writeheader()
    rows.writerow({"a": "-x"})
    assert plain.getvalue() == "a,b\r\n'-x,\r\n"


def test_audit_export_neutralises_and_gives_local_time(
    services: Services, clock: Clock, supervisor: Actor
) -> None:
    clock.now = LATE
    for badge, detail in (("=1+1", "-2+3"), ("@A1", "+cmd")):
        services.audit.record_alone(
            None, "login.failed", record_type="session", detail=detail, badge=badge
        )
    out = io.StringIO()
    services.audit.export_csv(supervisor, out, since=DAY, until=DAY)
    text = out.getvalue()
    assert text.startswith(BOM + "id,at_utc,at_local,badge,")
    rows = [r for r in csv.DictReader(io.StringIO(text[1:])) if r["action"] == "login.failed"]
    assert [(r["badge"], r["detail"]) for r in rows] == [("'=1+1", "'-2+3"), ("'@A1", "'+cmd")]
    assert rows[0]["at_utc"].startswith("2026-09-15T06:47:00")
    assert rows[0]["at_local"] == "2026-09-14T23:47:00-07:00"
    plain = io.StringIO()
    services.audit.export_csv(supervisor, plain, since=DAY, until=DAY, bom=False)
    assert plain.getvalue().startswith("id,at_utc,at_local,")


def test_cli_audit_export_bom_option(
    services: Services, db_url: str, clock: Clock, run_cli: RunCli, supervisor: Actor
) -> None:
    services.audit.record_alone(SYSTEM_ACTOR, "test.event", badge="=1+1")
    # Signed in: a PostgreSQL store has no unsigned local administration (cli/common.py).
    signed = ("--as", supervisor.badge, "--password-stdin")
    result = run_cli("--db", db_url, "audit", "export", *signed, stdin=TEST_PASSWORD)
    assert result.code == 0 and result.out.startswith(BOM + "id,")
    assert ",'=1+1," in result.out
    result = run_cli("--db", db_url, "audit", "export", "--no-bom", *signed, stdin=TEST_PASSWORD)
    assert result.code == 0 and result.out.startswith("id,")


def test_record_export_csv(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor, tmp_path: Path
) -> None:
    clock.now = LATE + timedelta(hours=1)
    ana = add_student(services, officer, "D-300", "Ana", "Núñez")
    tomas = add_student(services, officer, "D-400", "Tomás", "-Reyes")
    private = add_student(services, officer, "D-500", "Eva", "Quiet")
    services.incidents.create(
        officer,
        IncidentCreate(
            school_id=school_id(services),
            occurred_at=LATE,
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[
                PersonIn(role=PersonRole.SUSPECT, student_id=ana),
                PersonIn(role=PersonRole.VICTIM, student_id=tomas),
            ],
            narrative="-2+3 was written on the wall by Ana Núñez.",
        ),
    )
    for students, confidential in (([ana], False), ([private], True)):
        services.notes.create(
            officer,
            NoteCreate(
                kind=ContactKind.MENTORING,
                school_id=school_id(services),
                occurred_at=LATE - timedelta(minutes=5),
                student_ids=students,
                text="Talked.",
                confidential=confidential,
            ),
        )

    summary = services.export.export(
        supervisor, fmt="csv", since=DAY, until=DAY, out_dir=tmp_path / "sup"
    )
    out = tmp_path / "sup"
    for path in summary.files:
        if path.suffix == ".csv":
            assert path.read_bytes().startswith(BOM.encode()), path.name
    text, (incident,) = read_csv(out / "incidents.csv")
    assert "Núñez" in text
    assert incident["narrative"] == "'-2+3 was written on the wall by Ana Núñez."
    assert incident["occurred_at"].startswith("2026-09-15T06:47:00")
    assert incident["occurred_at_local"] == "2026-09-14T23:47:00-07:00"
    header = next(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert header.index("occurred_at_local") == header.index("occurred_at") + 1
    assert "submitted_at_local" in header  # a time column with no time yet keeps its column
    _, students = read_csv(out / "students.csv")
    assert {s["district_id"]: s["last_name"] for s in students} == {
        "D-300": "Núñez",
        "D-400": "'-Reyes",
    }
    _, notes = read_csv(out / "notes.csv")
    by_withheld = {n["text_withheld"]: n for n in notes}
    assert by_withheld["yes"]["students"] == "" and by_withheld["yes"]["text"] == ""
    assert by_withheld["no"]["students"] == "D-300"
    assert all(n["occurred_at_local"].startswith("2026-09-14T23:42") for n in notes)
    assert summary.counts["students"] == 2

    # The author reads their own confidential note, and its student is exported.
    mine = services.export.export(
        officer, fmt="csv", since=DAY, until=DAY, out_dir=tmp_path / "own", bom=False
    )
    assert not (tmp_path / "own" / "notes.csv").read_bytes().startswith(BOM.encode())
    _, students = read_csv(tmp_path / "own" / "students.csv")
    assert "D-500" in {s["district_id"] for s in students} and mine.counts["students"] == 3
