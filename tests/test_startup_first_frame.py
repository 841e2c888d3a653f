"""What `sro` does before its first frame (issue 16): no garbage collection until the sign-in
screen is drawn, each stylesheet source parsed once, and the palette, the keymap reader and
the password change left for later; the theme and the store still work (the keymap file:
tests/test_ui_keymap.py)."""

from __future__ import annotations

import gc
import json
import subprocess
import sys
from collections import Counter
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.color import Color
from textual.widgets import Button

from sro_tui.services.registry import Services
from sro_tui.ui.screens.login import LoginScreen, SignInButton

from .conftest import Clock, make_officer
from .ui_shell_support import make_app

PROBE = """
import argparse, json, sys
from sro_tui.cli.app import app_settings
from sro_tui.ui.app import create_app
create_app(app_settings(argparse.Namespace(db="x.db")))
print(json.dumps(sorted(sys.modules)))
"""


def test_the_start_up_leaves_the_palette_the_keymap_and_the_password_change() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    loaded = set(json.loads(result.stdout))
    assert "sro_tui.ui.screens.login" in loaded
    for later in (
        "sro_tui.ui.commands",
        "sro_tui.ui.keymap",
        "tomllib",
        "sro_tui.ui.screens.change_password",
    ):
        assert later not in loaded, later


async def test_the_collector_runs_again_once_the_sign_in_screen_is_drawn(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    app.collect_after_first_frame = True  # as `sro` (ui.app.run) sets it
    gc.disable()
    try:
        async with app.run_test(size=(80, 24)) as pilot:
            await pilot.pause()
            assert isinstance(app.screen, LoginScreen)
            assert gc.isenabled()
            assert not app.collect_after_first_frame
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.officer_count == 1  # the store opened behind the screen
    finally:
        gc.enable()


async def test_the_sign_in_screen_parses_each_stylesheet_source_once(
    sqlite_services: Services, clock: Clock, css_parses: Counter[str]
) -> None:
    """Textual refreshes the CSS when it shows a mode's first screen; with the theme's
    variables unchanged, nothing already parsed is parsed again."""
    parsed = css_parses
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        once = [
            name
            for name in parsed
            if any(part in name for part in ("app.tcss", "login.tcss", "'App.DEFAULT_CSS'"))
        ]
        assert len(once) == 3, parsed
        assert all(parsed[name] == 1 for name in once), parsed


async def test_another_theme_still_restyles_the_screen(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        box = app.screen.query_one("#login-box")
        before: Color = box.styles.background
        dark = app.current_theme.dark
        app.action_toggle_theme()
        await pilot.pause()
        assert app.current_theme.dark is not dark
        assert box.styles.background != before


def test_sro_alone_builds_no_parser_to_find_its_command(monkeypatch: pytest.MonkeyPatch) -> None:
    """`sro` with no arguments is the app: no parser is made to find which command it is
    (argparse's messages look for translations on disk each time, about 1.5 ms)."""
    import sro_tui.cli as cli

    made: list[object] = []
    init = cli.ArgumentParser.__init__

    def counted(self: cli.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        init(self, *args, **kwargs)

    monkeypatch.setattr(cli.ArgumentParser, "__init__", counted)
    assert tuple(cli.groups_needed([])) == ()
    assert made == []
    assert tuple(cli.groups_needed(["--db", "x.db"])) == ()  # an option: the finder decides
    assert len(made) == 1


STYLES = (
    "background",
    "color",
    "text_style",
    "text_opacity",
    "background_tint",
    "tint",
    "border",
    "width",
    "min_width",
    "height",
    "line_pad",
    "text_align",
    "content_align",
    "pointer",
)


class _Buttons(App[None]):
    def compose(self) -> ComposeResult:
        yield Button("Sign in", id="textual", variant="primary", compact=True)
        yield SignInButton("Sign in", id="ours")


def _looks(button: Button) -> dict[str, object]:
    return {name: getattr(button.styles, name) for name in STYLES}


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_sign_in_button_looks_like_textuals_compact_primary_button(theme: str) -> None:
    app = _Buttons()
    async with app.run_test(size=(80, 24)) as pilot:
        app.theme = theme
        await pilot.pause()
        textual, ours = app.query_one("#textual", Button), app.query_one("#ours", Button)
        ours.disabled = False
        app.set_focus(None)
        await pilot.pause()
        assert _looks(ours) == _looks(textual)
        textual.focus()
        await pilot.pause()
        focused = _looks(textual)
        ours.focus()
        await pilot.pause()
        assert _looks(ours) == focused
        app.set_focus(None)
        await pilot.hover("#textual")
        hovered = _looks(textual)
        await pilot.hover("#ours")
        assert _looks(ours) == hovered
        await pilot.hover(offset=(70, 20))  # over neither
        textual.disabled = ours.disabled = True
        await pilot.pause()
        assert _looks(ours) == _looks(textual)
        textual.disabled = ours.disabled = False
        textual.add_class("-active")
        ours.add_class("-active")  # as a press shows it
        await pilot.pause()
        assert _looks(ours) == _looks(textual)
