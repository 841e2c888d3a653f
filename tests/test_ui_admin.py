"""Issue 12, the Administration area (F12, administrators only): schools, officers, agency
settings, code lists and the checklist template through its forms, refusals shown under the
field at fault, every change audited with its old and new values; checked in the store."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from textual.widgets import DataTable

from sro_tui.domain.enums import Role, SchoolLevel
from sro_tui.services.registry import Services, build_services
from sro_tui.ui.commands import SroCommands
from sro_tui.ui.keys import command_named
from sro_tui.ui.screens.admin import AdminScreen
from sro_tui.ui.screens.admin_forms import OfficerAdminForm, SchoolAdminForm
from sro_tui.ui.screens.admin_lists_forms import (
    ReferenceAdminForm,
    SettingAdminForm,
    TemplateAdminForm,
)
from sro_tui.ui.screens.help import key_sections
from sro_tui.ui.widgets.confirm import ConfirmScreen

from .conftest import TEST_AUDIT_KEY, Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text

AREA_HELP = command_named("admin").help


def events(services: Services, action: str) -> list[str]:
    return [e.detail for e in services.audit.recent(limit=100) if e.action == action]


def move_to(table: DataTable[object], key: str) -> None:
    table.move_cursor(row=table.get_row_index(key))


async def test_an_administrator_sets_up_schools_settings_lists_and_officers(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    make_officer(services, "3001", "admin", ())
    make_officer(services, "1001", "officer", ("VHS",))
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        everywhere = dict(key_sections(app.screen))["Everywhere"]
        assert ("f12", AREA_HELP) in everywhere  # help lists it for an administrator
        assert any(o.title == "Administration (f12)" for o in SroCommands(app.screen).offers())
        await pilot.press("f12")
        await settle(pilot)
        admin = app.screen
        assert isinstance(admin, AdminScreen)
        table = admin.query_one(DataTable)
        assert "VHS" in [str(k.value) for k in table.rows]

        # A school: a, the fields, ctrl+s.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SchoolAdminForm)
        await type_text(pilot, "cms")
        await pilot.press("tab")
        await type_text(pilot, "Cabrillo Middle School")
        form.level.value = SchoolLevel.MIDDLE.value
        form.number.focus()
        await type_text(pilot, "0412")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        school = services.reference.school_for_key("0412")
        assert (school.code, school.level) == ("CMS", SchoolLevel.MIDDLE)
        assert "CMS" in [str(k.value) for k in table.rows]

        # The same code again: refused under the Code field, nothing typed lost.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SchoolAdminForm)
        await type_text(pilot, "CMS")
        await pilot.press("tab")
        await type_text(pilot, "Another")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        code_field = form.field("code")
        assert code_field is not None and "already in use" in code_field.error
        assert form.name_input.value == "Another"
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("d")  # discard
        await settle(pilot)
        assert app.screen is admin

        # Retire the new school: it leaves the pickers, it is kept.
        move_to(table, "CMS")
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("y")
        await settle(pilot)
        assert "CMS" not in [s.code for s in services.reference.schools()]
        assert services.reference.school_for_key("CMS", include_inactive=True).active is False

        # Settings (3): idle lock over 30 minutes is refused at the field; 15 is taken.
        await pilot.press("3")
        await settle(pilot)
        move_to(table, "idle_lock_minutes")
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, SettingAdminForm)
        form.value.value = ""
        await type_text(pilot, "45")
        await pilot.press("ctrl+s")
        await settle(pilot)
        value_field = form.field("value")
        assert value_field is not None and "1 to 30" in value_field.error
        form.value.value = ""
        await type_text(pilot, "15")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        assert services.settings.stored("idle_lock_minutes") == "15"
        assert app.idle_lock_minutes == 15

        # Officers (2): 1001 becomes a supervisor at BHS too.
        await pilot.press("2")
        await settle(pilot)
        move_to(table, "1001")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, OfficerAdminForm)
        form.role.value = Role.SUPERVISOR.value
        form.schools.select(services.reference.school_by_code("BHS").id)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        officer = services.officers.by_badge("1001")
        assert officer.role is Role.SUPERVISOR
        assert {services.reference.school(i).code for i in officer.school_ids} == {"VHS", "BHS"}

        # Locations (5): add one, rename it, retire it.
        await pilot.press("5")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        assert isinstance(app.screen, ReferenceAdminForm)
        await type_text(pilot, "GYM2")
        await pilot.press("tab")
        await type_text(pilot, "Second gym")
        await pilot.press("ctrl+s")
        await settle(pilot)
        move_to(table, "GYM2")
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferenceAdminForm)
        form.name_input.value = ""
        form.name_input.focus()
        await type_text(pilot, "Small gym")
        await pilot.press("ctrl+s")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert "GYM2" not in [loc.code for loc in services.reference.locations()]

        # Checklist (7): an item for Buena High's shifts only.
        await pilot.press("7")
        await settle(pilot)
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateAdminForm)
        await type_text(pilot, "Walk the bus loop")
        form.school.value = services.reference.school_by_code("BHS").id
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        bhs = services.reference.school_by_code("BHS").id
        labels = [i.label for i in services.reference.template_items(bhs)]
        assert "Walk the bus loop" in labels
        vhs = services.reference.school_by_code("VHS").id
        assert "Walk the bus loop" not in [i.label for i in services.reference.template_items(vhs)]

    # Every change is audited, as the administrator, with the old and the new value.
    assert any("0412" in d for d in events(services, "school.create"))
    assert any("active True -> False" in d for d in events(services, "school.retire"))
    assert any("'15'" in d for d in events(services, "setting.change"))
    assert any("role officer -> supervisor" in d for d in events(services, "officer.update"))
    assert any("'Second gym' -> 'Small gym'" in d for d in events(services, "location.rename"))
    assert events(services, "checklist_template.create")


async def test_administration_is_for_administrators_only(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "2001")
        assert app.check_action("admin", ()) is False
        everywhere = dict(key_sections(app.screen))["Everywhere"]
        assert ("f12", AREA_HELP) not in everywhere
        await pilot.press("f12")
        await settle(pilot)
        assert not isinstance(app.screen, AdminScreen)


def test_a_draft_of_each_administration_form_reopens_in_its_form() -> None:
    """Today's drafts list opens a draft by its form's name (navigation.draft_form)."""
    from sro_tui.ui.navigation import ADMIN_FORMS, draft_form

    opened = {form: draft_form(form, 7) for form in ADMIN_FORMS}
    assert {type(screen).__name__ for screen in opened.values() if screen} == {
        "SchoolAdminForm",
        "OfficerAdminForm",
        "SettingAdminForm",
        "ReferenceAdminForm",
        "TemplateAdminForm",
    }
    assert all(getattr(screen, "draft_id", None) == 7 for screen in opened.values())


async def test_a_sign_in_takes_the_agency_time_zone_and_idle_lock_set_on_another_terminal(
    sqlite_services: Services, clock: Clock
) -> None:
    admin = make_officer(sqlite_services, "3001", "admin", ())
    make_officer(sqlite_services, "1001", "officer", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert sqlite_services.ctx.tz == ZoneInfo("America/Los_Angeles")
        # Another terminal (its own services over the same store) changes them meanwhile.
        other = build_services(sqlite_services.db, audit_key=TEST_AUDIT_KEY, clock=clock)
        other.settings.change(admin, "timezone", "America/Chicago")
        other.settings.change(admin, "idle_lock_minutes", "5")
        await sign_in(pilot, "1001")
        assert sqlite_services.ctx.tz == ZoneInfo("America/Chicago")
        assert app.idle_lock_minutes == 5
