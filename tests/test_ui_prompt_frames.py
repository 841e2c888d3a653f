"""A screen's changes are drawn as soon as it is idle, not at the next tick of Textual's 60 Hz
grid, and never more than 60 frames a second (ui/prompt_frames.py, issue 16). No time is
asserted: what is checked is which way a frame was drawn."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sro_tui.ui import prompt_frames
from sro_tui.ui.prompt_frames import PromptFrames


class Prompt(PromptFrames, Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("before", id="text")


class Host(App[None]):
    def on_mount(self) -> None:
        self.push_screen(Prompt())


def _timer_stopped(screen: Screen[Any]) -> list[str]:
    """Textual's frame timer kept from ticking; each time it is asked to, noted."""
    asked: list[str] = []
    screen._update_timer.resume = lambda: asked.append("timer")  # type: ignore[method-assign]
    return asked


async def _turns() -> None:
    """Turns of the app's loop (Pilot.pause would draw the screen itself)."""
    for _ in range(10):
        await asyncio.sleep(0.01)


def _frames(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    drawn: list[str] = []
    draw = Prompt._on_timer_update

    def counted(self: Prompt) -> None:
        drawn.append(str(self.query_one("#text", Static).render()))
        draw(self)

    monkeypatch.setattr(Prompt, "_on_timer_update", counted)
    return drawn


async def test_a_change_is_drawn_when_the_screen_is_idle(monkeypatch: pytest.MonkeyPatch) -> None:
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Prompt)
        screen._last_frame = 0.0  # the last frame long ago
        _timer_stopped(screen)
        drawn = _frames(monkeypatch)
        screen.query_one("#text", Static).update("after")
        await _turns()
        assert drawn and "after" in drawn[0]  # drawn with no tick of the timer


async def test_changes_faster_than_the_frame_rate_wait_for_the_timer(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(prompt_frames, "UPDATE_PERIOD", 600.0)  # every frame is "too soon"
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Prompt)
        screen._last_frame = 10**9  # a frame just drawn
        asked = _timer_stopped(screen)
        drawn = _frames(monkeypatch)
        screen.query_one("#text", Static).update("after")
        await _turns()
        assert drawn == [] and asked  # left to Textual's timer, as before


async def test_a_change_too_soon_is_drawn_a_period_after_the_last_frame(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Not at whichever later tick Textual's grid gives it: the screen's own timer, due a
    frame period after the last frame, draws it (here with Textual's timer kept still)."""
    monkeypatch.setattr(prompt_frames, "UPDATE_PERIOD", 0.3)
    app = Host()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, Prompt)
        screen._last_frame = prompt_frames.time.monotonic()  # a frame just drawn
        asked = _timer_stopped(screen)
        drawn = _frames(monkeypatch)
        screen.query_one("#text", Static).update("after")
        await _turns()
        assert drawn == [] and asked  # too soon: not drawn at idle
        await asyncio.sleep(0.4)  # past the period
        assert drawn and "after" in drawn[0]  # drawn with Textual's timer never ticking
