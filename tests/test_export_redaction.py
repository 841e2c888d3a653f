"""An export for one student hides every other juvenile on the roster (WIC 827, issue 11
item 5), not only those listed on the record, with the same label throughout, and its
manifest says what was replaced and what could not be checked. SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

from sro_tui.domain.enums import ContactKind, PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.services.registry import Services

from .conftest import Clock
from .test_search import add_student, school_id

TODAY = date(2026, 9, 14)


def read_json(path: Path) -> list[dict]:
    return json.loads(path.read_text("utf-8"))


def test_export_for_one_student_redacts_juveniles_named_only_in_text(
    services: Services, officer: Actor, clock: Clock, tmp_path: Path
) -> None:
    maria = add_student(services, officer, "D-1", "Maria", "Lopez")
    jose = add_student(services, officer, "D-2", "Jose", "Reyes")
    add_student(services, officer, "D-3", "Tommy", "Reyes")  # on no record: only in text
    add_student(services, officer, "D-4", "Ana", "Núñez")
    school = school_id(services)
    services.incidents.create(
        officer,
        IncidentCreate(
            school_id=school,
            occurred_at=clock.now - timedelta(hours=2),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[
                PersonIn(role=PersonRole.SUSPECT, student_id=maria),
                PersonIn(role=PersonRole.VICTIM, student_id=jose),
                PersonIn(role=PersonRole.WITNESS, name="Dana Whitfield", juvenile=False),
            ],
            narrative="Maria Lopez and Jose Reyes argued; Tommy Reyes joined in. A. Nunez "
            "watched. Reyes, Tommy left with T. Reyes's bag; later tommy came back. "
            "Ms. Whitfield saw it.",
        ),
    )
    services.incidents.create(
        officer,
        IncidentCreate(
            school_id=school,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[PersonIn(role=PersonRole.SUSPECT, student_id=maria)],
            narrative="Maria was upset about Tommy again.",
        ),
    )
    services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.MENTORING,
            school_id=school,
            occurred_at=clock.now - timedelta(minutes=30),
            minutes=20,
            student_ids=[maria],
            topics="conflict with NÚÑEZ",
            text="Talked with Maria about Tommy Reyes and Núñez, Ana.",
        ),
    )
    services.referrals.create(
        officer,
        ReferralCreate(
            student_id=maria,
            program_code="ANGER",
            reason="Conflict with T. Reyes",
            referred_on=TODAY,
        ),
    )

    out = tmp_path / "for-maria"
    services.export.export(
        officer, fmt="json", since=TODAY, until=TODAY, out_dir=out, for_student_id=maria
    )
    first, second = read_json(out / "incidents.json")
    assert first["narrative"] == (
        "Maria Lopez and [JUVENILE 2] argued; [JUVENILE 3] joined in. [JUVENILE 4] watched. "
        "[JUVENILE 3] left with [JUVENILE 3]'s bag; later [JUVENILE 3] came back. "
        "Ms. Whitfield saw it."
    )
    assert [p["name"] for p in first["people"]] == ["Maria Lopez", "[JUVENILE 2]", "Dana Whitfield"]
    # The same label for Tommy in every record of the export.
    assert second["narrative"] == "Maria was upset about [JUVENILE 3] again."
    (note,) = read_json(out / "notes.json")
    assert note["topics"] == "conflict with [JUVENILE 4]"
    assert note["text"] == "Talked with Maria about [JUVENILE 3] and [JUVENILE 4]."
    (referral,) = read_json(out / "referrals.json")
    assert referral["reason"] == "Conflict with [JUVENILE 3]"
    everything = " ".join(p.read_text("utf-8") for p in out.iterdir())
    for leaked in ("Tommy", "tommy", "Reyes", "Nunez", "Núñez", "NÚÑEZ", "Jose", "A. ["):
        assert leaked not in everything, leaked

    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert "[JUVENILE n]" in manifest["redaction"]
    assert "roster of 4 students" in manifest["redaction"]
    detail = manifest["redaction_detail"]
    assert detail["roster_students_checked"] == 4 and detail["juveniles_labelled"] == 3
    assert sum(detail["replaced"].values()) >= 10
    assert any("nicknames" in line for line in detail["not_checked"])

    # The agency's own copy keeps every name, and says so.
    services.export.export(officer, fmt="json", since=TODAY, out_dir=tmp_path / "agency")
    agency = json.loads((tmp_path / "agency" / "manifest.json").read_text("utf-8"))
    assert agency["redaction_detail"] is None
    assert "Tommy Reyes" in read_json(tmp_path / "agency" / "incidents.json")[0]["narrative"]


def test_a_student_added_after_an_export_is_redacted_in_the_next(
    services: Services, officer: Actor, clock: Clock, tmp_path: Path
) -> None:
    """The roster's index is kept between exports only while the roster is unchanged."""
    maria = add_student(services, officer, "D-1", "Maria", "Lopez")
    services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.MENTORING,
            school_id=school_id(services),
            occurred_at=clock.now - timedelta(minutes=30),
            student_ids=[maria],
            text="Maria mentioned Xochitl Ortega and Bo Chen.",
        ),
    )
    services.export.export(
        officer, fmt="json", since=TODAY, out_dir=tmp_path / "one", for_student_id=maria
    )
    (note,) = read_json(tmp_path / "one" / "notes.json")
    assert note["text"] == "Maria mentioned Xochitl Ortega and Bo Chen."  # not on the roster
    add_student(services, officer, "D-9", "Xochitl", "Ortega")
    chen = add_student(services, officer, "D-10", "Bob", "Chen")
    services.students.update(officer, chen, _rename("Bo"))
    services.export.export(
        officer, fmt="json", since=TODAY, out_dir=tmp_path / "two", for_student_id=maria
    )
    (note,) = read_json(tmp_path / "two" / "notes.json")
    assert note["text"] == "Maria mentioned [JUVENILE 2] and [JUVENILE 3]."


def _rename(first: str):  # type: ignore[no-untyped-def]
    from sro_tui.domain.students import StudentUpdate

    return StudentUpdate(first_name=first)
