"""The incident form's California parts (issue 11 item 7): the bias motivation is picked with
keys and saved; the WIC 625.6 reminder shows when a juvenile on the form is arrested and goes
when that no longer holds (it never blocks a save)."""

from __future__ import annotations

from datetime import UTC, datetime

from sro_tui.domain.enums import BiasMotivation, ComplianceKind, OutcomeKind
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, ReviewDecision
from sro_tui.domain.merge import differences
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.incident_draft import IncidentDraft
from sro_tui.ui.incident_merge import INCIDENT_MERGE_FIELDS
from sro_tui.ui.screens.incident_correction import IncidentCorrectionScreen
from sro_tui.ui.screens.incident_view import IncidentView
from sro_tui.ui.widgets.incident_rows import PersonRow

from .conftest import Clock, make_officer
from .test_ui_forms import FormHost, ui_officer, vhs
from .test_ui_incident_form import _form, _report, _report_host
from .test_ui_review_audit import submitted_reports
from .ui_shell_support import make_app, settle, sign_in

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


async def test_the_bias_motivation_is_picked_and_saved(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    incident_id = _report(sqlite_services, ui_officer, vhs, narrative="Slurs, then a punch.")
    app: FormHost = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = _form(app)
        editor = form.editor
        await editor.ensure_rest()
        await settle(pilot)
        assert editor.bias_motivation() is BiasMotivation.NONE
        editor.bias.focus()
        await pilot.press("enter", "down", "down", "down", "enter")  # None, Unknown, White, Black
        await settle(pilot)
        assert editor.bias_motivation() is BiasMotivation.ANTI_BLACK
        await pilot.press("ctrl+s")
        await settle(pilot)
    record = sqlite_services.incidents.get(ui_officer, incident_id)
    assert record.bias_motivation is BiasMotivation.ANTI_BLACK


async def test_a_juvenile_arrested_on_the_form_shows_the_wic_625_6_reminder(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    incident_id = _report(sqlite_services, ui_officer, vhs, narrative="A fight.")
    app: FormHost = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        form = _form(app)
        editor = form.editor
        await editor.add_person()
        await settle(pilot)
        row = editor.person_rows()[0]
        assert isinstance(row, PersonRow)
        kinds = {r.kind for r in editor.compliance_rows()}
        assert ComplianceKind.WIC_625_6 not in kinds
        row.outcomes.select(OutcomeKind.ARREST.value)
        await settle(pilot)
        assert ComplianceKind.WIC_625_6 in {r.kind for r in editor.compliance_rows()}
        row.juvenile.value = False  # an adult: the reminder goes (it was not marked done)
        await settle(pilot)
        assert ComplianceKind.WIC_625_6 not in {r.kind for r in editor.compliance_rows()}


async def test_the_read_only_report_shows_the_codes_and_the_reminders_still_open(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    data = IncidentCreate(
        school_id=vhs.id,
        occurred_at=datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
        location_code="ONLINE",
        offenses=[OffenseIn(category_code="THREAT")],
        narrative="Threats in a group chat.",
        bias_motivation=BiasMotivation.ANTI_ASIAN,
    )
    incident_id = sqlite_services.incidents.create(ui_officer, data).id
    sqlite_services.incidents.submit(ui_officer, incident_id)
    app = _report_host(sqlite_services, ui_officer, vhs, incident_id)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        [view] = _form(app).query(IncidentView)
        summary = view._summary()
    assert "Online (NIBRS 58)" in summary
    assert "Bias:      Anti-Asian (14)" in summary
    assert "EC 49393 threat record: not recorded" in summary


def test_a_bias_changed_on_another_terminal_is_shown_in_the_merge() -> None:
    mine = IncidentDraft(bias_motivation=BiasMotivation.ANTI_ASIAN).payload()
    theirs = IncidentDraft(bias_motivation=BiasMotivation.ANTI_ARAB).payload()
    found = differences(mine, theirs, INCIDENT_MERGE_FIELDS)
    assert [d.field.key for d in found] == ["bias_motivation"]


async def test_a_correction_in_the_app_carries_the_bias(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    (report,) = submitted_reports(services, clock, 1)
    supervisor = make_officer(services, "2002", "supervisor", ("VHS",))
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
        form.editor.bias.value = BiasMotivation.ANTI_HINDU.value
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, IncidentCorrectionScreen)
    waiting = services.corrections.versions(supervisor, report)[-1]
    assert waiting.status == "pending"
    assert waiting.content.bias_motivation is BiasMotivation.ANTI_HINDU
