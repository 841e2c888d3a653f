"""Save SVG screenshots of the main screens into ``screenshots/`` (shown in the README).

Builds a demo store in a temporary folder, drives the real app with Textual's test pilot at
100x30 and at 80x24, signs in as 1001 / demo and saves each screen, then signs in as the
supervisor 2001 for the review queue and the audit trail. The clock is fixed (a Monday morning
in September) so the pictures only change when the screens do. Every picture waits for the
screen's workers to finish; nothing sleeps.

The main screens are saved at both sizes; the rest (``timeline``, ``referral``, ``note-form``,
``reports-ytd``, ``search``, ``review-queue``, ``audit``, ``incident-form``) only at 100x30
unless ``--all-sizes`` is given.

    .venv/bin/python scripts/screenshots.py [--out screenshots]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import sys
import tempfile
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea
from textual.worker import WorkerCancelled

from sro_tui.config import Settings
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store.db import Database
from sro_tui.ui.app import SroApp, create_app

FIXED_NOW = datetime(2026, 9, 14, 17, 5, tzinfo=UTC)  # 10:05 in Ventura, a Monday
DEMO_PASSWORD = "demo"
SEARCH_WORDS = "vaping"  # a word the demo narratives and notes use
TIMELINE_STUDENT = "gutierrez joshua"  # a demo student with an incident and a referral


def fixed_clock() -> datetime:
    return FIXED_NOW


def build_store(folder: Path) -> Services:
    """A demo store (services.demo when it is there; else a few records made by hand)."""
    db = Database(str(folder / "demo.db"))
    prepare_store(db)
    services = build_services(
        db, audit_key=os.urandom(32), clock=fixed_clock, terminal="screenshots"
    )
    try:
        services.demo.seed(SYSTEM_ACTOR, scale=1)
    except ImportError:
        vhs = services.reference.school_by_code("VHS")
        services.officers.create(
            SYSTEM_ACTOR,
            OfficerCreate(badge="1001", name="Dana Reyes", school_ids=[vhs.id]),
            DEMO_PASSWORD,
            check_policy=False,
        )
    return services


async def settle(pilot: Pilot[object]) -> None:
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):  # a closed screen took its workers
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def still(pilot: Pilot[object]) -> None:
    """Cursors steady, so the picture does not depend on the blink phase."""
    await settle(pilot)
    for widget in pilot.app.screen.query(Input):
        widget.cursor_blink = False
    for area in pilot.app.screen.query(TextArea):
        area.cursor_blink = False
    await pilot.pause()


async def type_text(pilot: Pilot[object], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


Step = Callable[[Pilot[object]], Awaitable[None]]

# Saved at 80x24 too (the rest only at 100x30, unless --all-sizes).
MAIN_SCREENS = {
    "login",
    "school",
    "today",
    "checklist",
    "quick-incident",
    "incidents",
    "help",
    "lock",
    "students",
    "referrals",
    "mentoring",
    "reports",
    "incident-form",
}


def on_screen(pilot: Pilot[object], name: str) -> bool:
    """Whether the top screen is ``name``; says so on stderr when it is not."""
    actual = type(pilot.app.screen).__name__
    if actual != name:
        print(f"  expected {name}, found {actual}: picture skipped", file=sys.stderr)
    return actual == name


async def back(pilot: Pilot[object]) -> None:
    await pilot.press("escape")
    await settle(pilot)


async def sign_in(pilot: Pilot[object], badge: str, save: Step | None = None) -> None:
    await settle(pilot)
    await type_text(pilot, badge)
    await pilot.press("enter")
    await type_text(pilot, DEMO_PASSWORD)
    if save is not None:
        await save(pilot)
    await pilot.press("enter")
    await settle(pilot)


class Camera:
    """Saves the app's screen as ``<name><suffix>.svg`` (main screens only, when ``only_main``)."""

    def __init__(self, app: SroApp, out: Path, suffix: str, only_main: bool) -> None:
        self.app = app
        self.out = out
        self.suffix = suffix
        self.only_main = only_main
        self.saved: list[Path] = []

    def wanted(self, name: str) -> bool:
        return not self.only_main or name in MAIN_SCREENS

    async def save(self, pilot: Pilot[object], name: str) -> None:
        if not self.wanted(name):
            return
        await still(pilot)
        filename = f"{name}{self.suffix}.svg"
        self.app.save_screenshot(filename, path=str(self.out))
        self.saved.append(self.out / filename)


