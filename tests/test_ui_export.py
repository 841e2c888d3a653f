"""Export (x on Reports, or the palette): progress while the files are written, the summary
at the end, the files on disk. The automatic daily backup after sign-in: once a day, and a
failure is a warning, not a crash."""

from __future__ import annotations

import csv
import json
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, ProgressBar, Static

from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.services.registry import Services
from sro_tui.ui.screens.export import ExportScreen
from sro_tui.ui.screens.reports import ReportsScreen
from sro_tui.ui.screens.today import TodayScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in


def file_incidents(services: Services, clock: Clock, count: int) -> None:
    officer = make_officer(services, "1001")
    vhs = services.reference.school_by_code("VHS").id
    for n in range(count):
        services.incidents.create(
            officer,
            IncidentCreate(
                school_id=vhs,
                occurred_at=clock.now - timedelta(days=n, hours=1),
                location_code="HALLWAY",
                offenses=[OffenseIn(category_code="FIGHT")],
                narrative=f"Fight number {n} in the hallway",
            ),
        )


async def test_export_shows_progress_and_writes_the_files(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    file_incidents(services, clock, 3)
    out = tmp_path / "export-out"
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
        await pilot.press("x")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        assert screen.query_one("#export-since", Input).value == "2026-09-01"
        assert screen.query_one("#export-until", Input).value == "2026-09-14"
        screen.query_one("#export-folder", Input).value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.summary is not None
        assert screen.summary.counts["incidents"] == 3
        assert ("incidents", 3, 3) in screen.steps  # the bar followed the service
        bar = screen.query_one(ProgressBar)
        assert bar.percentage == 1
        summary = str(screen.query_one("#export-summary", Static).content)
        assert "incidents 3" in summary and str(out) in summary
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReportsScreen)
    with (out / "incidents.csv").open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 3
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["counts"]["incidents"] == 3 and manifest["format"] == "csv"


async def test_export_into_a_folder_with_an_export_is_refused_in_the_form(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    file_incidents(sqlite_services, clock, 1)
    out = tmp_path / "again"
    out.mkdir()
    (out / "manifest.json").write_text("{}")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        app.action_export()  # the palette's command
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        screen.query_one("#export-folder", Input).value = str(out)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.summary is None
        assert "already holds an export" in str(screen.query_one("#export-error", Static).content)
    assert sorted(p.name for p in out.iterdir()) == ["manifest.json"]


async def test_export_days_take_the_day_grammar_and_refuse_at_the_field(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    file_incidents(sqlite_services, clock, 3)  # today, yesterday, the day before
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        app.action_export()
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ExportScreen)
        since = screen.query_one("#export-since", Input)
        since.value = "14 sept"
        screen.query_one("#export-folder", Input).value = str(tmp_path / "out")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert screen.summary is None and not screen.running
        error = screen.query_one("#export-since-error", Static)
        assert error.display and "'14 sept' is not a day" in str(error.content)
        assert since.has_focus  # the field that is wrong
        until = screen.query_one("#export-until", Input)
        assert not screen.query_one("#export-until-error", Static).display
        until.focus()
        await pilot.pause()
        until.value = "+99999"
        since.focus()  # leaving To says what is wrong with it at once
        await settle(pilot)
        until_error = screen.query_one("#export-until-error", Static)
        assert until_error.display and "too far from today" in str(until_error.content)
        since.value = "y"
        until.value = "t"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert not error.display and not until_error.display
        assert screen.summary is not None
        assert (
            str(screen.summary.since) == "2026-09-13" and str(screen.summary.until) == "2026-09-14"
        )
        assert screen.summary.counts["incidents"] == 2


def backups(sqlite_url: str) -> list[Path]:
    folder = Path(sqlite_url).parent / "backups"
    return sorted(folder.glob("*.db")) if folder.is_dir() else []


async def test_sign_in_makes_todays_backup_once(
    sqlite_services: Services, clock: Clock, sqlite_url: str
) -> None:
    make_officer(sqlite_services, "1001")
    assert backups(sqlite_url) == []
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    made = backups(sqlite_url)
    # The store before the day's work; `sro backup --auto` (cron) takes the day's backup.
    assert [p.name for p in made] == ["store-2026-09-14-at-sign-in.db"]
    assert made[0].with_name("store-2026-09-14-at-sign-in.db.sha256").is_file()  # restore
    stamp = made[0].stat().st_mtime_ns
    # A second sign-in the same day leaves it alone.
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await settle(pilot)
    assert backups(sqlite_url) == made and made[0].stat().st_mtime_ns == stamp


async def test_a_backup_that_fails_is_a_warning(
    sqlite_services: Services, clock: Clock, sqlite_url: str
) -> None:
    make_officer(sqlite_services, "1001")
    (Path(sqlite_url).parent / "backups").write_text("a file where the folder should be")
    app = make_app(sqlite_services, clock)
    async with app.run_test(notifications=True) as pilot:
        await sign_in(pilot)
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)  # the session goes on
        warnings = [n for n in app._notifications if n.severity == "warning"]
        assert any("automatic backup was not made" in n.message for n in warnings)
