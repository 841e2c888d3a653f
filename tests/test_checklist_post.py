"""services.checklist.current_post: where the officer is on the checklist (the quick
incident's Where follows it)."""

from __future__ import annotations

from sro_tui.domain.checklist import SkipItem
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services

from .conftest import Clock


def test_current_post_follows_the_checklist(
    services: Services, officer: Actor, clock: Clock
) -> None:
    school = services.reference.school_by_code("VHS").id
    assert services.checklist.current_post(officer, school) is None  # no shift yet
    shift = services.checklist.open_shift(officer, school)
    located = [i for i in shift.items if i.location_code]
    assert len(located) >= 3
    # Nothing settled yet: the first open item with a place.
    assert services.checklist.current_post(officer, school) == located[0].location_code
    # The item just settled wins (done or skipped), for an hour.
    services.checklist.mark_done(officer, located[2].id)
    assert services.checklist.current_post(officer, school) == located[2].location_code
    clock.advance(minutes=20)
    services.checklist.skip(officer, located[1].id, SkipItem(reason="assembly"))
    assert services.checklist.current_post(officer, school) == located[1].location_code
    clock.advance(minutes=61)
    # An hour later: back to the first item still open.
    assert services.checklist.current_post(officer, school) == located[0].location_code
    for item in located:
        if item.id not in (located[1].id, located[2].id):
            services.checklist.mark_done(officer, item.id)
    clock.advance(hours=2)
    assert services.checklist.current_post(officer, school) is None


def test_current_post_of_another_officer_is_theirs_only(
    services: Services, officer: Actor, other_officer: Actor
) -> None:
    school = services.reference.school_by_code("VHS").id
    services.checklist.open_shift(officer, school)
    assert services.checklist.current_post(other_officer, school) is None
