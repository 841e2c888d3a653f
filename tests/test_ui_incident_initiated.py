"""The incident form's "who called you to it" field (issue 11 item 6): picked with keys, saved
with the report (CRDC counts a referral to law enforcement only when a school official or
designee made it), kept in the draft, shown when the report is opened again; 80x24."""

from __future__ import annotations

from sro_tui.domain.enums import ContactInitiator
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services

from .test_ui_forms import FormHost, ui_officer, vhs
from .test_ui_incident_form import _form, _report, _report_host
from .ui_shell_support import settle

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_who_initiated_is_picked_saved_and_shown_again(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    incident_id = _report(sqlite_services, ui_officer, vhs, narrative="The dean called me.")
    app: FormHost = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = _form(app).editor
        await editor.ensure_rest()
        await settle(pilot)
        assert editor.initiated_by() is None  # not recorded yet
        editor.initiated.focus()
        await pilot.press("enter", "down", "enter")  # Not recorded, a school official
        await settle(pilot)
        assert editor.initiated_by() is ContactInitiator.SCHOOL
        assert editor.draft(incident_id=incident_id, version=1).initiated_by is (
            ContactInitiator.SCHOOL
        )
        await pilot.press("ctrl+s")
        await settle(pilot)
    record = sqlite_services.incidents.get(ui_officer, incident_id)
    assert record.initiated_by is ContactInitiator.SCHOOL

    again: FormHost = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with again.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        editor = _form(again).editor
        await editor.ensure_rest()
        await settle(pilot)
        assert editor.initiated_by() is ContactInitiator.SCHOOL
        assert editor.initiated.value == ContactInitiator.SCHOOL.value
