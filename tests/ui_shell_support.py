"""Helpers for the shell's Pilot tests: build the real app over a test store, type as an
officer types, wait for the workers (never sleep)."""

from __future__ import annotations

import contextlib

from textual.pilot import Pilot
from textual.worker import WorkerCancelled

from sro_tui.config import Settings
from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp, create_app

from .conftest import TEST_PASSWORD, Clock


def make_app(services: Services, clock: Clock, **settings: object) -> SroApp:
    values = {"database_url": "unused-in-tests", "idle_lock_minutes": 10, **settings}
    return create_app(Settings(**values), services=services, clock=clock)


async def settle(pilot: Pilot[object]) -> None:
    """Let workers finish and their results reach the screen."""
    for _ in range(3):
        with contextlib.suppress(WorkerCancelled):  # a closed screen took its workers
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def type_text(pilot: Pilot[object], text: str) -> None:
    await pilot.press(*["space" if ch == " " else ch for ch in text])


async def sign_in(
    pilot: Pilot[object],
    badge: str = "1001",
    password: str = TEST_PASSWORD,
    *,
    confirm_school: bool = True,
) -> None:
    """Badge, enter, password, enter; then Enter on the school pick."""
    await settle(pilot)
    await type_text(pilot, badge)
    await pilot.press("enter")
    await type_text(pilot, password)
    await pilot.press("enter")
    await settle(pilot)
    if confirm_school:
        await pilot.press("enter")
        await settle(pilot)
