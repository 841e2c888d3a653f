"""Reports (F8): a hand-built month shows the right counts on screen (an arrest with three
charges counts once), saves as a PDF with the same figures; the year to date draws its chart;
officers see their own work only."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from pypdf import PdfReader
from textual.widgets import Input, Static
from textual_plotext import PlotextPlot

from sro_tui.domain.enums import OutcomeKind, PersonRole, WeaponType
from sro_tui.domain.errors import SroError
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn, ReviewDecision
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.domain.reports import MonthlyReport, Section, YtdReport
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.choice_prompt import ChoiceScreen
from sro_tui.ui.screens.report_choice import ReportChoice
from sro_tui.ui.screens.report_output import default_report_path, write_new_file
from sro_tui.ui.screens.report_view import ReportView
from sro_tui.ui.screens.reports import ReportsScreen
from sro_tui.ui.widgets.prompt import PromptScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, open_reports, settle, sign_in, type_text

LAW = Section.LAW_ENFORCEMENT.value
FEDERAL = Section.FEDERAL.value
ARRESTS = "Arrests (once per person per incident)"


def build_september(services: Services, clock: Clock) -> None:
    """September 2026 at VHS: one arrest with three charges (and a firearm), one trespass
    without an arrest, and a draft that does not count."""
    officer = make_officer(services, "1001")
    supervisor = make_officer(services, "2001", "supervisor", ("VHS",))
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        SYSTEM_ACTOR,
        StudentCreate(district_id="S-1", first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id

    def incident(when: datetime, offenses: list[OffenseIn], people: list[PersonIn]) -> int:
        clock.now = when
        created = services.incidents.create(
            officer,
            IncidentCreate(
                school_id=vhs,
                occurred_at=when,
                location_code="HALLWAY",
                offenses=offenses,
                people=people,
                narrative="Narrative text that never reaches a report",
            ),
        )
        return created.id

    arrest = incident(
        datetime(2026, 9, 3, 17, 0, tzinfo=UTC),
        [
            OffenseIn(category_code="WEAPON", weapon=WeaponType.FIREARM, most_severe=True),
            OffenseIn(category_code="DRUG-POSS"),
            OffenseIn(category_code="THREAT"),
        ],
        [PersonIn(role=PersonRole.SUSPECT, student_id=student, outcomes=[OutcomeKind.ARREST])],
    )
    trespass = incident(
        datetime(2026, 9, 8, 18, 0, tzinfo=UTC), [OffenseIn(category_code="TRESPASS")], []
    )
    for incident_id in (arrest, trespass):
        services.incidents.submit(officer, incident_id)
    services.incidents.approve(supervisor, arrest, ReviewDecision())
    incident(datetime(2026, 9, 10, 18, 0, tzinfo=UTC), [OffenseIn(category_code="FIGHT")], [])
    clock.now = datetime(2026, 9, 14, 15, 30, tzinfo=UTC)


def markdown_text(screen: ReportsScreen) -> str:
    return screen.query_one("#report-md", ReportView).source


async def test_monthly_counts_on_screen_and_saved_as_pdf(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    build_september(services, clock)
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        screen = await open_reports(pilot, "2001")
        report = screen.report
        assert isinstance(report, MonthlyReport) and report.month == "2026-09"
        assert report.figure(LAW, "Reports (incidents filed)").current == 2  # not the draft
        assert report.figure(LAW, ARRESTS).current == 1  # three charges, one arrest
        assert (
            report.figure(
                FEDERAL, "Students with a firearm or explosive device (Gun-Free Schools Act)"
            ).current
            == 1
        )
        shown = markdown_text(screen)
        assert f"| {ARRESTS} | 1 | 0 | 0 |" in shown
        assert "| Reports (incidents filed) | 2 | 0 | 0 |" in shown
        assert "Ruiz" not in shown and "Narrative" not in shown  # statistics carry no names
        # s: the format, then the path (a default name is offered; this one goes to tmp).
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, ChoiceScreen)
        await pilot.press("enter")  # PDF, the first choice
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        box = prompt.query_one(Input)
        assert box.value.endswith("monthly-2026-09.pdf")
        target = tmp_path / "september.pdf"
        box.value = ""
        await type_text(pilot, str(target))
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen and screen.saved == target
    text = "\n".join(page.extract_text() for page in PdfReader(target).pages)
    assert "Monthly activity report" in text
    assert "September 2026" in text
    assert "Arrests" in text
    assert "Ruiz" not in text


async def test_year_to_date_chart_and_officer_sees_only_own_work(
    sqlite_services: Services, clock: Clock
) -> None:
    build_september(sqlite_services, clock)
    make_officer(sqlite_services, "1002")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1002")  # another officer: none of the September work is theirs
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        assert screen.report.header.officer_badge == "1002"
        assert screen.report.figure(LAW, "Reports (incidents filed)").current == 0
        assert app.check_action("go", ("reports",)) is None  # already here
        assert screen.check_action("officer", ()) is False  # no other officers' reports
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(screen.report, YtdReport) and screen.report.school_year == "2026-27"
        assert screen.query_one(PlotextPlot).has_class("shown")
        await pilot.press("f")  # federal counts are for supervisors: the key does nothing
        await settle(pilot)
        assert isinstance(screen.report, YtdReport)


async def test_supervisor_year_to_date_and_federal_for_a_school(
    sqlite_services: Services, clock: Clock
) -> None:
    build_september(sqlite_services, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_reports(pilot, "2001")
        await pilot.press("y")
        await settle(pilot)
        assert screen.report.series("incidents")[2] == 2  # September, third month of the year
        assert screen.report.series("arrests")[2] == 1
        assert "| Sep 2026 | 2 | 1 | 0 |" in markdown_text(screen)  # short columns on screen
        await pilot.press("c")
        await settle(pilot)
        await type_text(pilot, "vhs")
        await pilot.press("enter")
        await pilot.press("f")
        await settle(pilot)
        federal = screen.report
        assert federal.school_code == "VHS"
        assert (federal.school_related_arrests, federal.gfsa_students) == (1, 1)
        assert (
            "| Students with a firearm or explosive device (Gun-Free Schools Act) | 1 |"
            in markdown_text(screen)
        )
        # p: the school year before has nothing.
        await pilot.press("p")
        await settle(pilot)
        assert screen.report.school_year == "2025-26"
        assert screen.report.gfsa_students == 0


def test_saving_never_overwrites_and_names_by_report(tmp_path: Path) -> None:
    choice = ReportChoice(
        kind="monthly",
        day=date(2026, 9, 14),
        month="2026-09",
        school_year="2026-27",
        school_code="VHS",
    )
    path = default_report_path(choice, "csv", tmp_path)
    assert path == tmp_path / "monthly-2026-09-VHS.csv"
    write_new_file(path, b"first")
    with pytest.raises(SroError, match="already exists"):
        write_new_file(path, b"second")
    assert path.read_bytes() == b"first"
    assert choice.stepped(-1).month == "2026-08" and choice.stepped(4).month == "2027-01"


def test_go_to_reads_the_one_day_grammar() -> None:
    today = date(2026, 9, 14)
    daily = ReportChoice(kind="daily", day=today, month="2026-09", school_year="2026-27")
    assert daily.moved_to("y", today).day == date(2026, 9, 13)
    assert daily.moved_to("-1w", today).day == date(2026, 9, 7)
    assert daily.moved_to("2026-09-01", today).day == date(2026, 9, 1)
    for bad in ("", "someday", "9999-12-31"):
        with pytest.raises(ValueError):
            daily.moved_to(bad, today)
    monthly = replace(daily, kind="monthly")
    assert monthly.moved_to("2026-03", today).month == "2026-03"
    with pytest.raises(ValueError, match="YYYY-MM"):
        monthly.moved_to("March", today)


async def test_go_to_refuses_a_bad_day_at_the_field(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        await pilot.press("d", "g")
        await settle(pilot)
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one(Input).value = ""
        await type_text(pilot, "someday [/]")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is prompt  # still open: the reason is at the field
        error = str(prompt.query_one("#prompt-error", Static).render())
        assert "'someday [/]' is not a day" in error and "t for today" in error
        assert prompt.query_one(Input).has_focus
        prompt.query_one(Input).value = ""
        await type_text(pilot, "y")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is screen
        assert screen.choice is not None and screen.choice.kind == "daily"
        assert screen.choice.day == sqlite_services.ctx.today() - timedelta(days=1)
        assert screen.report.day == screen.choice.day


async def test_chart_is_mounted_with_the_first_year_to_date_only(
    sqlite_services: Services, clock: Clock
) -> None:
    """The month's report has no chart widget (plotext is not needed for it: issue 16's peak
    memory); the year to date mounts one and shows it, and back on the month it is hidden."""
    build_september(sqlite_services, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_reports(pilot, "2001")
        assert isinstance(screen.report, MonthlyReport)
        assert not screen.query(PlotextPlot)
        await pilot.press("y")
        await settle(pilot)
        assert isinstance(screen.report, YtdReport)
        (chart,) = screen.query(PlotextPlot)
        assert chart.has_class("shown") and chart.display
        body = screen.query_one("#report-body")
        assert [child.id for child in body.children] == ["report-chart", "report-md"]
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(screen.report, MonthlyReport)
        assert screen.query_one(PlotextPlot) is chart and not chart.has_class("shown")
        await pilot.press("y")
        await settle(pilot)
        assert len(screen.query(PlotextPlot)) == 1 and chart.has_class("shown")