async def shoot(
    services: Services, size: tuple[int, int], out: Path, suffix: str, only_main: bool = False
) -> list[Path]:
    """Walk through the officer's morning, saving a picture at each screen."""
    settings = Settings(database_url="demo", idle_lock_minutes=30)
    app: SroApp = create_app(settings, services=services, clock=fixed_clock)
    camera = Camera(app, out, suffix, only_main)
    save = camera.save

    async with app.run_test(size=size) as pilot:

        async def save_login(p: Pilot[object]) -> None:
            await save(p, "login")

        await sign_in(pilot, "1001", save_login)
        await save(pilot, "school")
        await pilot.press("enter")
        await settle(pilot)
        await save(pilot, "today")
        await pilot.press("f3")
        await settle(pilot)
        await pilot.press("j", "j")
        await save(pilot, "checklist")
        await pilot.press("ctrl+n")
        await settle(pilot)
        if type(app.screen).__name__ == "QuickIncidentScreen":
            await save(pilot, "quick-incident")
            app.pop_screen()
            await settle(pilot)
        await pilot.press("f4")
        await settle(pilot)
        if on_screen(pilot, "IncidentListScreen"):
            await save(pilot, "incidents")
            await focus_table(pilot)
            await pilot.press("enter")
            await settle(pilot)
            if on_screen(pilot, "IncidentFormScreen"):
                await save(pilot, "incident-form")
                await back(pilot)
        await pilot.press("f5")
        await settle(pilot)
        if on_screen(pilot, "MentoringScreen"):
            await save(pilot, "mentoring")
            if camera.wanted("note-form"):
                await pilot.press("n")
                await settle(pilot)
                if on_screen(pilot, "NoteFormScreen"):
                    await save(pilot, "note-form")
                    await back(pilot)
                    await leave_unsaved(pilot)
        await pilot.press("f6")
        await settle(pilot)
        if on_screen(pilot, "ReferralListScreen"):
            await save(pilot, "referrals")
            if camera.wanted("referral"):
                await focus_table(pilot)
                await pilot.press("enter")
                await settle(pilot)
                if on_screen(pilot, "ReferralScreen"):
                    await save(pilot, "referral")
                    await back(pilot)
            if camera.wanted("referral-form"):
                await pilot.press("n")
                await settle(pilot)
                if on_screen(pilot, "ReferralFormScreen"):
                    await save(pilot, "referral-form")
                    await back(pilot)
                    await leave_unsaved(pilot)
        await pilot.press("f7")
        await settle(pilot)
        if on_screen(pilot, "StudentListScreen"):
            await save(pilot, "students")
            if camera.wanted("timeline"):
                # A student with records (the first in the list may have none yet).
                if not isinstance(app.focused, Input):
                    await pilot.press("slash")  # the search box
                await type_text(pilot, TIMELINE_STUDENT)
                await settle(pilot)
                await pilot.press("enter")  # to the list
                await settle(pilot)
                await pilot.press("enter")
                await settle(pilot)
                if on_screen(pilot, "StudentTimelineScreen"):
                    await save(pilot, "timeline")
                    await back(pilot)
        await pilot.press("f8")
        await settle(pilot)
        if on_screen(pilot, "ReportsScreen"):
            await save(pilot, "reports")
            if camera.wanted("reports-ytd"):
                await pilot.press("y")
                await settle(pilot)
                await save(pilot, "reports-ytd")
        if camera.wanted("search"):
            await pilot.press("ctrl+f")
            await settle(pilot)
            if on_screen(pilot, "SearchScreen"):
                await type_text(pilot, SEARCH_WORDS)
                await pilot.press("enter")  # searches now (no waiting out the debounce)
                await settle(pilot)
                await save(pilot, "search")
                await back(pilot)
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        await save(pilot, "help")
        await pilot.press("escape")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await save(pilot, "lock")
    return camera.saved


async def shoot_supervisor(
    services: Services, size: tuple[int, int], out: Path, suffix: str, only_main: bool = False
) -> list[Path]:
    """The supervisor's screens: the review queue (v on Today) and the audit trail."""
    settings = Settings(database_url="demo", idle_lock_minutes=30)
    app: SroApp = create_app(settings, services=services, clock=fixed_clock)
    camera = Camera(app, out, suffix, only_main)
    if not (camera.wanted("review-queue") or camera.wanted("audit")):
        return []
    async with app.run_test(size=size) as pilot:
        await sign_in(pilot, "2001")
        if type(app.screen).__name__ == "SchoolPickScreen":
            await pilot.press("enter")
            await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        if on_screen(pilot, "ReviewQueueScreen"):
            await camera.save(pilot, "review-queue")
            await back(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await type_text(pilot, "Audit trail")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        if on_screen(pilot, "AuditScreen"):
            await camera.save(pilot, "audit")
    return camera.saved


async def focus_table(pilot: Pilot[object]) -> None:
    """Put the keyboard on the screen's list, on its first row."""
    tables = pilot.app.screen.query(DataTable)
    if tables:
        tables.first().focus()
        await pilot.pause()


async def leave_unsaved(pilot: Pilot[object]) -> None:
    """A form asked whether to keep what was typed: answer the prompt so nothing is saved."""
    if type(pilot.app.screen).__name__ in ("ChoiceScreen",):
        await pilot.press("escape")
        await settle(pilot)


async def main(out: Path, all_sizes: bool = False) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        services = build_store(Path(tmp))
        try:
            saved = await shoot(services, (100, 30), out, "")
            saved += await shoot_supervisor(services, (100, 30), out, "")
            saved += await shoot(services, (80, 24), out, "-80x24", only_main=not all_sizes)
            saved += await shoot_supervisor(
                services, (80, 24), out, "-80x24", only_main=not all_sizes
            )
        finally:
            services.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "screenshots")
    parser.add_argument(
        "--all-sizes", action="store_true", help="every screen at 80x24 too, not just the main ones"
    )
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.out, args.all_sizes)))
