"""Snapshot tests of the shell's screens (pytest-textual-snapshot): frozen clock, fixed data,
cursor blink off. Update with `pytest tests/test_snapshots.py --snapshot-update` after
looking at the differences."""

from __future__ import annotations

from textual.pilot import Pilot
from textual.widgets import Input

from sro_tui.services.registry import Services

from .conftest import Clock, make_officer
from .test_ui_today import fill_day
from .ui_shell_support import make_app, settle, sign_in, type_text


async def steady(pilot: Pilot[object]) -> None:
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    await pilot.pause()


def test_login(snap_compare, sqlite_services: Services, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    make_officer(sqlite_services, "1001")

    async def run_before(pilot: Pilot[object]) -> None:
        await settle(pilot)
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await steady(pilot)

    assert snap_compare(make_app(sqlite_services, clock), run_before=run_before)


def test_today(snap_compare, sqlite_services: Services, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    actor = make_officer(sqlite_services, "1001")
    fill_day(sqlite_services, actor, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await sign_in(pilot)
        await steady(pilot)

    assert snap_compare(make_app(sqlite_services, clock), run_before=run_before)


def test_checklist_light_theme(snap_compare, sqlite_services: Services, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    make_officer(sqlite_services, "1001")

    async def run_before(pilot: Pilot[object]) -> None:
        await sign_in(pilot)
        await pilot.press("f10", "f3")
        await settle(pilot)
        await pilot.press("space", "j", "s")
        await settle(pilot)
        await type_text(pilot, "fire drill")
        await pilot.press("enter")
        await steady(pilot)

    assert snap_compare(
        make_app(sqlite_services, clock), run_before=run_before, terminal_size=(100, 30)
    )


def test_lock(snap_compare, sqlite_services: Services, clock: Clock) -> None:  # type: ignore[no-untyped-def]
    actor = make_officer(sqlite_services, "1001")
    fill_day(sqlite_services, actor, clock)

    async def run_before(pilot: Pilot[object]) -> None:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await steady(pilot)

    assert snap_compare(make_app(sqlite_services, clock), run_before=run_before)
