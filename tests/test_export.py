"""Export to CSV and JSON: content, permissions, juvenile redaction, batches."""

from __future__ import annotations

import csv
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from sro_tui.domain.csv_safe import safe_cell
from sro_tui.domain.enums import ContactKind, PersonRole
from sro_tui.domain.errors import Conflict
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.services import export as export_module
from sro_tui.services.registry import Services
from sro_tui.store.models import AuditEvent

from .conftest import Clock, RunCli
from .test_search import add_student, school_id

TODAY = date(2026, 9, 14)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8-sig") as handle:  # after the BOM
        return list(csv.DictReader(handle))


def read_json(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))


@pytest.fixture
def fight(services: Services, officer: Actor, clock: Clock) -> dict[str, int]:
    """A fight between Maria and Jose (juveniles) seen by a teacher (adult), with a note,
    a confidential note and a referral."""
    maria = add_student(services, officer, "D-100", "Maria", "Lopez")
    jose = add_student(services, officer, "D-200", "Jose", "Reyes")
    incident = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=school_id(services),
            occurred_at=clock.now - timedelta(hours=1),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[
                PersonIn(role=PersonRole.SUSPECT, student_id=maria, outcomes=["warning"]),
                PersonIn(role=PersonRole.VICTIM, student_id=jose),
                PersonIn(role=PersonRole.WITNESS, name="Dana Whitfield", juvenile=False),
            ],
            narrative="Maria Lopez pushed Jose; Jose's lip was cut. Ms. Whitfield saw it. "
            "=SUM(A1) was written on the wall.",
        ),
    )
    note = services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.MEDIATION,
            school_id=school_id(services),
            occurred_at=clock.now - timedelta(minutes=30),
            minutes=25,
            student_ids=[maria, jose],
            text="Mediation: Maria apologised to Jose Reyes.",
        ),
    )
    secret = services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.MENTORING,
            school_id=school_id(services),
            occurred_at=clock.now - timedelta(minutes=20),
            student_ids=[maria],
            text="Private: trouble at home.",
            confidential=True,
        ),
    )
    referral = services.referrals.create(
        officer,
        ReferralCreate(
            student_id=maria,
            program_code="ANGER",
            reason="Pushed Jose in the hallway",
            referred_on=TODAY,
            incident_id=incident.id,
        ),
    )
    return {
        "maria": maria,
        "jose": jose,
        "incident": incident.id,
        "note": note.id,
        "secret": secret.id,
        "referral": referral.id,
    }


def test_csv_export_for_the_agency_keeps_names(
    services: Services, officer: Actor, fight: dict[str, int], tmp_path: Path
) -> None:
    seen: list[tuple[str, int, int]] = []
    summary = services.export.export(
        officer,
        fmt="csv",
        since=TODAY,
        out_dir=tmp_path / "out",
        progress=lambda kind, done, total: seen.append((kind, done, total)),
    )
    assert summary.counts == {
        "incidents": 1,
        "notes": 2,
        "referrals": 1,
        "shifts": 0,
        "trespass_warnings": 0,
        "calls": 0,
        "threat_cases": 0,
        "students": 2,
    }
    out = tmp_path / "out"
    (incident,) = read_csv(out / "incidents.csv")
    assert incident["narrative"].startswith("Maria Lopez pushed Jose;")
    assert "'=SUM(A1)" not in incident["narrative"]  # only a cell's first character counts
    assert incident["most_severe"] == "FIGHT" and incident["officer_badge"] == "1001"
    people = read_csv(out / "incidents_people.csv")
    assert [(p["incident_id"], p["student_district_id"], p["role"]) for p in people] == [
        (str(fight["incident"]), "D-100", "suspect"),
        (str(fight["incident"]), "D-200", "victim"),
        (str(fight["incident"]), "", "witness"),
    ]
    assert people[0]["outcomes"] == "warning" and people[2]["juvenile"] == "no"
    assert read_csv(out / "incidents_offenses.csv")[0]["category"] == "FIGHT"
    notes = {int(n["id"]): n for n in read_csv(out / "notes.csv")}
    assert notes[fight["note"]]["students"] == "D-100;D-200"
    assert notes[fight["secret"]]["text"] == "Private: trouble at home."  # the author's own
    (referral,) = read_csv(out / "referrals.csv")
    assert referral["reason"] == "Pushed Jose in the hallway" and referral["program"] == "ANGER"
    assert read_csv(out / "referrals_events.csv")[0]["to_status"] == "referred"
    assert {s["district_id"] for s in read_csv(out / "students.csv")} == {"D-100", "D-200"}
    assert read_csv(out / "shifts.csv") == []  # header only
    assert {p.stat().st_mode & 0o777 for p in out.iterdir()} == {0o600}  # owner only
    assert out.stat().st_mode & 0o777 == 0o700
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["redaction"].startswith("agency copy")
    assert ("incidents", 1, 1) in seen and ("students", 2, 2) in seen
    with services.db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export.run")).one()
    assert "Maria" not in event.detail and "incidents 1" in event.detail


