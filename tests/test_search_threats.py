"""Search finds threat assessment cases by their summary under the case read rule of
services/threats.py, on every backend: the team reads a confidential case; another officer,
even at the school, does not learn it exists; a supervisor only when the agency's
supervisors_read_confidential is on; a case marked not confidential also the school's
officers; a sealed student's case nobody. The index follows a changed summary."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from sro_tui.domain.officers import Actor
from sro_tui.domain.search import SearchKind
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.threats import ThreatCaseCreate
from sro_tui.services import store_settings
from sro_tui.services.registry import Services
from sro_tui.services.sealing import SealingService, SealOrder
from sro_tui.store.models import ThreatCase

from .conftest import make_officer

SUMMARY = "Said he would bring a knife to the homecoming rally"


def open_case(services: Services, actor: Actor, district_id: str = "S1") -> int:
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        actor,
        StudentCreate(district_id=district_id, first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id
    case = services.threats.open(
        actor,
        ThreatCaseCreate(student_id=student, summary=SUMMARY),
    )
    return case.id


def found(services: Services, actor: Actor, text: str, *kinds: SearchKind) -> list[int]:
    hits = services.search.search(actor, text, kinds={k.value for k in kinds} or None)
    return [h.record_id for h in hits if h.kind is SearchKind.THREAT]


@pytest.mark.parametrize("policy", [False, True], ids=["policy-off", "policy-on"])
def test_a_case_is_found_by_its_team_and_supervisors_only_with_the_setting(
    services: Services, officer: Actor, supervisor: Actor, admin: Actor, policy: bool
) -> None:
    services.settings.set(
        admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1" if policy else "0"
    )
    colleague = make_officer(services, "1003", "officer", ("VHS",))
    case_id = open_case(services, officer)
    assert found(services, officer, "knife homecom") == [case_id]
    assert found(services, officer, "rally", SearchKind.THREAT) == [case_id]
    hit = services.search.search(officer, "knife", kinds={"threat"})[0]
    assert hit.title == f"Threat case {case_id} (confidential): Ruiz, Ana (reported)"
    assert ("knife", True) in hit.snippet
    # Another officer of the same school does not learn that the case exists.
    assert found(services, colleague, "knife") == []
    assert found(services, supervisor, "knife") == ([case_id] if policy else [])
    # Added to the team, the colleague finds it.
    services.threats.add_member(officer, case_id, "1003")
    assert found(services, colleague, "knife") == [case_id]


def test_a_case_marked_not_confidential_is_found_by_the_schools_officers(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    at_school = make_officer(services, "1004", "officer", ("VHS",))
    elsewhere = make_officer(services, "1005", "officer", ("BHS",))
    case_id = open_case(services, officer)
    assert found(services, at_school, "knife") == []
    services.threats.set_confidential(officer, case_id, False)
    assert found(services, at_school, "knife") == [case_id]
    assert found(services, supervisor, "knife") == [case_id]
    assert found(services, elsewhere, "knife") == []


def test_a_sealed_students_case_is_found_by_nobody(
    services: Services, officer: Actor, supervisor: Actor, admin: Actor
) -> None:
    services.settings.set(admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1")
    case_id = open_case(services, officer)
    assert found(services, officer, "knife") == [case_id]
    SealingService(services.ctx, services.audit).seal(
        supervisor, "S1", SealOrder(order_number="JV-1", reason="court order")
    )
    assert found(services, officer, "knife") == []
    assert found(services, supervisor, "knife") == []


def test_the_index_follows_a_changed_summary(services: Services, officer: Actor) -> None:
    case_id = open_case(services, officer)
    with services.db.write() as session:
        session.execute(
            update(ThreatCase).where(ThreatCase.id == case_id).values(summary="Posted a threat")
        )
    assert found(services, officer, "knife") == []
    assert found(services, officer, "posted") == [case_id]
