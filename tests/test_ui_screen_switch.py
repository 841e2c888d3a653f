"""Switching areas stays light (issue 16): the first visit to an area restyles no other
screen, its own styles are there all the same, the report on Reports is one widget, not one
per table cell, and a list read again (back on it, a key in its search) keeps its rows until
the answer replaces them. Behaviour only: no test here looks at a clock."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from sro_tui.domain.errors import SroError
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incidents import IncidentListScreen
from sro_tui.ui.screens.report_view import ReportView
from sro_tui.ui.screens.students import StudentListScreen

from .conftest import Clock, make_officer
from .test_ui_form_loading import SlowStore
from .test_ui_list_loading import _one_of_each
from .ui_shell_support import make_app, open_reports, settle, sign_in, type_text

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
        screen = await open_reports(pilot)
        assert screen.report is not None
        view = screen.query_one("#report-md", ReportView)
        assert view.source.count("|") > 100  # tables of many cells
        assert not list(view.children)  # drawn by Rich, not a widget per block and cell
        assert len(list(screen.walk_children())) < 40  # Textual's Markdown made over 300


async def test_back_on_a_list_its_rows_stay_until_the_new_answer(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """F4, F5, F4 again while the store is slow: the incident list keeps its rows (not an
    empty table, then the rows: two drawings) until the answer replaces them."""
    officer = make_officer(sqlite_services, "1001")
    _one_of_each(sqlite_services, officer, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        assert screen.query_one(DataTable).row_count == 1
        await pilot.press("f5")
        await settle(pilot)
        store = SlowStore(sqlite_services, monkeypatch)
        try:
            await pilot.press("f4")
            await pilot.pause()
            assert app.screen is screen and screen.page_loading  # asked again, not answered yet
            assert screen.query_one(DataTable).row_count == 1  # the rows stay meanwhile
            store.gate.set()
            await settle(pilot)
            assert not screen.page_loading
            assert screen.query_one(DataTable).row_count == 1
            assert screen.highlighted_id() is not None
        finally:
            store.watching = False
            store.gate.set()


async def test_a_key_in_the_student_search_replaces_the_rows_in_one_go(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = make_officer(sqlite_services, "1001")
    _one_of_each(sqlite_services, officer, clock)  # Ana Ruiz
    vhs = sqlite_services.reference.school_by_code("VHS").id
    sqlite_services.students.create(
        officer,
        StudentCreate(district_id="S-2", first_name="Ben", last_name="Cole", school_id=vhs),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudentListScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        store = SlowStore(sqlite_services, monkeypatch)
        try:
            await type_text(pilot, "ruiz")
            await pilot.pause()
            assert screen.page_loading
            assert table.row_count == 2  # the last answer's rows, until this one comes
            store.gate.set()
            await settle(pilot)
            assert table.row_count == 1  # replaced: Ana Ruiz only
            store.fail = SroError("The store cannot be reached")
            store.gate.clear()
            await type_text(pilot, "x")
            await pilot.pause()
            assert table.row_count == 1
            store.gate.set()
            await settle(pilot)
            assert table.row_count == 0  # not the rows of another question beside an error
            assert "Could not search" in str(screen.query_one("#student-status").render())
        finally:
            store.watching = False
            store.fail = None
            store.gate.set()
