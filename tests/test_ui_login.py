"""Sign-in, the first administrator, today's school: the real app on a real SQLite store."""

from __future__ import annotations

import subprocess
import sys

import pytest
from textual.widgets import Button, Input, OptionList, Static

from sro_tui.domain.enums import Role
from sro_tui.domain.errors import AuthenticationFailed
from sro_tui.services.registry import Services
from sro_tui.ui.screens.first_admin import FirstAdminScreen
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.screens.school_pick import SchoolPickScreen
from sro_tui.ui.screens.today import TodayScreen

from .conftest import TEST_PASSWORD, Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def test_app_module_imports_no_database_code() -> None:
    """The sign-in screen draws before SQLAlchemy is even imported."""
    code = (
        "import sys, sro_tui.ui.app, sro_tui.ui.screens.login;"
        "bad=[m for m in sys.modules if m.split('.')[0] in ('sqlalchemy','alembic','argon2')];"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


async def test_right_password_signs_in_and_confirms_school(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert not app.screen.query_one("#sign-in", Button).disabled
        await sign_in(pilot, confirm_school=False)
        assert isinstance(app.screen, SchoolPickScreen)
        options = app.screen.query_one("#schools", OptionList)
        assert options.option_count == 1  # an officer sees only assigned schools
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.actor is not None and app.actor.badge == "1001"
        assert app.school is not None and app.school.code == "VHS"
        assert app.current_mode == "today"


async def test_wrong_password_keeps_badge_and_clears_password(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001", "not the password", confirm_school=False)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#badge", Input).value == "1001"
        assert app.screen.query_one("#password", Input).value == ""
        error = app.screen.query_one("#error", Static)
        assert "not right" in str(error.render())
        assert app.screen.focused is app.screen.query_one("#password", Input)
        assert app.actor is None
        # And now the right one, typed into the cleared field.
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen)


async def test_locked_account_says_so(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            sqlite_services.officers.authenticate("1001", "wrong wrong")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, confirm_school=False)
        assert isinstance(app.screen, LoginScreen)
        assert "locked" in str(app.screen.query_one("#error", Static).render())


async def test_empty_store_creates_first_administrator(
    sqlite_services: Services, clock: Clock
) -> None:
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, FirstAdminScreen)
        await type_text(pilot, "3001")
        await pilot.press("enter")
        await type_text(pilot, "Pat Admin")
        await pilot.press("enter")
        await type_text(pilot, "short")
        await pilot.press("enter")
        await type_text(pilot, "short")
        await pilot.press("enter")
        await settle(pilot)
        # The password policy's message sits under the password field.
        assert isinstance(app.screen, FirstAdminScreen)
        assert "at least 8" in str(app.screen.query_one("#password-error", Static).render())
        assert sqlite_services.officers.count() == 0
        password = app.screen.query_one("#password", Input)
        again = app.screen.query_one("#again", Input)
        password.value = TEST_PASSWORD
        again.value = TEST_PASSWORD + "x"
        again.focus()
        await pilot.press("enter")
        await settle(pilot)
        assert "differ" in str(app.screen.query_one("#again-error", Static).render())
        again.value = TEST_PASSWORD
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen)
        # An administrator with no assignment picks from every school.
        assert app.screen.query_one("#schools", OptionList).option_count == len(
            sqlite_services.reference.schools()
        )
        await pilot.press("down", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
    created = sqlite_services.officers.by_badge("3001")
    assert created.role is Role.ADMIN and created.name == "Pat Admin"


async def test_supervisor_picks_another_school(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "2001", "supervisor", ("VHS", "BHS"))
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "2001", confirm_school=False)
        screen = app.screen
        assert isinstance(screen, SchoolPickScreen)
        options = screen.query_one("#schools", OptionList)
        assert options.option_count == len(sqlite_services.reference.schools())
        highlighted = options.get_option_at_index(options.highlighted or 0)
        assert highlighted.id == str(sqlite_services.reference.school_by_code("VHS").id)
        bhs = sqlite_services.reference.school_by_code("BHS")
        options.highlighted = options.get_option_index(str(bhs.id))
        await pilot.press("enter")
        await settle(pilot)
        assert app.school is not None and app.school.code == "BHS"


async def test_escape_on_school_pick_signs_out(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, confirm_school=False)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None


async def test_store_error_is_one_line_on_login(tmp_path, clock: Clock) -> None:
    """A store that cannot be opened: a clear line on the sign-in screen, no traceback."""
    from sro_tui.config import Settings
    from sro_tui.ui.app import create_app

    bad = tmp_path / "not-a-db.db"
    bad.write_bytes(b"this is not a database file at all" * 100)
    settings = Settings(database_url=str(bad), audit_key_file=str(tmp_path / "audit.key"))
    app = create_app(settings, clock=clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        status = str(app.screen.query_one("#login-status", Static).render())
        assert status and "\n" not in status.strip()
        assert "Traceback" not in status
        assert app.screen.query_one("#sign-in", Button).disabled


async def test_officer_with_an_authenticator_gives_the_code_after_the_password(
    sqlite_services: Services, clock: Clock
) -> None:
    from sro_tui.services.security import totp_code

    officer = make_officer(sqlite_services, "1001")
    enrolment = sqlite_services.security.begin_totp(officer, "1001")
    sqlite_services.security.confirm_totp(
        officer, enrolment, totp_code(enrolment.secret, clock.now)
    )
    clock.advance(seconds=60)  # a later time step: the enrolment code is not reused
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginScreen)
        otp = screen.query_one("#otp", Input)
        assert not otp.display
        await type_text(pilot, "1001")
        await pilot.press("enter")
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert otp.display and app.focused is otp
        assert "one-time code" in str(screen.query_one("#error", Static).content)
        assert screen.query_one("#password", Input).value == TEST_PASSWORD
        await type_text(pilot, "000000")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert "not right" in str(screen.query_one("#error", Static).content)
        await type_text(pilot, totp_code(enrolment.secret, clock.now))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen)
        # The lock asks for the code too.
        await pilot.press("enter")
        await settle(pilot)
        clock.advance(seconds=60)
        await pilot.press("ctrl+l")
        await settle(pilot)
        lock_otp = app.screen.query_one("#lock-otp", Input)
        assert not lock_otp.display
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert lock_otp.display and app.focused is lock_otp
        await type_text(pilot, totp_code(enrolment.secret, clock.now))
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
