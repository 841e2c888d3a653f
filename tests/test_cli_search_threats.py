"""`sro search TEXT --kind threat` on a real SQLite store: a threat case found by a word of
its summary for its lead, not for another officer of the school (it does not learn the case
exists)."""

from __future__ import annotations

from pathlib import Path

from sro_tui.domain.students import StudentCreate
from sro_tui.domain.threats import ThreatCaseCreate
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, RunCli, make_officer


def test_search_kind_threat(sqlite_services: Services, cli_home: Path, run_cli: RunCli) -> None:
    services = sqlite_services
    lead = make_officer(services, "1001", "officer", ("VHS",))
    make_officer(services, "1002", "officer", ("VHS",))
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        lead, StudentCreate(district_id="S1", first_name="Ana", last_name="Ruiz", school_id=vhs)
    )
    case = services.threats.open(
        lead, ThreatCaseCreate(student_id=student.id, summary="Wrote a threat on the gym wall")
    )
    path = services.db.sqlite_path
    assert path is not None
    store, pw = str(path), TEST_PASSWORD + "\n"

    found = run_cli(
        "--db", store, "search", "gym wall", "--kind", "threat",
        "--as", "1001", "--password-stdin", stdin=pw,
    )  # fmt: skip
    assert found.code == 0, found.err
    assert found.out.split()[:2] == ["threat", str(case.id)]
    assert "Wrote a threat on the [gym] [wall]" in found.out
    assert "Threat case 1 (confidential): Ruiz, Ana (reported)" in found.out
    other = run_cli(
        "--db", store, "search", "gym wall", "--kind", "threat",
        "--as", "1002", "--password-stdin", stdin=pw,
    )  # fmt: skip
    assert other.code == 0, other.err
    assert "Ruiz" not in other.out and "(nothing found)" in other.out
