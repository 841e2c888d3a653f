"""Voiding and correcting filed incident reports (issue 12), on real stores: a voided report is
kept and counted nowhere; an approved report is corrected by a correction a supervisor
approves, every version stays readable, and reports count the version in force."""

from __future__ import annotations

import pytest

from sro_tui.domain.enums import IncidentStatus, OutcomeKind
from sro_tui.domain.errors import InvalidTransition, PermissionDenied, RecordLocked
from sro_tui.domain.incidents import ReviewDecision, VoidRequest
from sro_tui.domain.officers import Actor
from sro_tui.services.corrections import IncidentCorrections
from sro_tui.services.registry import Services

from .conftest import Clock
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
    services: Services, clock: Clock, officer: Actor, supervisor: Actor
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
    corrections(services).void(supervisor, draft, VoidRequest(reason="Filed in error"))
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
