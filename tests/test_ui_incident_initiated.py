"""The incident form's "who called you to it" field (issue 11 item 6): picked with keys, saved
with the report (CRDC counts a referral to law enforcement only when a school official or
designee made it), kept in the draft, shown when the report is opened again; 80x24."""

from __future__ import annotations

from datetime import timedelta

from sro_tui.domain.enums import ContactInitiator
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, ReviewDecision
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incident_correction import IncidentCorrectionScreen

from .conftest import Clock, make_officer
from .test_ui_forms import FormHost, ui_officer, vhs
from .test_ui_incident_form import _form, _report, _report_host
from .ui_shell_support import make_app, settle, sign_in

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


async def test_a_correction_in_the_app_shows_and_changes_who_initiated(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    officer = make_officer(services, "1001")
    supervisor = make_officer(services, "2002", "supervisor", ("VHS",))
    report = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=services.reference.school_by_code("VHS").id,
            occurred_at=clock.now - timedelta(hours=2),
            location_code="HALLWAY",
            initiated_by=ContactInitiator.SCHOOL,
            offenses=[OffenseIn(category_code="FIGHT")],
            narrative="The dean called me to a fight in the hallway.",
        ),
    ).id
    services.incidents.submit(officer, report)
    services.incidents.approve(supervisor, report, ReviewDecision())
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentCorrectionScreen)
        await form.editor.ensure_rest()
        await settle(pilot)
        assert form.editor.initiated_by() is ContactInitiator.SCHOOL
        form.editor.initiated.value = ContactInitiator.OFFICER.value
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, IncidentCorrectionScreen)
    waiting = services.corrections.versions(supervisor, report)[-1]
    assert waiting.status == "pending"
    assert waiting.content.initiated_by is ContactInitiator.OFFICER
    services.corrections.approve(supervisor, report, ReviewDecision())
    assert services.incidents.get(supervisor, report).initiated_by is ContactInitiator.OFFICER
