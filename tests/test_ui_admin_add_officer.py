"""Issue 12: an administrator adds an officer in the app (Administration, 2 Officers, a):
badge, name, role and schools; the service makes a one-time password, shown once, which the
new officer must change at the first sign-in. No draft ever holds the password."""

from __future__ import annotations

from sqlalchemy import select
from textual.widgets import DataTable, Static

from sro_tui.domain.enums import Role
from sro_tui.services.registry import Services
from sro_tui.store.models import Draft
from sro_tui.ui.screens.admin import AdminScreen
from sro_tui.ui.screens.admin_forms import OfficerAdminForm
from sro_tui.ui.screens.change_password import ChangePasswordScreen
from sro_tui.ui.screens.one_time_password import OneTimePasswordScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


async def test_an_administrator_adds_an_officer_with_a_one_time_password(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    make_officer(services, "3001", "admin", ())
    vhs = services.reference.school_by_code("VHS").id
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        await pilot.press("f12")
        await settle(pilot)
        admin = app.screen
        assert isinstance(admin, AdminScreen)
        await pilot.press("2")  # Officers
        await settle(pilot)
        assert admin.check_action("add", ()) is True
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OfficerAdminForm) and form.adding
        assert form.badge_input.has_focus and not form.active.display
        await type_text(pilot, "1004")
        await pilot.press("tab")
        await type_text(pilot, "Dana Cole")
        form.schools.select(vhs)
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        shown = app.screen
        assert isinstance(shown, OneTimePasswordScreen)
        password = shown.password
        text = str(shown.query_one("#one-time-password", Static).content)
        assert text == password and len(password) >= 12
        assert "1004" in str(shown.query_one(".one-time-who", Static).content)
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen is admin and shown.password == ""
        table = admin.query_one(DataTable)
        assert "1004" in [str(k.value) for k in table.rows]

    officer = services.officers.by_badge("1004")
    assert (officer.name, officer.role, officer.school_ids) == ("Dana Cole", Role.OFFICER, (vhs,))
    actor = services.officers.authenticate("1004", password)
    assert actor.password_must_change
    (event,) = [
        e
        for e in services.audit.recent(limit=50)
        if e.action == "officer.create" and "badge 1004" in e.detail
    ]
    assert event.badge == "3001" and "one-time password" in event.detail
    with services.db.read() as session:
        payloads = [str(p) for p in session.scalars(select(Draft.payload))]
    assert all(password not in p for p in payloads)

    # The new officer signs in with it and is asked for a password of their own at once.
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, "1004")
        await pilot.press("enter")
        await type_text(pilot, password)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)


async def test_a_badge_in_use_is_refused_under_the_badge_field(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "3001", "admin", ())
    make_officer(sqlite_services, "1001", "officer", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        await pilot.press("f12")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OfficerAdminForm)
        await type_text(pilot, "1001")
        await pilot.press("tab")
        await type_text(pilot, "Someone Else")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        badge_field = form.field("badge")
        assert badge_field is not None and "already in use" in badge_field.error
        assert form.name_input.value == "Someone Else"
    assert [o.badge for o in sqlite_services.officers.all_officers()] == ["1001", "3001"]
