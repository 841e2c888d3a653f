"""`sro threat open|list|show|move|follow-up|done|team|link|confidential`, signed in with
--as on a real SQLite store: a case opened from a THREAT incident, listed and shown to its
lead, not found by an officer off the team until added, moved through its stages, a
follow-up added and done; each refused without --as."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from sro_tui.domain.enums import PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, RunCli, make_officer


def as_(badge: str) -> tuple[str, ...]:
    return ("--as", badge, "--password-stdin")


def test_threat_commands(sqlite_services: Services, cli_home: Path, run_cli: RunCli) -> None:
    services = sqlite_services
    lead = make_officer(services, "1001", "officer", ("VHS",))
    make_officer(services, "1002", "officer", ("VHS",))
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        lead, StudentCreate(district_id="S1", first_name="Ana", last_name="Ruiz", school_id=vhs)
    )
    incident = services.incidents.create(
        lead,
        IncidentCreate(
            school_id=vhs,
            occurred_at=services.ctx.now() - timedelta(hours=1),
            location_code="CLASSROOM",
            offenses=[OffenseIn(category_code="THREAT", most_severe=True)],
            people=[PersonIn(role=PersonRole.SUSPECT, student_id=student.id)],
            narrative="Threat overheard.",
        ),
    )
    path = services.db.sqlite_path
    assert path is not None
    store, pw = str(path), TEST_PASSWORD + "\n"

    opened = run_cli(
        "--db", store, "threat", "open", "S1", "--summary", "Said he would bring a gun",
        "--incident", incident.number, *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert opened.code == 0, opened.err
    assert "Threat case #1: Ruiz, Ana (VHS), reported, confidential" in opened.out
    assert "Follow-up #1 due" in opened.out
    listed = run_cli("--db", store, "threat", "list", *as_("1001"), stdin=pw)
    assert "#1  reported" in listed.out and incident.number in listed.out
    hidden = run_cli("--db", store, "threat", "show", "1", *as_("1002"), stdin=pw)
    assert hidden.code == 2 and "No threat case 1" in hidden.err
    assert "(no cases)" in run_cli("--db", store, "threat", "list", *as_("1002"), stdin=pw).out
    added = run_cli("--db", store, "threat", "team", "1", "1002", *as_("1001"), stdin=pw)
    assert added.code == 0 and "Officer 1001, Officer 1002" in added.out
    moved = run_cli(
        "--db", store, "threat", "move", "1", "triage", "--level", "substantive",
        *as_("1002"), stdin=pw,
    )  # fmt: skip
    assert moved.code == 0 and "triage" in moved.out
    skipped = run_cli("--db", store, "threat", "move", "1", "safety-plan", *as_("1001"), stdin=pw)
    assert skipped.code == 2 and "only to: assessment, closed" in skipped.err
    follow = run_cli(
        "--db", store, "threat", "follow-up", "1", "--due", "2026-09-21",
        "--what", "Check in with counselor", "--officer", "1002", *as_("1001"), stdin=pw,
    )  # fmt: skip
    assert follow.code == 0 and "Follow-up #2 due 2026-09-21 (Officer 1002)" in follow.out
    done = run_cli("--db", store, "threat", "done", "1", "--note", "Met", *as_("1001"), stdin=pw)
    assert done.code == 0, done.err
    shown = run_cli("--db", store, "threat", "show", "1", *as_("1002"), stdin=pw)
    assert shown.code == 0, shown.err
    assert "Stage: triage, substantive; confidential" in shown.out
    assert "#1  done " in shown.out and "-> Met" in shown.out
    closed = run_cli(
        "--db", store, "threat", "move", "1", "closed", "--note", "Resolved", *as_("1001"),
        stdin=pw,
    )  # fmt: skip
    assert closed.code == 0
    assert "(no cases)" in run_cli("--db", store, "threat", "list", *as_("1001"), stdin=pw).out
    everything = run_cli("--db", store, "threat", "list", "--all", *as_("1001"), stdin=pw)
    assert "#1  closed" in everything.out
    refused = run_cli("--db", store, "threat", "list")
    assert refused.code == 2 and "--as BADGE" in refused.err
    bad = run_cli("--db", store, "threat", "move", "1", "done", *as_("1001"), stdin=pw)
    assert bad.code == 2 and "not a stage" in bad.err
