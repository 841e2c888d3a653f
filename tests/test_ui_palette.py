"""The command palette (ctrl+p) offers the app's commands, the actions of the screen it was
opened on (only those that apply to this officer now) and Textual's system commands."""

from __future__ import annotations

from textual.command import CommandPalette
from textual.pilot import Pilot

from sro_tui.domain.reports import MonthlyReport, YtdReport
from sro_tui.services.registry import Services
from sro_tui.ui.commands import SroCommands
from sro_tui.ui.screens.reports import ReportsScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def offered(app: object, kind: str) -> list[str]:
    provider = SroCommands(app.screen)  # type: ignore[attr-defined]
    return [offer.title for offer in provider.offers() if offer.kind == kind]


async def choose_best(pilot: Pilot[object]) -> None:
    """Enter highlights the best match (when none is yet), Enter again runs it."""
    await pilot.press("enter")
    await settle(pilot)
    if CommandPalette.is_open(pilot.app):
        await pilot.press("enter")
        await settle(pilot)
    assert not CommandPalette.is_open(pilot.app)


async def test_palette_runs_a_screen_action_by_name(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f8")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen) and isinstance(screen.report, MonthlyReport)
        actions = offered(app, "screen")
        assert {"Year (y)", "Save (s)", "Prev (p)", "Go to (g)"} <= set(actions)
        # An officer's reports are their own: no officer or school choice, no federal counts.
        assert not {"Officer (o)", "School (c)", "Federal (f)"} & set(actions)
        system = offered(app, "system")
        assert "Keys" in system and "Theme" in system
        assert "Screenshot" not in system and "Quit" not in system  # ours quits; no SVG of records
        await pilot.press("ctrl+p")
        await settle(pilot)
        assert CommandPalette.is_open(app)
        await type_text(pilot, "year")
        await settle(pilot)
        await choose_best(pilot)
        assert app.screen is screen
        assert isinstance(screen.report, YtdReport)
        # A new incident report: its actions by name (as the footer names them).
        await pilot.press("f4", "n")
        await settle(pilot)
        actions = offered(app, "screen")
        assert {"Submit for review (f9)", "Add category (^o)", "Save (^s)"} <= set(actions)


async def test_supervisor_palette_offers_more_and_system_commands_run(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("f8")
        await settle(pilot)
        actions = offered(app, "screen")
        assert {"Officer (o)", "School (c)", "Federal (f)"} <= set(actions)
        assert "Review queue" in offered(app, "app")
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "keys")
        await settle(pilot)
        await choose_best(pilot)
        assert app.screen.query("HelpPanel")  # Textual's keys panel, a system command
