"""Issue 12 in the app: an account changed under an open session ends it at the next action
(typing kept as a draft), the one-time password leads straight to its change, an officer
changes their own password (f11), the password is asked again after 12 hours, and `sro`
exits 2 when its store cannot be opened."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, Static

from sro_tui.config import Settings
from sro_tui.domain.errors import SroError
from sro_tui.domain.officers import AccountChanged, OfficerUpdate
from sro_tui.services.registry import Services
from sro_tui.ui.access import SessionAccess
from sro_tui.ui.app import create_app
from sro_tui.ui.screens.change_password import ChangePasswordScreen
from sro_tui.ui.screens.lock import LockScreen
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.screens.school_pick import SchoolPickScreen

from .conftest import TEST_PASSWORD, Clock, RunCli, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

NEW_PASSWORD = "harbor seals at dawn"


def message(screen: object, selector: str) -> str:
    assert isinstance(screen, LoginScreen | ChangePasswordScreen | LockScreen)
    return str(screen.query_one(selector, Static).render())


async def test_a_disabled_officer_returns_to_sign_in_with_the_typing_kept(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    admin = make_officer(sqlite_services, "3001", "admin", ())
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert type(app.screen).__name__ == "QuickIncidentScreen"
        await type_text(pilot, "tre")
        await pilot.pause()
        sqlite_services.officers.set_active(admin, "1001", False)
        # The form's next call to a service (here: what Today's follow-ups would ask), from
        # a worker thread as every screen makes them, is refused ...
        form = app.screen
        assert isinstance(form, SessionAccess)
        with pytest.raises(AccountChanged):
            await asyncio.to_thread(form.services.notes.follow_ups_due, form.actor)
        # ... and the app signs out, the open form writing its draft as it closes.
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None
        assert "disabled" in message(app.screen, "#error")
    drafts = sqlite_services.drafts.for_actor(officer)
    assert [d.form for d in drafts] == ["quick_incident"]


async def test_a_school_removed_ends_the_session_at_the_next_action(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    admin = make_officer(sqlite_services, "3001", "admin", ())
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        sqlite_services.officers.update(
            admin, officer.officer_id or 0, OfficerUpdate(school_ids=[])
        )
        await pilot.press("f5")
        await settle(pilot)
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "changed" in message(app.screen, "#error")
        # Signing in again works, with the new rights.
        await sign_in(pilot, confirm_school=False)
        assert app.actor is not None and app.actor.school_ids == ()


async def test_a_one_time_password_goes_straight_to_its_change(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    admin = make_officer(sqlite_services, "3001", "admin", ())
    sqlite_services.officers.set_password(admin, "1001", "lantern quiet orchard 7")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, password="lantern quiet orchard 7", confirm_school=False)
        assert isinstance(app.screen, ChangePasswordScreen)
        assert app.actor is None  # no session before the change
        await type_text(pilot, "lantern quiet orchard 7")
        await pilot.press("enter")
        await type_text(pilot, "aaaaaaaa")
        await settle(pilot)
        assert "easy to guess" in message(app.screen, "#password-error")  # at the field
        app.screen.query_one("#password", Input).value = ""
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen)
    actor = sqlite_services.officers.authenticate("1001", NEW_PASSWORD)
    assert not actor.password_must_change


async def test_own_password_from_any_screen(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f11")
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)
        await type_text(pilot, "not my password")
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await type_text(pilot, NEW_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert "not right" in message(app.screen, "#current-error")
        await type_text(pilot, TEST_PASSWORD)
        await pilot.click("#change")
        await settle(pilot)
        assert not isinstance(app.screen, ChangePasswordScreen)
        assert app.actor is not None
    with pytest.raises(SroError):
        sqlite_services.officers.authenticate("1001", TEST_PASSWORD)
    assert sqlite_services.officers.authenticate("1001", NEW_PASSWORD).badge == "1001"


async def test_the_password_is_asked_again_after_12_hours(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        for _ in range(12 * 6 - 1):  # busy all the time: a key every ten minutes
            clock.advance(minutes=10)
            app.touch()
            app.check_idle_lock()
        assert not app.locked
        clock.advance(minutes=10)
        app.touch()
        app.check_idle_lock()
        await settle(pilot)
        assert app.locked and isinstance(app.screen, LockScreen)
        assert "12 hours" in message(app.screen, "#lock-who")
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert not app.locked
        clock.advance(hours=1)
        app.touch()
        app.check_idle_lock()
        assert not app.locked  # the 12 hours start again at the unlock


async def test_a_store_that_cannot_be_opened_ends_the_app_with_exit_code_2(tmp_path) -> None:
    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not a database file at all" * 100)
    settings = Settings(database_url=str(bad), audit_key_file=str(tmp_path / "audit.key"))
    app = create_app(settings)
    app.exit_on_store_error = True
    async with app.run_test() as pilot:
        await settle(pilot)
    assert app.return_code == 2
    assert app.store_error


async def test_change_password_fits_80x24_with_every_message(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        await pilot.press("f11")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ChangePasswordScreen)
        screen.show_problems(
            {
                "current": "The current password is not right",
                "password": "That password is too easy to guess: Add another word or two",
                "again": "The two new passwords differ",
            }
        )
        await pilot.pause()
        for selector in ("#current", "#password", "#again", "#again-error", "#change"):
            region = screen.query_one(selector).region
            assert region.width > 0 and region.height > 0, selector
            assert region.right <= 80 and region.bottom <= 24, (selector, region)


def test_sro_prints_the_store_problem_and_exits_2(
    tmp_path, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    """`sro` in a terminal on a store that cannot be opened: the app ends itself (above) and
    the reason is one line on stderr, exit code 2 (it was 0 after ctrl+q)."""
    import sro_tui.cli.app
    from sro_tui.ui.app import SroApp

    def headless_run(app: SroApp) -> None:  # what the app does on its own, without a terminal
        app.store_error = "The store cannot be opened: not a database"
        return None

    monkeypatch.setattr(sro_tui.cli.app, "_is_terminal", lambda stream: True)
    monkeypatch.setattr(SroApp, "run", headless_run)
    result = run_cli("--db", str(tmp_path / "x.db"))
    assert result.code == 2
    assert result.err == "sro: The store cannot be opened: not a database\n"
