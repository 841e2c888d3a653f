"""The sign-in form shared by the login and lock screens (``widgets/sign_in.py``): the reason
for a refusal on its message line with the keyboard in the field concerned, the password check
off the UI thread, one check at a time however often Enter is pressed."""

from __future__ import annotations

import threading

import pytest
from textual.widgets import Button, Input, Static

from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.ui.screens.lock import LockScreen
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.widgets.sign_in import SignInForm

from .conftest import TEST_PASSWORD, Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


async def test_an_empty_field_is_named_and_takes_the_keyboard(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        badge = screen.query_one("#badge", Input)
        password = screen.query_one("#password", Input)
        message = screen.query_one("#error", Static)
        await pilot.click("#sign-in")
        await pilot.pause()
        assert "badge number" in str(message.render())
        assert app.focused is badge and badge.has_class("-invalid")
        await type_text(pilot, "1001")
        await pilot.press("enter", "enter")  # to the password, then Enter on it empty
        await pilot.pause()
        assert "password" in str(message.render())
        assert app.focused is password and password.has_class("-invalid")
        assert not badge.has_class("-invalid")
        assert app.actor is None


async def test_the_check_runs_off_the_ui_thread_once_however_often_enter_is_pressed(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_officer(sqlite_services, "1001")
    real = sqlite_services.officers.authenticate
    release = threading.Event()
    threads: list[int] = []

    def slow_authenticate(badge: str, password: str, *, otp: str | None = None) -> Actor:
        threads.append(threading.get_ident())
        release.wait(10)
        return real(badge, password, otp=otp)

    monkeypatch.setattr(sqlite_services.officers, "authenticate", slow_authenticate)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await pilot.pause()
        form = screen.query_one(SignInForm)
        button = screen.query_one("#sign-in", Button)
        assert form.checking and button.disabled and str(button.label) == "Checking…"
        # The screen still takes keys while the hash is computed; Enter again starts nothing.
        await pilot.press("enter", "enter")
        await pilot.pause()
        assert len(threads) == 1
        release.set()
        await settle(pilot)
        assert threads[0] != threading.get_ident()
        assert app.actor is not None and app.actor.badge == "1001"
        assert type(app.screen).__name__ == "SchoolPickScreen"


async def test_unlock_with_an_empty_password_says_so(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        lock = app.screen
        assert isinstance(lock, LockScreen)
        password = lock.query_one("#lock-password", Input)
        assert app.focused is password
        await pilot.press("enter")
        await pilot.pause()
        assert "password" in str(lock.query_one("#lock-error", Static).render())
        assert isinstance(app.screen, LockScreen) and app.focused is password
        # A wrong one: refused on the same line, the badge kept, the password cleared.
        await type_text(pilot, "not the password")
        await pilot.press("enter")
        await settle(pilot)
        assert "not right" in str(lock.query_one("#lock-error", Static).render())
        assert lock.query_one("#lock-badge", Input).value == "1001"
        assert password.value == "" and app.focused is password
        assert not lock.query_one("#unlock", Button).disabled
