"""The review queue's own keys: p approves and r returns the highlighted report, with the
same questions as inside the report; checked in the store."""

from __future__ import annotations

from textual.widgets import DataTable, Static

from sro_tui.domain.enums import IncidentStatus
from sro_tui.services.registry import Services
from sro_tui.ui.screens.review_queue import ReviewQueueScreen
from sro_tui.ui.widgets.confirm import ConfirmScreen
from sro_tui.ui.widgets.write_dialog import WriteScreen

from .conftest import TEST_PASSWORD, Clock, make_officer
from .test_ui_review_audit import submitted_reports
from .ui_shell_support import make_app, settle, sign_in, type_text


async def test_p_and_r_decide_on_the_highlighted_row(
    sqlite_services: Services, clock: Clock
) -> None:
    first, second, third = submitted_reports(sqlite_services, clock, 3)
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("v")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        hint = str(queue.query_one("#review-title", Static).render())
        assert "Enter opens · p approves · r returns" in hint
        table = queue.query_one(DataTable)
        assert table.row_count == 3
        # p on the second row: a yes/no question; n keeps the report waiting.
        await pilot.press("down", "p")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(pilot)
        assert table.row_count == 3
        await pilot.press("p")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert app.screen is queue and table.row_count == 2
        # r on the first row: a comment is required, then the report goes back.
        table.move_cursor(row=0)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, WriteScreen)
        await pilot.press("ctrl+s")  # empty: refused, the dialog stays
        await settle(pilot)
        assert isinstance(app.screen, WriteScreen)
        await type_text(pilot, "Say where the adult went")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is queue and table.row_count == 1
        # ctrl+r reloads (r is return now).
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert table.row_count == 1
    supervisor = sqlite_services.officers.authenticate("2001", TEST_PASSWORD)
    assert sqlite_services.incidents.get(supervisor, second).status is IncidentStatus.APPROVED
    returned = sqlite_services.incidents.get(supervisor, first)
    assert returned.status is IncidentStatus.RETURNED
    assert returned.review_comment == "Say where the adult went"
    assert sqlite_services.incidents.get(supervisor, third).status is IncidentStatus.SUBMITTED


async def test_the_hint_names_remapped_keys(sqlite_services: Services, clock: Clock) -> None:
    submitted_reports(sqlite_services, clock, 1)
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    app.set_keymap({"review.approve": "a"})
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, ReviewQueueScreen)
        hint = str(app.screen.query_one("#review-title", Static).render())
        assert "a approves · r returns" in hint
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
