"""Who initiated the contact can go back to "not recorded" (issue 11): an update that gives
``initiated_by=None`` clears it, one that leaves it out keeps it; `sro incident initiated
NUMBER none` does the same from the command line. Both backends."""

from __future__ import annotations

from sro_tui.domain.enums import ContactInitiator
from sro_tui.domain.incidents import IncidentUpdate
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, CliResult, RunCli
from .test_incidents import new_incident


def test_the_initiator_is_cleared_only_when_given_as_none(
    services: Services, officer: Actor
) -> None:
    incidents = services.incidents
    created = incidents.create(
        officer, new_incident(services, initiated_by=ContactInitiator.SCHOOL)
    )
    kept = incidents.update(
        officer, created.id, IncidentUpdate(version=created.version, narrative="Called by dean.")
    )
    assert kept.initiated_by is ContactInitiator.SCHOOL
    cleared = incidents.update(
        officer, created.id, IncidentUpdate(version=kept.version, initiated_by=None)
    )
    assert cleared.initiated_by is None
    assert incidents.get(officer, created.id).initiated_by is None
    details = [e.detail for e in services.audit.recent(limit=20) if e.action == "incident.update"]
    assert any("initiated by" in d for d in details)


def test_sro_incident_initiated_none(
    services: Services, officer: Actor, db_url: str, run_cli: RunCli
) -> None:
    created = services.incidents.create(
        officer, new_incident(services, initiated_by=ContactInitiator.OFFICER)
    )

    def sro(*argv: str) -> CliResult:
        return run_cli(
            "--db", db_url, "incident", *argv, "--as", "1001", "--password-stdin",
            stdin=TEST_PASSWORD + "\n",
        )  # fmt: skip

    cleared = sro("initiated", created.number, "none")
    assert cleared.code == 0, cleared.err
    assert "initiated by not recorded" in cleared.out
    assert services.incidents.get(officer, created.id).initiated_by is None
    assert "Initiated: not recorded" in sro("show", created.number).out
    again = sro("initiated", created.number, "school")
    assert again.code == 0, again.err
    assert services.incidents.get(officer, created.id).initiated_by is ContactInitiator.SCHOOL
    refused = sro("initiated", created.number, "principal")
    assert refused.code == 2 and "none: not recorded" in refused.err
