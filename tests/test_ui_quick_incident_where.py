"""The quick incident's Where follows the checklist item the officer is on, then their last
place, then the front office; a checklist item's own prefill still wins."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

from .conftest import Clock
from .test_ui_forms import FormHost, ui_officer, vhs
from .ui_shell_support import settle

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def _where(
    services: Services, actor: Actor, school: SchoolRead, **prefill: Any
) -> str | None:
    host = FormHost(
        services, actor, school=school, first=lambda: QuickIncidentScreen(prefill=prefill)
    )
    async with host.run_test() as pilot:
        await settle(pilot)
        form = host.screen
        assert isinstance(form, QuickIncidentScreen) and not form.record_loading
        value = form.location.value
    return None if value is None else str(value)


async def test_where_follows_the_checklist_then_the_last_place(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead, clock: Clock
) -> None:
    # A first incident, no shift: the front office.
    assert await _where(sqlite_services, ui_officer, vhs) == "OFFICE"
    sqlite_services.incidents.create(
        ui_officer,
        IncidentCreate(
            school_id=vhs.id,
            occurred_at=datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
            location_code="GYM",
            offenses=[OffenseIn(category_code="TRUANCY")],
        ),
    )
    # No shift yet: where the last incident was.
    assert await _where(sqlite_services, ui_officer, vhs) == "GYM"
    shift = sqlite_services.checklist.open_shift(ui_officer, vhs.id)
    by_label = {i.label: i for i in shift.items}
    # The shift's first open item with a place (the arrival check-in, in the office).
    assert await _where(sqlite_services, ui_officer, vhs) == "OFFICE"
    # Just done with the parking lot: that is where the officer is.
    sqlite_services.checklist.mark_done(ui_officer, by_label["Parking lot check"].id)
    assert await _where(sqlite_services, ui_officer, vhs) == "PARKING"
    # Opened from a checklist item: its place wins.
    assert await _where(sqlite_services, ui_officer, vhs, location_code="CAFETERIA") == (
        "CAFETERIA"
    )