def test_json_export_for_one_student_redacts_other_juveniles(
    services: Services, officer: Actor, fight: dict[str, int], tmp_path: Path
) -> None:
    out = tmp_path / "for-maria"
    summary = services.export.export(
        officer, fmt="json", since=TODAY, until=TODAY, out_dir=out, for_student_id=fight["maria"]
    )
    (incident,) = read_json(out / "incidents.json")
    assert incident["narrative"] == (
        "Maria Lopez pushed [JUVENILE 2]; [JUVENILE 2]'s lip was cut. Ms. Whitfield saw it. "
        "=SUM(A1) was written on the wall."
    )
    assert [(p["name"], p["student_district_id"]) for p in incident["people"]] == [
        ("Maria Lopez", "D-100"),
        ("[JUVENILE 2]", ""),
        ("Dana Whitfield", ""),
    ]
    notes = {n["id"]: n for n in read_json(out / "notes.json")}
    assert notes[fight["note"]]["text"] == "Mediation: Maria apologised to [JUVENILE 2]."
    assert notes[fight["note"]]["students"] == ["D-100"]
    (referral,) = read_json(out / "referrals.json")
    assert referral["reason"] == "Pushed [JUVENILE 2] in the hallway"
    assert [s["district_id"] for s in read_json(out / "students.json")] == ["D-100"]
    assert not (out / "shifts.json").exists()
    assert summary.counts["students"] == 1 and "[JUVENILE n]" in summary.redaction

    # For Jose: he keeps his name, Maria becomes juvenile 2; the note about Maria alone is out.
    jose_out = tmp_path / "for-jose"
    services.export.export(
        officer, fmt="json", since=TODAY, out_dir=jose_out, for_student_id=fight["jose"]
    )
    (incident,) = read_json(jose_out / "incidents.json")
    assert incident["narrative"].startswith("[JUVENILE 2] pushed Jose; Jose's lip")
    assert [n["id"] for n in read_json(jose_out / "notes.json")] == [fight["note"]]
    assert read_json(jose_out / "referrals.json") == []


def test_others_see_only_what_they_may_read(
    services: Services,
    officer: Actor,
    other_officer: Actor,
    supervisor: Actor,
    fight: dict[str, int],
    tmp_path: Path,
) -> None:
    # The other officer at the same school: the draft incident is not theirs; the notes of
    # their school are (issue 12: the read rule of services/read_rules), the confidential
    # one without its text.
    summary = services.export.export(
        other_officer, fmt="json", since=TODAY, out_dir=tmp_path / "other"
    )
    assert summary.counts["incidents"] == 0 and summary.counts["notes"] == 2
    notes = {n["id"]: n for n in read_json(tmp_path / "other" / "notes.json")}
    assert notes[fight["secret"]]["text_withheld"] is True
    assert notes[fight["secret"]]["text"] == ""
    assert summary.counts["referrals"] == 1  # same school: referrals are shared
    # A supervisor sees everything, but not the text of another's confidential note.
    services.export.export(supervisor, fmt="json", since=TODAY, out_dir=tmp_path / "sup")
    notes = {n["id"]: n for n in read_json(tmp_path / "sup" / "notes.json")}
    assert notes[fight["secret"]]["text_withheld"] is True
    assert notes[fight["secret"]]["text"] == ""
    assert notes[fight["note"]]["text_withheld"] is False
    assert len(read_json(tmp_path / "sup" / "incidents.json")) == 1


