"""Back in an area, its screen is drawn in one frame: a widget that changed as the screen
came back (the footer lighting one key and dimming another) is drawn in it, not once more
after it (ui/whole_frame.py, issue 16)."""

from __future__ import annotations

from typing import Any

from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from sro_tui.ui.area_returns import AreaReturns
from sro_tui.ui.whole_frame import WholeFrame


class Area(WholeFrame, Screen[None]):
    resumed = 0

    def compose(self) -> ComposeResult:
        yield Static("F2 Today", id="key")
        yield Static("rows")

    def on_screen_resume(self) -> None:
        self.resumed += 1
        key = self.query_one("#key", Static)
        key.set_class(not key.has_class("-lit"), "-lit")  # restyled: asks to be drawn again


class Areas(AreaReturns, App[None]):
    CSS = "#key.-lit { color: red; }"
    MODES = {"one": Area, "two": Area}
    DEFAULT_MODE = "one"

    frames = 0

    def _display(self, screen: Screen[Any], renderable: Any) -> None:
        if renderable is not None:
            self.frames += 1
        super()._display(screen, renderable)


async def test_a_return_is_one_frame_with_what_changed_as_it_came_back() -> None:
    app = Areas()
    async with app.run_test() as pilot:
        await app.switch_mode("two")
        await pilot.pause(0.2)
        for _ in range(3):
            screen = app.screen
            app.frames = 0
            await app.switch_mode("one" if app.current_mode == "two" else "two")
            await pilot.pause(0.2)
            back = app.screen
            assert isinstance(back, Area) and back is not screen and back.resumed
            assert app.frames == 1
        # The key's new colour is what was drawn.
        key = app.screen.query_one("#key", Static)
        drawn = key.render_lines(key.region.reset_offset)[0]
        assert any(segment.style is not None and segment.style.color for segment in drawn)
