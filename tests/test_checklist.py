"""The duty checklist on a real store: shifts from the template, item changes, permissions."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime

import pytest
from pydantic import ValidationError

from sro_tui.domain.checklist import ItemNote, OneOffItem, SkipItem
from sro_tui.domain.enums import ChecklistStatus
from sro_tui.domain.errors import NotFound, PermissionDenied
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.services.registry import Services

from .conftest import Clock


def vhs(services: Services) -> int:
    return services.reference.school_by_code("VHS").id


def test_open_shift_from_template_once(services: Services, officer: Actor) -> None:
    template = services.reference.checklist_template()
    shift = services.checklist.open_shift(officer, vhs(services))
    assert shift.officer_id == officer.officer_id
    assert shift.school_name == "Ventura High School"
    assert shift.shift_date == date(2026, 9, 14)
    assert shift.started_at == services.ctx.now()
    assert [i.label for i in shift.items] == [t.label for t in template]
    assert [i.location_code for i in shift.items] == [t.location_code for t in template]
    assert all(i.status is ChecklistStatus.PENDING and not i.one_off for i in shift.items)
    assert shift.progress == (0, len(template))
    again = services.checklist.open_shift(officer, vhs(services))
    assert again == shift
    opened = [e for e in services.audit.recent() if e.action == "shift.open"]
    assert len(opened) == 1 and opened[0].record_id == str(shift.id)


def test_the_day_is_the_local_day(services: Services, officer: Actor, clock: Clock) -> None:
    clock.now = datetime(2026, 9, 15, 6, 30, tzinfo=UTC)  # 23:30 on the 14th in Ventura
    late = services.checklist.open_shift(officer, vhs(services))
    assert late.shift_date == date(2026, 9, 14)
    clock.advance(hours=1)
    next_day = services.checklist.open_shift(officer, vhs(services))
    assert next_day.shift_date == date(2026, 9, 15)
    assert next_day.id != late.id
    assert [s.id for s in services.checklist.shifts_on(officer)] == [next_day.id]
    assert [s.id for s in services.checklist.shifts_on(officer, date(2026, 9, 14))] == [late.id]


def test_shifts_on_lists_only_own_shifts_of_the_day(
    services: Services, officer: Actor, other_officer: Actor
) -> None:
    bhs = services.reference.school_by_code("BHS").id
    first = services.checklist.open_shift(officer, vhs(services))
    second = services.checklist.open_shift(officer, bhs)
    services.checklist.open_shift(other_officer, vhs(services))
    services.checklist.open_shift(officer, vhs(services), date(2026, 9, 13))
    shifts = services.checklist.shifts_on(officer)
    assert [s.id for s in shifts] == [first.id, second.id]
    assert [s.school_name for s in shifts] == ["Ventura High School", "Buena High School"]
    assert services.checklist.shifts_on(officer, date(2026, 9, 1)) == []


def test_open_shift_for_an_unknown_school(services: Services, officer: Actor) -> None:
    with pytest.raises(NotFound) as info:
        services.checklist.open_shift(officer, 99999)
    assert info.value.field == "school_id"
    with pytest.raises(PermissionDenied):
        services.checklist.open_shift(SYSTEM_ACTOR, vhs(services))


def test_done_skip_note_reset(services: Services, officer: Actor, clock: Clock) -> None:
    shift = services.checklist.open_shift(officer, vhs(services))
    first, second = shift.items[0], shift.items[1]
    clock.advance(minutes=3)
    done = services.checklist.mark_done(officer, first.id)
    assert done.status is ChecklistStatus.DONE
    assert done.status_at == clock.now
    clock.advance(minutes=3)
    skipped = services.checklist.skip(officer, second.id, SkipItem(reason="Gate under repair"))
    assert skipped.status is ChecklistStatus.SKIPPED
    assert skipped.skip_reason == "Gate under repair"
    assert skipped.status_at == clock.now
    with pytest.raises(ValidationError):
        SkipItem(reason="  ")
    clock.advance(minutes=3)
    noted = services.checklist.set_note(
        officer, first.id, ItemNote(note="Side gate open.\nClosed.")
    )
    assert noted.note == "Side gate open.\nClosed."
    assert noted.status is ChecklistStatus.DONE
    assert noted.status_at == done.status_at  # a note does not move the time it was done
    done_again = services.checklist.mark_done(officer, second.id)
    assert done_again.skip_reason == ""
    reset = services.checklist.reset(officer, first.id)
    assert reset.status is ChecklistStatus.PENDING
    assert reset.status_at is None
    assert reset.note == "Side gate open.\nClosed."
    reread = services.checklist.get_shift(officer, shift.id)
    assert reread.progress == (1, len(shift.items))
    assert reread.items[0] == reset
    assert reread.items[1] == done_again
    actions = [e.action for e in services.audit.recent(limit=6)]
    assert actions[:5] == [
        "checklist.reset",
        "checklist.done",
        "checklist.note",
        "checklist.skip",
        "checklist.done",
    ]


def test_one_off_items_go_at_the_end(services: Services, officer: Actor) -> None:
    shift = services.checklist.open_shift(officer, vhs(services))
    added = services.checklist.add_item(
        officer, shift.id, OneOffItem(label="Check the portable classrooms", location_code="gym")
    )
    assert added.one_off
    assert added.location_code == "GYM"
    assert added.position == shift.items[-1].position + 1
    second = services.checklist.add_item(officer, shift.id, OneOffItem(label="Call the VP"))
    assert second.position == added.position + 1
    reread = services.checklist.get_shift(officer, shift.id)
    assert [i.id for i in reread.items[-2:]] == [added.id, second.id]
    with pytest.raises(NotFound) as info:
        services.checklist.add_item(
            officer, shift.id, OneOffItem(label="Somewhere", location_code="MOON")
        )
    assert info.value.field == "location_code"


def test_only_the_shifts_officer_changes_it(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    shift = services.checklist.open_shift(officer, vhs(services))
    item = shift.items[0]
    for actor in (other_officer, supervisor):
        with pytest.raises(PermissionDenied):
            services.checklist.mark_done(actor, item.id)
        with pytest.raises(PermissionDenied):
            services.checklist.skip(actor, item.id, SkipItem(reason="x"))
        with pytest.raises(PermissionDenied):
            services.checklist.set_note(actor, item.id, ItemNote(note="x"))
        with pytest.raises(PermissionDenied):
            services.checklist.reset(actor, item.id)
        with pytest.raises(PermissionDenied):
            services.checklist.add_item(actor, shift.id, OneOffItem(label="x"))
    assert services.audit.recent(limit=1)[0].outcome == "denied"
    assert services.checklist.get_shift(officer, shift.id).items[0] == item
    with pytest.raises(PermissionDenied):
        services.checklist.get_shift(other_officer, shift.id)
    assert services.checklist.get_shift(supervisor, shift.id).id == shift.id
    assert services.audit.recent(limit=1)[0].action == "shift.read"
    with pytest.raises(NotFound):
        services.checklist.mark_done(officer, 987654)
    with pytest.raises(NotFound):
        services.checklist.get_shift(officer, 987654)


def test_opening_the_same_shift_at_once_makes_one(services: Services, officer: Actor) -> None:
    """Two terminals opening the day at the same moment get the same shift, not an error."""
    school = vhs(services)
    barrier = threading.Barrier(4)

    def open_it() -> int:
        barrier.wait(timeout=30)
        return services.checklist.open_shift(officer, school).id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(lambda _: open_it(), range(4)))
    assert len(set(ids)) == 1
    assert [s.id for s in services.checklist.shifts_on(officer)] == ids[:1]
    assert len(services.checklist.get_shift(officer, ids[0]).items) == len(
        services.reference.checklist_template()
    )
