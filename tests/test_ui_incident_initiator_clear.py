"""The incident form's "who called you to it" set back to "Not recorded" (issue 11): the
blank choice saved clears it in the store; 80x24."""

from __future__ import annotations

from sro_tui.domain.enums import ContactInitiator
from sro_tui.domain.incidents import IncidentUpdate
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services

from .test_ui_forms import FormHost, ui_officer, vhs
from .test_ui_incident_form import _form, _report, _report_host
from .ui_shell_support import settle

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_who_initiated_goes_back_to_not_recorded(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    services = sqlite_services
    incident_id = _report(services, ui_officer, vhs, narrative="The dean called me.")
    record = services.incidents.get(ui_officer, incident_id)
    services.incidents.update(
        ui_officer,
        incident_id,
        IncidentUpdate(version=record.version, initiated_by=ContactInitiator.SCHOOL),
    )
    app: FormHost = _report_host(services, ui_officer, vhs, incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = _form(app).editor
        await editor.ensure_rest()
        await settle(pilot)
        assert editor.initiated_by() is ContactInitiator.SCHOOL
        editor.initiated.focus()
        await pilot.press("enter", "up", "enter")  # from a school official to Not recorded
        await settle(pilot)
        assert editor.initiated_by() is None
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert services.incidents.get(ui_officer, incident_id).initiated_by is None
