"""Keys typed ahead land in the field they were typed for: a badge reader or a fast typist
sends the badge, Tab or Enter and the password in one burst, before the screen has caught up.
A password must never end up in the visible badge field."""

from __future__ import annotations

from textual.widgets import Input, Static

from sro_tui.services.registry import Services
from sro_tui.ui.screens.first_admin import FirstAdminScreen
from sro_tui.ui.screens.lock import LockScreen
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.screens.school_pick import SchoolPickScreen

from .conftest import TEST_PASSWORD, Clock, make_officer
from .ui_shell_support import make_app, send_keys, settle, sign_in


def chars(text: str) -> list[str]:
    return ["space" if ch == " " else ch for ch in text]


async def test_badge_tab_password_enter_in_one_burst(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        send_keys(pilot, [*chars("1001"), "tab", *chars(TEST_PASSWORD), "enter"])
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen), app.screen
        assert app.actor is not None and app.actor.badge == "1001"


async def test_badge_enter_password_in_one_burst_keeps_the_password_hidden(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        send_keys(pilot, [*chars("1001"), "enter", *chars("wrong password")])
        await settle(pilot)
        assert screen.query_one("#badge", Input).value == "1001"
        assert screen.query_one("#password", Input).value == "wrong password"
        assert app.focused is screen.query_one("#password", Input)


async def test_unlock_in_one_burst(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        lock = app.screen
        assert isinstance(lock, LockScreen)
        badge = lock.query_one("#lock-badge", Input)
        # Another officer's badge, typed over the first's, then the password, all at once.
        lock.set_focus(badge)
        badge.value = ""
        await pilot.pause()
        send_keys(pilot, [*chars("1001"), "tab", *chars("not the password")])
        await settle(pilot)
        assert badge.value == "1001"
        assert lock.query_one("#lock-password", Input).value == "not the password"


async def test_first_administrator_in_one_burst(sqlite_services: Services, clock: Clock) -> None:
    """The first start's four fields take a burst the same way: each value in its field."""
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, FirstAdminScreen)
        send_keys(
            pilot,
            [
                *chars("3001"),
                "tab",
                *chars("Pat Admin"),
                "enter",
                *chars(TEST_PASSWORD),
                "tab",
                *chars(TEST_PASSWORD + "x"),
                "enter",
            ],
        )
        await settle(pilot)
        values = {name: screen.query_one(f"#{name}", Input).value for name in ("badge", "name")}
        assert values == {"badge": "3001", "name": "Pat Admin"}
        assert screen.query_one("#password", Input).value == TEST_PASSWORD
        assert screen.query_one("#again", Input).value == TEST_PASSWORD + "x"
        assert "differ" in str(screen.query_one("#again-error", Static).render())
        assert sqlite_services.officers.count() == 0
