"""Supervisor review from the queue (approve, return with a comment), the officer left with
supplements only, and the audit screen verifying the chain; checked in the store."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Static

from sro_tui.domain.enums import IncidentStatus
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.services.registry import Services
from sro_tui.ui.screens.audit import AuditScreen, parse_audit_filter
from sro_tui.ui.screens.review_queue import ReviewQueueScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def submitted_reports(services: Services, clock: Clock, count: int = 2) -> list[int]:
    officer = make_officer(services, "1001")
    vhs = services.reference.school_by_code("VHS").id
    ids = []
    for n in range(count):
        incident = services.incidents.create(
            officer,
            IncidentCreate(
                school_id=vhs,
                occurred_at=clock.now - timedelta(hours=3 - n),
                location_code="PARKING",
                offenses=[OffenseIn(category_code="TRESPASS")],
                narrative=f"Adult number {n} in the lot without a pass; escorted off.",
            ),
        )
        clock.advance(minutes=5)
        services.incidents.submit(officer, incident.id)
        ids.append(incident.id)
    return ids


async def test_supervisor_approves_and_returns_from_the_queue(
    sqlite_services: Services, clock: Clock
) -> None:
    first, second = submitted_reports(sqlite_services, clock)
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("v")  # the review queue, from Today
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        table = queue.query_one(DataTable)
        assert [table.get_row_at(i)[0] for i in range(table.row_count)] == [
            sqlite_services.incidents.get(app.actor, first).number,
            sqlite_services.incidents.get(app.actor, second).number,
        ]
        await pilot.press("enter")  # the oldest
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("enter")  # confirm "Approve"; the report closes, back to the queue
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        assert app.screen.query_one(DataTable).row_count == 1
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await type_text(pilot, "Add the vehicle plate")
        await pilot.press("ctrl+s")
        await settle(pilot)
    supervisor = sqlite_services.officers.authenticate("2001", "correct horse battery")
    approved = sqlite_services.incidents.get(supervisor, first)
    returned = sqlite_services.incidents.get(supervisor, second)
    assert approved.status is IncidentStatus.APPROVED and approved.approved_at is not None
    assert returned.status is IncidentStatus.RETURNED
    assert returned.review_comment == "Add the vehicle plate"


async def test_officer_has_no_review_queue(sqlite_services: Services, clock: Clock) -> None:
    submitted_reports(sqlite_services, clock, 1)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("v")
        await settle(pilot)
        assert not isinstance(app.screen, ReviewQueueScreen)
        assert app.check_action("review", ()) is False
        assert app.check_action("audit", ()) is False


async def test_audit_screen_lists_and_verifies(sqlite_services: Services, clock: Clock) -> None:
    submitted_reports(sqlite_services, clock, 1)
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        app.action_audit()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AuditScreen)
        table = screen.query_one(DataTable)
        actions = [table.get_row_at(i)[2] for i in range(table.row_count)]
        assert "login" in actions and "incident.submit" in actions
        await pilot.press("v")
        await settle(pilot)
        title = str(screen.query_one("#audit-title", Static).content)
        assert title.startswith("Chain verified")
        await pilot.press("slash")
        await settle(pilot)
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await settle(pilot)
        badges = {str(table.get_row_at(i)[1]) for i in range(table.row_count)}
        assert badges == {"1001"}


def test_audit_filter_words() -> None:
    assert parse_audit_filter("1001") == {"badge": "1001"}
    assert parse_audit_filter("incident.read") == {"action": "incident.read"}
    assert parse_audit_filter("incident 42") == {"record_type": "incident", "record_id": "42"}
    assert parse_audit_filter("  ") == {}
