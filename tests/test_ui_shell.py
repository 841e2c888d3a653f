"""The shell: keys before and after sign-in, navigation, help, palette, lock and idle lock."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from textual.widgets import Input, Static

from sro_tui.services.registry import Services
from sro_tui.store.models import AuditEvent
from sro_tui.ui.keys import COMMANDS
from sro_tui.ui.screens.help import HelpScreen, key_sections
from sro_tui.ui.screens.lock import LockScreen
from sro_tui.ui.screens.login import LoginScreen
from sro_tui.ui.screens.school_pick import SchoolPickScreen
from sro_tui.ui.screens.today import TodayScreen

from .conftest import TEST_PASSWORD, Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def audit_actions(services: Services) -> list[tuple[str, str]]:
    with services.db.read() as session:
        rows = session.execute(select(AuditEvent.action, AuditEvent.badge).order_by(AuditEvent.id))
        return [(action, badge) for action, badge in rows]


AREA_CLASSES = {
    "mentoring": "MentoringScreen",
    "referrals": "ReferralListScreen",
    "reports": "ReportsScreen",
}


def footer_keys(app) -> set[str]:  # type: ignore[no-untyped-def]
    return {
        key
        for key, active in app.screen.active_bindings.items()
        if active.binding.show and active.enabled
    }


async def test_before_sign_in_only_help_and_quit(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = footer_keys(app)
        assert {"f1", "ctrl+q"} <= shown
        assert not shown & {"f2", "f3", "f4", "ctrl+n", "ctrl+l"}
        await pilot.press("f2", "f3", "ctrl+l")
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, LoginScreen)


async def test_function_keys_switch_areas(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert {"f1", "f2", "f3", "f4", "ctrl+n", "ctrl+l"} <= footer_keys(app) | {"f2"}
        for key, mode in (("f5", "mentoring"), ("f6", "referrals"), ("f8", "reports")):
            await pilot.press(key)
            await settle(pilot)
            assert app.current_mode == mode
            assert type(app.screen).__name__ == AREA_CLASSES[mode]
        await pilot.press("f2")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)


async def test_help_lists_the_keys_of_the_screen_below_and_the_quick_sequence(
    sqlite_services: Services, clock: Clock
) -> None:
    from sro_tui.ui.forms.quick_incident import QUICK_INCIDENT_KEYS
    from sro_tui.ui.screens.checklist import ChecklistScreen

    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        # Before sign-in: only what works there (no area keys, no lock).
        before = {key for _title, rows in key_sections(app.screen) for key, _text in rows}
        assert {"f1", "ctrl+q"} <= before and not before & {"f2", "f3", "ctrl+l", "ctrl+n"}
        await sign_in(pilot)
        await pilot.press("f3")
        await settle(pilot)
        assert isinstance(app.screen, ChecklistScreen)
        await pilot.press("f1")
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        sections = dict(help_screen.sections)
        assert list(sections) == ["Duty checklist", "Everywhere"]
        own = {key for key, _text in sections["Duty checklist"]}
        assert {"space", "s", "n", "a", "u", "ctrl+n", "enter"} <= own
        everywhere = {key for key, _text in sections["Everywhere"]}
        for command in COMMANDS:
            # f3: already here, dimmed; f12 (Administration): administrators only
            if command.key and command.name not in ("checklist", "admin"):
                # ctrl+n is the checklist's own here (a quick incident at the item's place)
                assert command.key in everywhere | own, command.key
        assert help_screen.sequence == list(QUICK_INCIDENT_KEYS)
        assert len(help_screen.query(".help-table")) == len(sections) + 1
        # Opened on Today, it lists Today's keys instead.
        await pilot.press("escape", "f2")
        await settle(pilot)
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        titles = [title for title, _rows in app.screen.sections]
        assert titles == ["Today", "Everywhere"]
        assert ("v", "Review queue") not in dict(app.screen.sections)["Today"]  # an officer


async def test_palette_offers_commands_that_apply(sqlite_services: Services, clock: Clock) -> None:
    from sro_tui.ui.commands import SroCommands

    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await settle(pilot)
        before = [c.name for c in SroCommands(app.screen)._available()]
        assert "lock" not in before and "help" in before and "quit" in before
        await sign_in(pilot)
        after = [c.name for c in SroCommands(app.screen)._available()]
        assert {"lock", "checklist", "incidents", "quick_incident", "sign_out"} <= set(after)
        assert "today" not in after  # already there
        dark = app.current_theme.dark
        await pilot.press("f10")
        assert app.current_theme.dark is not dark


async def test_lock_hides_records_and_same_officer_unlocks(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert app.locked
        # A full screen: nothing of Today is drawn behind it, and the keys are off.
        assert not app.screen.is_modal
        await pilot.press("f2", "f4", "ctrl+n")
        assert isinstance(app.screen, LockScreen)
        await type_text(pilot, "wrong password")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        assert "not right" in str(app.screen.query_one("#lock-error", Static).render())
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert not app.locked and app.actor is not None and app.actor.badge == "1001"
    actions = audit_actions(sqlite_services)
    assert ("session.lock", "1001") in actions
    assert ("session.unlock", "1001") in actions


async def test_another_officer_unlocking_signs_the_first_out(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    make_officer(sqlite_services, "1002")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f5")  # leave a screen open in another area
        await settle(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        badge = app.screen.query_one("#lock-badge", Input)
        badge.value = "1002"
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen)
        assert app.actor is not None and app.actor.badge == "1002"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        assert app.current_mode == "today"
        # The first officer's screens are gone.
        assert "mentoring" not in app._screen_stacks
    actions = audit_actions(sqlite_services)
    assert ("session.logout", "1001") in actions
    assert ("login", "1002") in actions


async def test_idle_lock_uses_the_clock_and_keys_reset_it(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock, idle_lock_minutes=10)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        clock.advance(minutes=9)
        app.check_idle_lock()
        assert not app.locked
        await pilot.press("j")  # a key: the idle time starts again
        clock.advance(minutes=9)
        app.check_idle_lock()
        assert not app.locked
        clock.advance(minutes=1, seconds=1)
        app.check_idle_lock()
        await settle(pilot)
        assert app.locked and isinstance(app.screen, LockScreen)
    assert ("session.lock", "1001") in audit_actions(sqlite_services)


async def test_sign_out_from_the_lock_screen(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        await pilot.click("#lock-sign-out")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.actor is None and not app.locked
        assert app.screen.query_one("#password", Input).value == ""


async def test_every_screen_fits_80x24(sqlite_services: Services, clock: Clock) -> None:
    """At the smallest supported size the key widgets lie inside the screen."""
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)

        def inside(selector: str) -> None:
            widget = app.screen.query_one(selector)
            region = widget.region
            assert region.width > 0 and region.height > 0, selector
            assert region.right <= 80 and region.bottom <= 24, (selector, region)

        for selector in ("#badge", "#password", "#sign-in"):
            inside(selector)
        await sign_in(pilot, confirm_school=False)
        inside("#schools")
        await pilot.press("enter")
        await settle(pilot)
        inside("#today-list")
        await pilot.press("ctrl+l")
        await settle(pilot)
        for selector in ("#lock-badge", "#lock-password", "#unlock"):
            inside(selector)


async def test_first_admin_fits_80x24_with_errors(sqlite_services: Services, clock: Clock) -> None:
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.click("#create")  # every field wrong: all messages shown
        await pilot.pause()
        for selector in ("#badge", "#name", "#password", "#again", "#create", "#password-error"):
            region = app.screen.query_one(selector).region
            assert region.height > 0 and region.bottom <= 24, (selector, region)


def test_idle_timer_reset_after_minutes_is_bounded() -> None:
    from sro_tui.config import MAX_IDLE_LOCK_MINUTES

    assert timedelta(minutes=MAX_IDLE_LOCK_MINUTES) <= timedelta(minutes=30)


async def test_first_officers_open_form_is_kept_as_a_draft_when_another_unlocks(
    sqlite_services: Services, clock: Clock
) -> None:
    first = make_officer(sqlite_services, "1001")
    make_officer(sqlite_services, "1002")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+n")
        await settle(pilot)
        assert type(app.screen).__name__ == "QuickIncidentScreen"
        await type_text(pilot, "tre")
        await pilot.pause()
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        app.screen.query_one("#lock-badge", Input).value = "1002"
        await type_text(pilot, TEST_PASSWORD)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SchoolPickScreen)
        assert app.actor is not None and app.actor.badge == "1002"
    drafts = sqlite_services.drafts.for_actor(first)
    assert [d.form for d in drafts] == ["quick_incident"]
