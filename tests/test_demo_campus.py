"""The demo department's campus security on real stores: warnings in force and expired, a
person warned again after returning (REPEATED in the watch check), juveniles' warnings under
their read rule, calls of every disposition (a "report taken" one linked to a report), two
logged today by badge 1001, all searchable."""

from __future__ import annotations

from sqlalchemy import func, select

from sro_tui.domain.calls import Disposition
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.trespass import WarningState
from sro_tui.services.demo import DEMO_PASSWORD
from sro_tui.services.registry import Services
from sro_tui.store.models import CallForService, TrespassWarning


def test_the_demo_has_warnings_and_calls_to_show(services: Services) -> None:
    counts = services.demo.seed(SYSTEM_ACTOR, scale=1)
    with services.db.read() as session:
        warnings = session.scalar(select(func.count()).select_from(TrespassWarning))
        by_disposition = dict(
            session.execute(
                select(CallForService.disposition, func.count()).group_by(
                    CallForService.disposition
                )
            ).all()
        )
        linked = session.scalar(
            select(func.count()).where(
                CallForService.disposition == Disposition.REPORT.value,
                CallForService.incident_id.is_not(None),
            )
        )
    assert counts["trespass_warnings"] == warnings == 7
    assert counts["calls_for_service"] == sum(by_disposition.values())
    assert set(by_disposition) == {d.value for d in Disposition}
    assert linked and linked >= 1

    officer = services.officers.authenticate("1001", DEMO_PASSWORD)
    kessler = services.trespass.check(officer, "kessler")
    assert [h.state for h in kessler] == [WarningState.IN_FORCE, WarningState.EXPIRED]
    assert all(h.repeated for h in kessler)
    states = {h.warning.person_name: h.state for h in services.trespass.check(officer, "a")}
    assert WarningState.EXPIRED in states.values()
    in_force = services.trespass.in_force(officer)
    assert {h.warning.person_name for h in in_force} >= {
        "Ray Kessler",
        "Dana Whitlock",
        "Tyler Brandt",
    }
    assert services.calls.count_today(officer) == 2
    # A juvenile of another school's warning (BHS): not for a VHS officer.
    assert services.trespass.check(officer, "marcus lee") == []
    supervisor = services.officers.authenticate("2001", DEMO_PASSWORD)
    assert len(services.trespass.check(supervisor, "marcus lee")) == 1
    hits = services.search.search(officer, "skateboard", kinds={"warning"})
    assert {h.lookup for h in hits} == {"Ray Kessler"}
    assert services.search.search(supervisor, "vape", kinds={"call"})