def test_dates_folder_and_format_checks(
    services: Services, officer: Actor, fight: dict[str, int], tmp_path: Path
) -> None:
    later = services.export.export(
        officer,
        fmt="csv",
        since=TODAY + timedelta(days=1),
        until=TODAY + timedelta(days=2),
        out_dir=tmp_path / "later",
    )
    assert later.counts["incidents"] == 0
    with pytest.raises(Conflict):
        services.export.export(officer, fmt="csv", since=TODAY, out_dir=tmp_path / "later")
    with pytest.raises(Exception, match="csv or json"):
        services.export.export(officer, fmt="xml", since=TODAY, out_dir=tmp_path / "x")
    with pytest.raises(Exception, match="before the start"):
        services.export.export(
            officer, fmt="csv", since=TODAY, until=TODAY - timedelta(days=1), out_dir=tmp_path
        )


def test_many_incidents_are_read_in_batches(
    services: Services, officer: Actor, clock: Clock, tmp_path: Path, monkeypatch
) -> None:
    from .test_search import add_incident

    monkeypatch.setattr(export_module, "BATCH", 7)
    # Times out of id order, with ties across batch edges: paged on (occurred_at, id).
    made = [
        (
            clock.now - timedelta(minutes=(n * 7) % 5),
            add_incident(
                services,
                officer,
                f"round {n}",
                occurred_at=clock.now - timedelta(minutes=(n * 7) % 5),
            ),
        )
        for n in range(30)
    ]
    seen: list[int] = []
    summary = services.export.export(
        officer,
        fmt="json",
        since=TODAY,
        out_dir=tmp_path / "many",
        progress=lambda kind, done, total: seen.append(done) if kind == "incidents" else None,
    )
    assert summary.counts["incidents"] == 30
    assert seen == [0, 7, 14, 21, 28, 30]
    exported = [i["id"] for i in read_json(tmp_path / "many" / "incidents.json")]
    assert exported == [incident_id for _, incident_id in sorted(made)]


def test_csv_cells_that_a_spreadsheet_would_run_are_quoted() -> None:
    # Neutralised by the writer, domain.csv_safe (tests/test_csv_exports.py).
    assert safe_cell("=SUM(A1)") == "'=SUM(A1)"
    assert safe_cell("@cmd") == "'@cmd"
    assert safe_cell("- saw him run") == "'- saw him run"
    assert export_module._cell(["a", "b"]) == "a;b"
    assert export_module._cell(None) == "" and export_module._cell(True) == "yes"


def test_cli_export_and_search(tmp_path: Path, cli_home: Path, run_cli: RunCli) -> None:
    from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
    from sro_tui.services.registry import build_services, load_or_create_key
    from sro_tui.store.db import Database

    from .conftest import TEST_PASSWORD
    from .test_search import add_incident

    store = str(tmp_path / "sro.db")
    assert run_cli("--db", store, "init", "--sample-schools").code == 0
    db = Database(store)
    try:
        services = build_services(db, audit_key=load_or_create_key(cli_home / "keys" / "audit.key"))
        vhs = services.reference.school_by_code("VHS").id
        services.officers.create(
            SYSTEM_ACTOR,
            OfficerCreate(badge="1001", name="Ana Ruiz", school_ids=[vhs]),
            TEST_PASSWORD,
        )
        officer = services.officers.authenticate("1001", TEST_PASSWORD)
        add_incident(services, officer, "A skateboard was taken from the bike rack.")
    finally:
        db.dispose()

    result = run_cli("--db", store, "search", "skate")
    assert result.code == 0
    out = result.out
    assert "incident" in out and "[skateboard]" in out and "Ana Ruiz" in out
    result = run_cli("--db", store, "search", "nothinglikethis")
    assert result.code == 0
    assert "(nothing found)" in result.out

    today = date.today().isoformat()
    since = (date.today() - timedelta(days=400)).isoformat()
    out_dir = tmp_path / "export"
    argv = ("--db", store, "export", "--format", "csv", "--since", since, "--until", today)
    captured = run_cli(
        *argv, "-o", str(out_dir), "--as", "1001", "--password-stdin", stdin=TEST_PASSWORD + "\n"
    )
    assert captured.code == 0, captured.err
    assert "Exported" in captured.out, captured.err
    assert "incidents" in captured.err  # progress on stderr
    assert len(read_csv(out_dir / "incidents.csv")) == 1
    result = run_cli(*argv, "-o", str(tmp_path / "x"), "--for-student", "NOPE-1")
    assert result.code == 2
    assert result.err.startswith("sro: ")
