"""Switching areas stays light (issue 16): the first visit to an area restyles no other
screen, its own styles are there all the same, and the report on Reports is one widget, not
one per table cell. Behaviour only: no test here looks at a clock."""

from __future__ import annotations

from textual.widgets import DataTable

from sro_tui.services.registry import Services
from sro_tui.ui.screens.incidents import IncidentListScreen
from sro_tui.ui.screens.report_view import ReportView
from sro_tui.ui.screens.reports import ReportsScreen
from sro_tui.ui.screens.students import StudentListScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in

AREA_KEYS = ("f4", "f5", "f6", "f7", "f8", "f2", "f3")


async def test_first_visit_to_each_area_restyles_no_other_screen(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        restyles: list[str] = []
        refresh_css = app.refresh_css

        def counted(animate: bool = True) -> None:
            restyles.append(type(app.screen).__name__)
            refresh_css(animate)

        app.refresh_css = counted  # type: ignore[method-assign]
        for key in AREA_KEYS:
            await pilot.press(key)
            await settle(pilot)
        assert restyles == []  # Textual did two per first visit, every screen alive each time

        # Each area's own stylesheet applies all the same (read once, behind the sign-in).
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, IncidentListScreen)
        assert str(app.screen.query_one(DataTable).styles.height) == "1fr"  # incidents.tcss
        await pilot.press("f7")
        await settle(pilot)
        assert isinstance(app.screen, StudentListScreen)
        assert str(app.screen.query_one(DataTable).styles.height) == "1fr"  # students.tcss

        # A theme change still reaches the screens kept alive (Textual's own refresh).
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        assert restyles  # the switch after a theme change restyles, as before
        assert not app.current_theme.dark


async def test_the_monthly_report_is_one_widget(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and screen.report is not None
        view = screen.query_one("#report-md", ReportView)
        assert view.source.count("|") > 100  # tables of many cells
        assert not list(view.children)  # drawn by Rich, not a widget per block and cell
        assert len(list(screen.walk_children())) < 40  # Textual's Markdown made over 300
