"""What an officer may not do, tried through the services and through `sro`: approve a
report, change an approved one, read another officer's draft or confidential note.
Each refusal leaves the record as it was and (for permission refusals) an audit event."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sro_tui.domain.enums import IncidentStatus
from sro_tui.domain.errors import PermissionDenied, RecordLocked
from sro_tui.domain.incidents import (
    IncidentCreate,
    IncidentUpdate,
    OffenseIn,
    ReviewDecision,
    SupplementCreate,
)
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services import store_settings
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, CliResult, Clock, RunCli

NARRATIVE = "Two students argued at lunch; separated; parents called."
SECRET_TEXT = "Student disclosed trouble at home; follow up with counselor."


def vhs(services: Services) -> int:
    return services.reference.school_by_code("VHS").id


def new_incident(services: Services, actor: Actor, clock: Clock) -> int:
    data = IncidentCreate(
        school_id=vhs(services),
        occurred_at=clock.now - timedelta(hours=1),
        location_code="CAFETERIA",
        offenses=[OffenseIn(category_code="FIGHT", most_severe=True)],
        narrative=NARRATIVE,
    )
    return services.incidents.create(actor, data).id


def approved_incident(services: Services, actor: Actor, supervisor: Actor, clock: Clock) -> int:
    incident_id = new_incident(services, actor, clock)
    services.incidents.submit(actor, incident_id)
    services.incidents.approve(supervisor, incident_id, ReviewDecision())
    return incident_id


def a_student(services: Services) -> int:
    data = StudentCreate(
        district_id="900123", first_name="Dana", last_name="Reyes", school_id=vhs(services)
    )
    return services.students.create(SYSTEM_ACTOR, data).id


def confidential_note(services: Services, author: Actor, clock: Clock) -> int:
    data = NoteCreate(
        school_id=vhs(services),
        student_ids=[a_student(services)],
        occurred_at=clock.now - timedelta(minutes=30),
        minutes=20,
        topics="home",
        text=SECRET_TEXT,
        confidential=True,
    )
    return services.notes.create(author, data).id


def last_event(services: Services):
    return services.audit.recent(limit=1)[0]


# -- through the services ---------------------------------------------------------------------


def test_an_officer_cannot_approve(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    incident_id = new_incident(services, officer, clock)
    services.incidents.submit(officer, incident_id)
    for actor in (other_officer, officer):  # neither a colleague nor the author
        with pytest.raises(PermissionDenied):
            services.incidents.approve(actor, incident_id, ReviewDecision())
        event = last_event(services)
        assert (event.action, event.outcome, event.record_id) == (
            "incident.approve",
            "denied",
            str(incident_id),
        )
        assert event.badge == actor.badge
    assert services.incidents.get(supervisor, incident_id).status is IncidentStatus.SUBMITTED
    approved = services.incidents.approve(supervisor, incident_id, ReviewDecision())
    assert approved.status is IncidentStatus.APPROVED


def test_an_officer_cannot_return_a_report(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    incident_id = new_incident(services, officer, clock)
    services.incidents.submit(officer, incident_id)
    with pytest.raises(PermissionDenied):
        services.incidents.return_for_changes(
            other_officer, incident_id, ReviewDecision(comment="fix it")
        )
    assert last_event(services).outcome == "denied"
    assert services.incidents.get(supervisor, incident_id).status is IncidentStatus.SUBMITTED


def test_a_supervisor_cannot_approve_their_own_report(
    services: Services, supervisor: Actor, clock: Clock
) -> None:
    incident_id = new_incident(services, supervisor, clock)
    services.incidents.submit(supervisor, incident_id)
    with pytest.raises(PermissionDenied, match="own report"):
        services.incidents.approve(supervisor, incident_id, ReviewDecision())
    assert last_event(services).outcome == "denied"


def test_an_approved_report_cannot_be_edited(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    incident_id = approved_incident(services, officer, supervisor, clock)
    before = services.incidents.get(officer, incident_id)
    with pytest.raises(RecordLocked, match="supplement"):
        services.incidents.update(
            officer, incident_id, IncidentUpdate(version=before.version, narrative="rewritten")
        )
    with pytest.raises(PermissionDenied):  # a supervisor is not its author either
        services.incidents.update(
            supervisor, incident_id, IncidentUpdate(version=before.version, narrative="x")
        )
    after = services.incidents.get(officer, incident_id)
    assert after.narrative == NARRATIVE and after.version == before.version
    # The way to correct it: a supplement, appended.
    supplemented = services.incidents.add_supplement(
        officer, incident_id, SupplementCreate(text="Correction: it was the gym.")
    )
    assert len(supplemented.supplements) == 1
    assert supplemented.narrative == NARRATIVE


def test_an_officer_cannot_supplement_anothers_report(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    incident_id = approved_incident(services, officer, supervisor, clock)
    with pytest.raises(PermissionDenied):
        services.incidents.add_supplement(
            other_officer, incident_id, SupplementCreate(text="My version.")
        )
    assert last_event(services).outcome == "denied"
    assert services.incidents.get(officer, incident_id).supplements == ()


def test_another_officers_draft_stays_private(
    services: Services, officer: Actor, other_officer: Actor, clock: Clock
) -> None:
    incident_id = new_incident(services, officer, clock)
    with pytest.raises(PermissionDenied):
        services.incidents.get(other_officer, incident_id)
    event = last_event(services)
    assert (event.action, event.outcome) == ("incident.read", "denied")


def test_another_officers_confidential_note_is_withheld(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    note_id = confidential_note(services, officer, clock)
    assert services.notes.get(officer, note_id).text == SECRET_TEXT
    for reader in (other_officer, supervisor):  # supervisors too, unless policy says so
        seen = services.notes.get(reader, note_id)
        assert seen.redacted and seen.text == "" and seen.topics == ""
        event = last_event(services)
        assert (event.action, event.outcome, event.badge) == ("note.read", "denied", reader.badge)
        assert SECRET_TEXT not in event.detail
    with services.db.write() as session:
        store_settings.set_value(session, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1")
    assert services.notes.get(supervisor, note_id).text == SECRET_TEXT
    assert services.notes.get(other_officer, note_id).redacted


def test_reads_are_audited(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    incident_id = new_incident(services, officer, clock)
    services.incidents.get(officer, incident_id)
    event = last_event(services)
    assert (event.action, event.outcome, event.record_id) == (
        "incident.read",
        "success",
        str(incident_id),
    )
    assert NARRATIVE not in event.detail


def test_a_student_timeline_read_is_audited_without_the_secret(
    services: Services, officer: Actor, other_officer: Actor, clock: Clock
) -> None:
    note_id = confidential_note(services, officer, clock)
    (student_id,) = services.notes.get(officer, note_id).student_ids
    entries = services.students.timeline(other_officer, student_id)
    assert all(SECRET_TEXT not in str(entry) for entry in entries)
    event = last_event(services)
    assert (event.action, event.record_id, event.badge) == (
        "student.timeline",
        str(student_id),
        "1002",
    )


# -- through the command line -----------------------------------------------------------------


def test_cli_confidential_note_is_withheld_from_another_officer(
    services: Services,
    officer: Actor,
    other_officer: Actor,
    db_url: str,
    clock: Clock,
    run_cli: RunCli,
) -> None:
    note_id = confidential_note(services, officer, clock)
    args = ("--db", db_url, "note", "show", str(note_id), "--password-stdin")
    result = run_cli(*args, "--as", "1002", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    out = result.out
    assert "withheld" in out and SECRET_TEXT not in out
    result = run_cli(*args, "--as", "1001", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    assert SECRET_TEXT in result.out
    result = run_cli(*args, "--as", "1002", stdin="not my password\n")
    assert result.code == 2
    assert "not right" in result.err


def test_cli_another_officers_draft_is_refused(
    services: Services,
    officer: Actor,
    other_officer: Actor,
    supervisor: Actor,
    db_url: str,
    clock: Clock,
    run_cli: RunCli,
) -> None:
    incident_id = new_incident(services, officer, clock)
    number = services.incidents.get(officer, incident_id).number
    args = ("--db", db_url, "incident", "show", number, "--password-stdin")
    captured = run_cli(*args, "--as", "1002", stdin=TEST_PASSWORD + "\n")
    assert captured.code == 2
    assert "another officer's draft" in captured.err
    assert NARRATIVE not in captured.out + captured.err
    denied = last_event(services)
    assert (denied.action, denied.outcome, denied.badge) == ("incident.read", "denied", "1002")
    # Once submitted and approved, a colleague at the same school may read it.
    services.incidents.submit(officer, incident_id)
    services.incidents.approve(supervisor, incident_id, ReviewDecision())
    result = run_cli(*args, "--as", "1002", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    out = result.out
    assert number in out and "approved" in out


def test_cli_review_workflow_and_its_refusals(
    services: Services,
    officer: Actor,
    supervisor: Actor,
    db_url: str,
    clock: Clock,
    run_cli: RunCli,
) -> None:
    """Through `sro incident …` as each person would type it: the officer submits and cannot
    approve; the supervisor returns, then approves; after that the officer cannot edit the
    narrative, only add a supplement."""
    incident_id = new_incident(services, officer, clock)
    number = services.incidents.get(officer, incident_id).number

    def sro(*words: str, badge: str) -> CliResult:
        argv = ("--db", db_url, "incident", *words, "--as", badge, "--password-stdin")
        return run_cli(*argv, stdin=TEST_PASSWORD + "\n")

    assert sro("submit", number, badge="1001").code == 0
    result = sro("approve", number, badge="1001")
    assert result.code == 2
    assert "supervisor" in result.err
    assert sro("return", number, "--comment", "Add the time", badge="2001").code == 0
    assert sro("narrative", number, "--text", "At 10:40 an adult…", badge="1001").code == 0
    assert sro("submit", number, badge="1001").code == 0
    assert sro("approve", number, badge="2001").code == 0
    result = sro("narrative", number, "--text", "Changed after approval", badge="1001")
    assert result.code == 2
    assert "supplement" in result.err
    assert sro("supplement", number, "--text", "Parent called at 11:05.", badge="1001").code == 0
    record = services.incidents.get(supervisor, incident_id)
    assert record.status is IncidentStatus.APPROVED
    assert record.narrative == "At 10:40 an adult…"
    assert [s.text for s in record.supplements] == ["Parent called at 11:05."]
    assert [r.action for r in record.reviews] == [
        "submitted",
        "returned",
        "submitted",
        "approved",
    ]
