"""Void and corrections in the app: the review queue shows a correction waiting (p approves
it), a report opened from the queue is voided with v and a reason (shown struck through, with
the reason), and h steps back to the earlier version of a corrected report."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from sro_tui.domain.incidents import ReviewDecision, VoidRequest
from sro_tui.services.corrections import IncidentCorrections
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incident_correction import IncidentCorrectionScreen
from sro_tui.ui.screens.incident_view import IncidentView
from sro_tui.ui.screens.review_queue import ReviewQueueScreen
from sro_tui.ui.widgets.confirm import ConfirmScreen
from sro_tui.ui.widgets.write_dialog import WriteScreen

from .conftest import TEST_PASSWORD, Clock, make_officer
from .test_ui_review_audit import submitted_reports
from .ui_shell_support import make_app, settle, sign_in, type_text


def _text(view: IncidentView) -> str:
    return "\n".join(str(s.render()) for s in view.query(Static))


async def test_queue_shows_a_correction_and_v_voids_a_report(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    corrected, to_void = submitted_reports(services, clock, 2)
    officer = services.officers.authenticate("1001", TEST_PASSWORD)
    other = make_officer(services, "2002", "supervisor", ("VHS",))
    services.incidents.approve(other, corrected, ReviewDecision())
    corrections = IncidentCorrections(services.ctx, services.audit)
    content = corrections.content(officer, corrected)
    content.narrative = "Corrected: the adult had a visitor pass after all."
    corrections.propose(officer, corrected, content)
    make_officer(services, "2001", "supervisor", ("VHS",))

    app = make_app(services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("v")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        table = queue.query_one(DataTable)
        assert table.row_count == 2
        first = [str(c) for c in table.get_row_at(0)]
        assert "Correction" in first[-1]
        # p on the correction: it becomes version 2.
        await pilot.press("p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is queue and table.row_count == 1
        # Enter opens the other (submitted) report; v asks why, then voids it.
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(IncidentView)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, WriteScreen)
        await type_text(pilot, "Duplicate of another report")
        await pilot.press("ctrl+s")
        await settle(pilot)
        view = app.screen.query_one(IncidentView)
        shown = _text(view)
        assert "VOIDED" in shown and "Duplicate of another report" in shown
        assert "counted in no report" in shown
    supervisor = services.officers.authenticate("2001", TEST_PASSWORD)
    assert services.incidents.get(supervisor, to_void).voided
    record = services.incidents.get(supervisor, corrected)
    assert (record.revision, record.revisions) == (2, 2)
    assert record.narrative.startswith("Corrected")


async def test_h_shows_the_earlier_version(sqlite_services: Services, clock: Clock) -> None:
    services = sqlite_services
    (report,) = submitted_reports(services, clock, 1)
    officer = services.officers.authenticate("1001", TEST_PASSWORD)
    first = make_officer(services, "2002", "supervisor", ("VHS",))
    services.incidents.approve(first, report, ReviewDecision())
    corrections = IncidentCorrections(services.ctx, services.audit)
    content = corrections.content(officer, report)
    content.narrative = "The corrected narrative."
    corrections.propose(officer, report, content)
    make_officer(services, "2001", "supervisor", ("VHS",))
    supervisor = services.officers.authenticate("2001", TEST_PASSWORD)
    corrections.approve(supervisor, report, ReviewDecision())

    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f4")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen.query_one(IncidentView)
        assert "Version 2 of 2" in _text(view) and "The corrected narrative." in _text(view)
        await pilot.press("h")
        await settle(pilot)
        view = app.screen.query_one(IncidentView)
        shown = _text(view)
        assert "Version 1 of 2 (superseded)" in shown
        assert "Adult number 0 in the lot" in shown
        await pilot.press("h")  # back to the version in force
        await settle(pilot)
        assert "Version 2 of 2" in _text(app.screen.query_one(IncidentView))


async def test_a_voided_report_is_struck_through_in_the_list(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    kept, voided = submitted_reports(services, clock, 2)
    supervisor = make_officer(services, "2001", "supervisor", ("VHS",))
    IncidentCorrections(services.ctx, services.audit).void(
        supervisor, voided, VoidRequest(reason="Duplicate")
    )
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f4")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        rows = {key.value: table.get_row(key) for key in table.rows}
        struck = rows[str(voided)]
        assert str(struck[2]) == "voided"
        assert "strike" in str(struck[0].spans)
        assert "strike" not in str(rows[str(kept)][0].spans)


async def test_c_opens_the_form_as_a_correction(sqlite_services: Services, clock: Clock) -> None:
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
        assert "Correction of" in form._title_text()
        assert form.narrative.text.startswith("Adult number 0")
        form.narrative.load_text("Corrected: the adult was a parent picking up a student.")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not isinstance(app.screen, IncidentCorrectionScreen)
    officer = services.officers.authenticate("1001", TEST_PASSWORD)
    record = services.incidents.get(officer, report)
    assert record.correction_pending and record.revision == 1
    assert record.narrative.startswith("Adult number 0")  # unchanged until approved
    waiting = IncidentCorrections(services.ctx, services.audit).versions(officer, report)
    assert waiting[-1].status == "pending"
    assert waiting[-1].content.narrative.startswith("Corrected: the adult was a parent")
