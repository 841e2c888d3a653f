"""Back to an area already open, the screen is drawn at once; at an area's first opening every
repaint pauses while its screen composes, until it has shown (at most Textual's 50 ms)
(ui/area_returns.py, issue 16)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sro_tui.ui import area_returns
from sro_tui.ui.area_returns import AreaReturns


class Area(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("an area")


class Areas(AreaReturns, App[None]):
    MODES = {"one": Area, "two": Area}
    DEFAULT_MODE = "one"


def repaints_paused(app: App[None]) -> bool:
    return bool(app._batch_count)  # Textual's count of paused repaints (delay_update)


async def test_a_return_is_drawn_at_once_and_a_first_opening_is_masked() -> None:
    app = Areas()
    async with app.run_test() as pilot:
        await pilot.pause(0.1)
        first = app.switch_mode("two")
        assert repaints_paused(app)  # a new screen composing: hidden until it is drawn
        await first
        await pilot.pause(0.1)
        assert not repaints_paused(app)
        assert app.has_kept_screen("one") and app.has_kept_screen("two")

        back = app.switch_mode("one")
        assert not repaints_paused(app)  # kept: nothing to hide
        await back
        assert isinstance(app.screen, Area) and app.current_mode == "one"
        app.switch_mode("two")
        assert not repaints_paused(app)
        await pilot.pause()
        assert app.current_mode == "two"


async def test_a_mode_removed_is_masked_again_when_reopened() -> None:
    app = Areas()
    async with app.run_test() as pilot:
        await app.switch_mode("two")
        await app.switch_mode("one")
        await app.remove_mode("two")
        app.add_mode("two", Area)
        assert not app.has_kept_screen("two")
        reopened = app.switch_mode("two")
        assert repaints_paused(app)
        await reopened
        await pilot.pause(0.1)
        assert not repaints_paused(app)


async def test_a_first_opening_is_drawn_once_its_screen_has_shown(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The pause ends with the new screen's first showing, not at the end of its longest wait
    (here made far longer than the test, so only the showing can end it)."""
    monkeypatch.setattr(area_returns, "OPENING_WAIT_SECONDS", 600.0)
    app = Areas()
    async with app.run_test() as pilot:
        await pilot.pause()
        first = app.switch_mode("two")
        assert repaints_paused(app)
        await first
        for _ in range(20):  # a few turns of the app: its compose, mount and ScreenResume
            if not repaints_paused(app):
                break
            await pilot.pause()
        assert not repaints_paused(app)
        assert "an area" in str(app.screen.query_one(Static).render())
