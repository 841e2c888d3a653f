"""Voiding and correcting filed incident reports (issue 12), on real stores: a voided report is
kept and counted nowhere; an approved report is corrected by a correction a supervisor
approves, every version stays readable, and reports count the version in force."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from sro_tui.domain.enums import IncidentStatus, OutcomeKind
from sro_tui.domain.errors import InvalidTransition, PermissionDenied, RecordLocked
from sro_tui.domain.incidents import ReviewDecision, VoidRequest
from sro_tui.domain.officers import Actor
from sro_tui.services.corrections import IncidentCorrections
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, CliResult, Clock, RunCli
from .test_reports import LAW, Seed, values

ARREST, CITATION = OutcomeKind.ARREST, OutcomeKind.CITATION
SUSPECT = "suspect"


def corrections(services: Services) -> IncidentCorrections:
    return IncidentCorrections(services.ctx, services.audit)


def arrest_report(seed: Seed, officer: Actor, student: int) -> int:
    return seed.incident(
        officer, "VHS", "2026-09-14 09:40", [("FIGHT", "none")], [(student, SUSPECT, [ARREST])]
    )


def test_a_voided_duplicate_no_longer_doubles_the_monthly_arrests(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor, tmp_path: Path
) -> None:
    seed = Seed(services, clock, supervisor)
    student = seed.student("S1", "VHS")
    arrest_report(seed, officer, student)
    duplicate = arrest_report(seed, officer, student)
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Arrests (once per person per incident)") == (2, 0, 0)

    voided = corrections(services).void(supervisor, duplicate, VoidRequest(reason="Duplicate"))
    assert voided.voided and voided.void_reason == "Duplicate"
    assert voided.voided_by_name == "Officer 2001"

    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Arrests (once per person per incident)") == (1, 0, 0)
    assert values(report, LAW, "Reports (incidents filed)") == (1, 0, 0)
    federal = services.reports.federal(supervisor, school_year="2026-27")
    assert federal.school_related_arrests == 1
    # Kept, and marked in lists.
    page = services.incidents.page(supervisor, scope="all")
    marks = {item.id: item.voided for item in page.items}
    assert marks[duplicate] is True and list(marks.values()).count(True) == 1
    actions = [(e.action, e.outcome) for e in services.audit.recent(limit=10)]
    assert ("incident.void", "success") in actions
    assert services.audit.verify_records(supervisor).ok
    # An export keeps it, marked.
    summary = services.export.export(
        supervisor, fmt="json", since=date(2026, 9, 1), until=date(2026, 9, 30), out_dir=tmp_path
    )
    exported = {
        row["id"]: row
        for row in json.loads((tmp_path / "incidents.json").read_text(encoding="utf-8"))
    }
    assert summary.counts["incidents"] == 2
    assert exported[duplicate]["void_reason"] == "Duplicate"
    assert exported[duplicate]["voided_at"] and exported[duplicate]["version"] == 1


def test_only_a_supervisor_voids_with_a_reason_and_a_voided_report_is_locked(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    seed = Seed(services, clock, supervisor)
    draft = seed.incident(
        officer, "VHS", "2026-09-14 09:40", [("FIGHT", "none")], [], status=IncidentStatus.DRAFT
    )
    with pytest.raises(PermissionDenied):
        corrections(services).void(officer, draft, VoidRequest(reason="Mine"))
    with pytest.raises(ValueError):
        VoidRequest(reason="  ")
    assert draft in {i.id for i in services.incidents.open_for(officer)}
    corrections(services).void(supervisor, draft, VoidRequest(reason="Filed in error"))
    # Off the officer's Today (open reports and their count), marked in search results.
    assert draft not in {i.id for i in services.incidents.open_for(officer)}
    assert services.today.summary(officer, None).open_incidents.total == 0
    (hit,) = services.search.search(officer, "Narrative")
    assert hit.record_id == draft and "VOIDED" in hit.title
    with pytest.raises(RecordLocked):
        services.incidents.submit(officer, draft)
    with pytest.raises(RecordLocked):
        corrections(services).void(supervisor, draft, VoidRequest(reason="Again"))


def test_a_correction_approved_becomes_the_counted_version_and_history_stays(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
) -> None:
    seed = Seed(services, clock, supervisor)
    student = seed.student("S1", "VHS")
    incident_id = arrest_report(seed, officer, student)
    service = corrections(services)

    content = service.content(officer, incident_id)
    content.people[0].outcomes = [CITATION]
    content.narrative = "Corrected: a citation, not an arrest."
    proposed = service.propose(officer, incident_id, content)
    assert proposed.status == "pending" and proposed.number is None
    with pytest.raises(InvalidTransition):
        service.propose(officer, incident_id, content)  # one at a time
    # Waiting: the report and the counts are as approved.
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Arrests (once per person per incident)") == (1, 0, 0)
    assert [i.id for i in service.pending_queue(supervisor)] == [incident_id]
    assert services.incidents.get(supervisor, incident_id).correction_pending

    current = service.approve(supervisor, incident_id, ReviewDecision())
    assert (current.revision, current.revisions) == (2, 2)
    assert current.people[0].outcomes == (CITATION,)
    assert current.narrative == "Corrected: a citation, not an arrest."
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Arrests (once per person per incident)") == (0, 0, 0)
    assert values(report, LAW, "Citations") == (1, 0, 0)

    versions = service.versions(officer, incident_id)
    assert [(v.number, v.status) for v in versions] == [(1, "approved"), (2, "approved")]
    assert versions[0].content.people[0].outcomes == [ARREST]
    assert versions[0].content.narrative == "Narrative that must never reach a report"
    assert service.pending_queue(supervisor) == []
    assert services.audit.verify_records(supervisor).ok


def test_correction_rules(
    services: Services, clock: Clock, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    seed = Seed(services, clock, supervisor)
    student = seed.student("S1", "VHS")
    incident_id = arrest_report(seed, officer, student)
    submitted = seed.incident(
        officer, "VHS", "2026-09-15 09:40", [("FIGHT", "none")], [], status=IncidentStatus.SUBMITTED
    )
    service = corrections(services)
    content = service.content(officer, incident_id)
    with pytest.raises(InvalidTransition):
        service.propose(officer, submitted, content)  # not approved yet: change it instead
    with pytest.raises(PermissionDenied):
        service.propose(other_officer, incident_id, content)  # not the reporting officer
    service.propose(supervisor, incident_id, content)
    with pytest.raises(PermissionDenied):
        service.approve(supervisor, incident_id, ReviewDecision())  # their own correction
    with pytest.raises(PermissionDenied):
        service.approve(officer, incident_id, ReviewDecision())
    returned = service.return_for_changes(
        make_second_supervisor(services), incident_id, ReviewDecision(comment="Not needed")
    )
    assert returned.revision == 1 and not returned.correction_pending
    statuses = [v.status for v in service.versions(supervisor, incident_id)]
    assert statuses == ["approved", "returned"]


def make_second_supervisor(services: Services) -> Actor:
    from .conftest import make_officer

    return make_officer(services, "2002", "supervisor", ("VHS",))


# -- the command line ---------------------------------------------------------------------------


def test_cli_void_correct_approve_and_versions(
    services: Services,
    clock: Clock,
    officer: Actor,
    supervisor: Actor,
    run_cli: RunCli,
    db_url: str,
) -> None:
    seed = Seed(services, clock, supervisor)
    student = seed.student("S1", "VHS")
    incident_id = arrest_report(seed, officer, student)
    duplicate = arrest_report(seed, officer, student)
    number = services.incidents.get(supervisor, incident_id).number
    dup_number = services.incidents.get(supervisor, duplicate).number
    second = make_second_supervisor(services)

    def sro(*argv: str, badge: str) -> CliResult:
        return run_cli(
            "--db", db_url, *argv, "--as", badge, "--password-stdin", stdin=TEST_PASSWORD + "\n"
        )

    refused = sro("incident", "void", dup_number, "--reason", "Duplicate", badge="1001")
    assert refused.code != 0 and "supervisor" in refused.err
    result = sro("incident", "void", dup_number, "--reason", "Duplicate", badge="2001")
    assert result.code == 0, result.err
    shown = sro("incident", "show", dup_number, badge="1001").out
    assert "VOIDED" in shown and "Duplicate" in shown

    shown = sro("incident", "show", number, badge="1001").out
    assert "version 1 of 1" in shown and "1. suspect: LastS1, FirstS1 (arrest)" in shown
    nothing = sro("incident", "correct", number, badge="1001")
    assert nothing.code == 2 and "Nothing to correct" in nothing.err
    bad = sro("incident", "correct", number, "--outcome", "3=citation", badge="1001")
    assert bad.code == 2 and "no person 3" in bad.err
    result = sro(
        "incident",
        "correct",
        number,
        "--outcome",
        "1=citation",
        "--narrative",
        "A citation after all.",
        badge="1001",
    )
    assert result.code == 0, result.err
    assert "waiting" in sro("incident", "show", number, badge="2001").out
    result = sro("incident", "approve", number, badge="2002")
    assert result.code == 0, result.err
    assert "correction approved, version 2" in result.out
    del second

    shown = sro("incident", "show", number, badge="1001").out
    assert "version 2 of 2" in shown and "(citation)" in shown and "A citation after all." in shown
    old = sro("incident", "show", number, "--version", "1", badge="1001").out
    assert "version 1 of 2  (superseded)" in old and "(arrest)" in old
    history = sro("incident", "show", number, "--versions", badge="1001").out
    assert history.count("approved") >= 2
    report = services.reports.monthly(supervisor, month="2026-09")
    assert values(report, LAW, "Arrests (once per person per incident)") == (0, 0, 0)
    assert values(report, LAW, "Citations") == (1, 0, 0)


def test_outcomes_with_spaces_survive_a_correction_and_an_export(
    services: Services, clock: Clock, officer: Actor, supervisor: Actor, tmp_path: Path
) -> None:
    seed = Seed(services, clock, supervisor)
    student = seed.student("S1", "VHS")
    both = [ARREST, OutcomeKind.REFERRAL_TO_SERVICES]
    incident_id = seed.incident(
        officer, "VHS", "2026-09-14 09:40", [("FIGHT", "none")], [(student, SUSPECT, both)]
    )
    service = corrections(services)
    content = service.content(officer, incident_id)
    assert content.people[0].outcomes == both
    assert service.versions(officer, incident_id)[0].content.people[0].outcomes == both
    services.export.export(
        supervisor, fmt="json", since=date(2026, 9, 1), until=date(2026, 9, 30), out_dir=tmp_path
    )
    (row,) = json.loads((tmp_path / "incidents.json").read_text(encoding="utf-8"))
    assert row["people"][0]["outcomes"] == ["arrest", "referral to services"]
