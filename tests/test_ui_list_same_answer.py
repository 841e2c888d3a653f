"""Back on a list whose first page reads the same as the one it shows, the table stays as it
is (issue 16): no rows cleared and added again, no second drawing; an answer that differs
replaces the rows as before. Behaviour only: no test here looks at a clock."""

from __future__ import annotations

from textual.widgets import DataTable

from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incidents import IncidentListScreen

from .conftest import Clock, make_officer
from .test_ui_list_loading import _one_of_each
from .ui_shell_support import make_app, settle, sign_in


async def test_back_on_an_unchanged_list_its_rows_are_not_rebuilt(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    _one_of_each(sqlite_services, officer, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        table = screen.query_one(DataTable)
        rows = dict(table.rows)
        assert len(rows) == 1
        await pilot.press("f5")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert app.screen is screen and not screen.page_loading
        assert table.rows == rows
        assert all(table.rows[key] is row for key, row in rows.items())  # the same rows
        assert screen.highlighted_id() is not None

        # A report written meanwhile: the answer differs, and the list shows it.
        await pilot.press("f5")
        await settle(pilot)
        sqlite_services.incidents.create(
            officer,
            IncidentCreate(
                school_id=sqlite_services.reference.school_by_code("VHS").id,
                occurred_at=clock.now,
                location_code="HALLWAY",
                offenses=[OffenseIn(category_code="FIGHT")],
                narrative="A second report.",
            ),
        )
        await pilot.press("f4")
        await settle(pilot)
        assert table.row_count == 2
