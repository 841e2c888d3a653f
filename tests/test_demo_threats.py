"""The demo department's threat assessment cases on real stores: three cases led by badge 1001
at different stages (triage, safety plan, closed), a follow-up due today on 1001's Today, the
confidential cases read by their team only, and found by search."""

from __future__ import annotations

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.threats import ThreatLevel, ThreatStage
from sro_tui.services.demo import DEMO_PASSWORD
from sro_tui.services.registry import Services


def test_the_demo_has_threat_cases_at_different_stages(services: Services) -> None:
    counts = services.demo.seed(SYSTEM_ACTOR, scale=1)
    assert counts["threat_cases"] == 3
    lead = services.officers.authenticate("1001", DEMO_PASSWORD)
    cases = services.threats.page(lead, include_closed=True)
    assert sorted(c.stage for c in cases) == sorted(
        [ThreatStage.TRIAGE, ThreatStage.SAFETY_PLAN, ThreatStage.CLOSED]
    )
    assert [c.stage for c in services.threats.page(lead)] != []
    assert ThreatStage.CLOSED not in {c.stage for c in services.threats.page(lead)}
    plan = next(c for c in cases if c.stage is ThreatStage.SAFETY_PLAN)
    full = services.threats.get(lead, plan.id)
    assert full.level is ThreatLevel.SUBSTANTIVE and full.confidential
    assert [e.to_stage for e in full.events][-1] is ThreatStage.SAFETY_PLAN
    assert len(full.team) == 2
    due, total = services.threats.follow_ups_due(lead, services.ctx.today())
    assert total == 1 and due[0].due_on == services.ctx.today()
    # The second officer on the safety-plan case reads that one only.
    second = services.officers.authenticate("1002", DEMO_PASSWORD)
    assert [c.id for c in services.threats.page(second, include_closed=True)] == [plan.id]
    assert services.search.search(lead, "knife", kinds={"threat"})[0].record_id == plan.id
