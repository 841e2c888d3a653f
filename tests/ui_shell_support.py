"""Helpers for the shell's Pilot tests: build the real app over a test store, type as an
officer types, wait for the workers (never sleep)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from typing import Any, TypeVar

import pytest
from textual import events
from textual.pilot import Pilot
from textual.screen import Screen
from textual.worker import WorkerCancelled

from sro_tui.config import Settings
from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp, create_app
from sro_tui.ui.screens.reports import ReportsScreen

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


async def until_filled(pilot: Pilot[Any], done: Callable[[], bool], seconds: float = 30) -> None:
    """Turns of the app until ``done()`` (a form's rest mounted and the store's answer in), at
    most ``seconds``: the rest is mounted after the form's first frame, which a busy machine
    (CI's parallel workers) draws later than one turn."""
    with contextlib.suppress(WorkerCancelled):
        await pilot.app.workers.wait_for_complete()
    give_up = asyncio.get_running_loop().time() + seconds
    while not done():
        if asyncio.get_running_loop().time() > give_up:
            raise AssertionError("the form's rest was never mounted and filled")
        await pilot.pause()


class Calls:
    """Counts the calls of ``target``'s method ``name`` (Textual calls ``refresh`` and
    ``update_node_styles`` through the instance, so the count sees its own)."""

    def __init__(self, target: object, name: str) -> None:
        self.count = 0
        original = getattr(target, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return original(*args, **kwargs)

        setattr(target, name, counted)


# The key names Pilot uses for characters that have one.
_KEY_NAMES = {" ": "space", "\t": "tab", "\n": "enter"}


def send_keys(pilot: Pilot[object], keys: list[str]) -> None:
    """Queue key events all at once, as a terminal delivers what a fast typist or a badge
    reader sends: the app reads them in order, each going to the widget focused by then.
    (``pilot.press`` waits for the app to go idle after every key: 40 ms or more each.)"""
    characters = {name: char for char, name in _KEY_NAMES.items()}
    for key in keys:
        char = key if len(key) == 1 else characters.get(key)
        event = events.Key(key, char)
        event.set_sender(pilot.app)
        pilot.app.post_message(event)


async def type_text(pilot: Pilot[object], text: str) -> None:
    """Type ``text`` at typing speed and wait until the app has taken every key."""
    send_keys(pilot, [_KEY_NAMES.get(ch, ch) for ch in text])
    await pilot.pause()


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


async def open_reports(pilot: Pilot[object], badge: str = "1001") -> ReportsScreen:
    """Sign in as ``badge`` and open Reports (F8), its first report loaded."""
    await sign_in(pilot, badge)
    await pilot.press("f8")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, ReportsScreen)
    return screen


ScreenT = TypeVar("ScreenT", bound=Screen[Any])


def at_first_frame(
    monkeypatch: pytest.MonkeyPatch,
    screen_class: type[ScreenT],
    look: Callable[[ScreenT], Any],
) -> list[Any]:
    """What ``look(screen)`` says as the first frame of a ``screen_class`` screen is drawn,
    recorded by the drawing itself (a screen may draw as soon as it is idle:
    ui/prompt_frames.py, so what an awaited push sees comes after it)."""
    seen: list[Any] = []
    draw = screen_class._on_timer_update

    def first_frame(self: ScreenT) -> None:
        if not seen and self.is_current and not self.app._batch_count:
            seen.append(look(self))
        draw(self)

    monkeypatch.setattr(screen_class, "_on_timer_update", first_frame)
    return seen
