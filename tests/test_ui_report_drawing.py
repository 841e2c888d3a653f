"""Reports (F8) and the footer draw without repeating work on the UI thread (issue 16): the
report's Markdown is drawn by Rich in the report's worker, never on the UI thread, and a key
of the footer that only becomes enabled or dimmed is drawn again in place, not a rebuilt
footer. Behaviour only: no test here looks at a clock."""

from __future__ import annotations

import threading

import pytest

from sro_tui.services.registry import Services
from sro_tui.ui.screens import report_view
from sro_tui.ui.screens.report_view import ReportView
from sro_tui.ui.widgets.footer import FooterKeys, SroFooter

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, open_reports, settle


async def test_the_report_markdown_is_drawn_off_the_ui_thread(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_officer(sqlite_services, "1001")
    drawn_on: list[str] = []
    draw = report_view.draw_report_text

    def recording(source, console, options):  # type: ignore[no-untyped-def]
        drawn_on.append(threading.current_thread().name)
        return draw(source, console, options)

    monkeypatch.setattr(report_view, "draw_report_text", recording)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_reports(pilot)
        assert screen.report is not None
        view = screen.query_one("#report-md", ReportView)
        assert view.source.count("|") > 100  # the monthly report, shown
        await pilot.press("y")  # another report, drawn again
        await settle(pilot)
        assert view.source  # the year to date, shown
    assert drawn_on  # the reports' Markdown was drawn
    assert threading.main_thread().name not in drawn_on  # in the workers only


async def test_a_footer_key_dimmed_or_lit_is_redrawn_not_rebuilt(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_reports(pilot)
        assert screen.report is not None
        row = screen.query_one(FooterKeys)
        footer_widgets = list(screen.query_one(SroFooter).walk_children())

        def save_dimmed() -> bool:
            return next(key for key in row.keys if key.action == "save").disabled

        assert not save_dimmed()
        report, screen.report = screen.report, None  # Save has nothing to save: dimmed
        screen.refresh_bindings()
        await settle(pilot)
        assert save_dimmed()
        assert list(screen.query_one(SroFooter).walk_children()) == footer_widgets  # not rebuilt
        screen.report = report
        screen.refresh_bindings()
        await settle(pilot)
        assert not save_dimmed()
        assert list(screen.query_one(SroFooter).walk_children()) == footer_widgets
