"""An area's screen comes back without a restyle of all its widgets, unless the app's styles
moved while it was away: a theme, the app's classes (ui/kept_styles.py, issue 16)."""

from __future__ import annotations

from textual.app import App, ComposeResult
from textual.color import Color
from textual.screen import Screen
from textual.widgets import Static

from sro_tui.ui.kept_styles import KeptStyles

from .ui_shell_support import Calls


class Area(KeptStyles, Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("an area", id="line")


class Other(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("another area")


class Areas(App[None]):
    CSS = "App.-alert #line { color: red; }"
    MODES = {"area": Area, "other": Other}
    DEFAULT_MODE = "area"


async def away_and_back(app: Areas) -> None:
    await app.switch_mode("other")
    await app.switch_mode("area")


async def test_coming_back_restyles_nothing() -> None:
    app = Areas()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        restyles = Calls(screen, "update_node_styles")
        for _ in range(3):
            await away_and_back(app)
            await pilot.pause()
        assert app.screen is screen
        assert restyles.count == 0


async def test_a_theme_changed_while_away_is_applied_on_return() -> None:
    app = Areas()
    app.theme = "textual-dark"
    async with app.run_test() as pilot:
        await pilot.pause()
        line = app.screen.query_one("#line", Static)
        dark = line.styles.background
        await app.switch_mode("other")
        app.theme = "textual-light"
        await pilot.pause()
        await app.switch_mode("area")
        await pilot.pause()
        assert app.screen.styles.background != dark
        assert app.screen.styles.background == app.current_theme.to_color_system().background


async def test_an_app_class_set_while_away_is_applied_on_return() -> None:
    app = Areas()
    async with app.run_test() as pilot:
        await pilot.pause()
        line = app.screen.query_one("#line", Static)
        await app.switch_mode("other")
        app.add_class("-alert")  # Textual restyles the screens shown, not this one
        await pilot.pause()
        await app.switch_mode("area")
        await pilot.pause()
        assert line.styles.color == Color.parse("red")


class Styled(Screen[None]):
    """An area with a file of its own: its rules load when it is first shown."""

    CSS = "Styled #own { color: green; }"

    def compose(self) -> ComposeResult:
        yield Static("its own line", id="own")


class Reaching(Screen[None]):
    """An area whose CSS, loaded when it is first shown, also matches the first area's line."""

    CSS = "#line { text-style: bold; }"
    SCOPED_CSS = False  # (Textual scopes a screen's CSS to it by default)

    def compose(self) -> ComposeResult:
        yield Static("reaching")


class MoreAreas(Areas):
    MODES = {"area": Area, "styled": Styled, "reaching": Reaching}


async def test_css_loaded_for_another_screen_restyles_only_what_it_can_match() -> None:
    app = MoreAreas()
    async with app.run_test() as pilot:
        await pilot.pause()
        screen = app.screen
        line = screen.query_one("#line", Static)
        restyles = Calls(screen, "update_node_styles")
        await app.switch_mode("styled")  # its rules cannot match a node of the first area
        await app.switch_mode("area")
        await pilot.pause()
        assert restyles.count == 0
        assert not line.styles.text_style.bold

        await app.switch_mode("reaching")  # its rule names the first area's line
        await app.switch_mode("area")
        await pilot.pause()
        assert restyles.count == 1
        assert line.styles.text_style.bold
