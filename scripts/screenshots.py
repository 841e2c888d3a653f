"""Save SVG screenshots of the main screens into ``screenshots/`` (shown in the README).

Builds a demo store in a temporary folder, drives the real app with Textual's test pilot at
100x30 and at 80x24, signs in as 1001 / demo and saves each screen. The clock is fixed (a
Monday morning in September) so the pictures only change when the screens do.

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
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

from sro_tui.config import Settings
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store.db import Database
from sro_tui.ui.app import SroApp, create_app

FIXED_NOW = datetime(2026, 9, 14, 17, 5, tzinfo=UTC)  # 10:05 in Ventura, a Monday
DEMO_PASSWORD = "demo"


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


async def shoot(services: Services, size: tuple[int, int], out: Path, suffix: str) -> list[Path]:
    """Walk through the officer's morning, saving a picture at each screen."""
    settings = Settings(database_url="demo", idle_lock_minutes=30)
    app: SroApp = create_app(settings, services=services, clock=fixed_clock)
    saved: list[Path] = []

    async def save(pilot: Pilot[object], name: str) -> None:
        await still(pilot)
        filename = f"{name}{suffix}.svg"
        app.save_screenshot(filename, path=str(out))
        saved.append(out / filename)

    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await type_text(pilot, DEMO_PASSWORD)
        await save(pilot, "login")
        await pilot.press("enter")
        await settle(pilot)
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
        if type(app.screen).__name__ == "IncidentListScreen":
            await save(pilot, "incidents")
        await pilot.press("f1")
        await settle(pilot)
        await save(pilot, "help")
        await pilot.press("escape")
        await pilot.press("ctrl+l")
        await settle(pilot)
        await save(pilot, "lock")
    return saved


async def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        services = build_store(Path(tmp))
        try:
            saved = await shoot(services, (100, 30), out, "")
            saved += await shoot(services, (80, 24), out, "-80x24")
        finally:
            services.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path(__file__).parent.parent / "screenshots")
    args = parser.parse_args()
    sys.exit(asyncio.run(main(args.out)))
