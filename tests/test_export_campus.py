"""Export of trespass warnings and calls for service (both backends): the agency copy has the
warnings and calls the exporter may see in the period (a juvenile's of another school's
officer left out); an export for one student has only that student's own warnings and no
calls (their free text is not redacted), so no other juvenile's warning leaves the agency."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

from sro_tui.domain.calls import CallCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.trespass import TrespassWarningCreate
from sro_tui.services.registry import Services

from .conftest import Clock, make_officer
from .test_reports import Seed


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_warnings_and_calls_are_exported_as_the_reader_may_see_them(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor, tmp_path: Path
) -> None:
    vhs = services.reference.school_by_code("VHS").id
    bhs = services.reference.school_by_code("BHS").id
    elsewhere = make_officer(services, "1007", "officer", ("BHS",))
    student = Seed(services, clock, supervisor).student("S55", "BHS")

    def warn(who: Actor, name: str, school: int, **more: object) -> int:
        data = TrespassWarningCreate.model_validate(
            {"person_name": name, "age": 15, "school_ids": [school], **more}
        )
        return services.trespass.warn(who, data).id

    adult = warn(officer, "Adult Man", vhs, age=40, description="=cmd|' /C calc'!A0")
    own_student = warn(officer, "Student Kid", vhs, student_id=student)
    warn(elsewhere, "Other Juvenile", bhs)
    services.calls.add(officer, CallCreate(caller="Office", school_id=vhs, what="Fight"))
    services.calls.add(elsewhere, CallCreate(caller="Office", school_id=bhs, what="Other"))
    day = clock.now.astimezone(services.ctx.tz).date()

    agency = services.export.export(officer, fmt="csv", since=day, out_dir=tmp_path / "a")
    assert (agency.counts["trespass_warnings"], agency.counts["calls"]) == (2, 1)
    warnings = {int(r["id"]): r for r in rows(tmp_path / "a" / "trespass_warnings.csv")}
    assert set(warnings) == {adult, own_student}
    assert warnings[adult]["description"].startswith("'=")  # neutralised for spreadsheets
    assert warnings[own_student]["student_district_id"] == "S55"
    assert warnings[adult]["schools"] == "VHS" and warnings[adult]["days"] == "7"
    assert [c["what"] for c in rows(tmp_path / "a" / "calls.csv")] == ["Fight"]

    one = services.export.export(
        supervisor, fmt="json", since=day, out_dir=tmp_path / "s", for_student_id=student
    )
    assert (one.counts["trespass_warnings"], one.counts["calls"]) == (1, 0)
    exported = json.loads((tmp_path / "s" / "trespass_warnings.json").read_text())
    assert [w["id"] for w in exported] == [own_student]
    assert not (tmp_path / "s" / "calls.json").exists()
    everything = " ".join(p.read_text() for p in one.files)
    assert "Other Juvenile" not in everything and "Adult Man" not in everything
    assert date.fromisoformat(exported[0]["last_day"]) > day
