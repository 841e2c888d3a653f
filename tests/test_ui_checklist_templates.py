"""Issue 12, checklist templates per school and shift in the Administration area (F12, 7): an
item is added with the weekdays it is on, its days are changed in its form (a day that is not
one refused under the field), and u / d move the highlighted item up or down its list, the
cursor staying on it; each change in the store and audited."""

from __future__ import annotations

from textual.widgets import DataTable

from sro_tui.services.registry import Services
from sro_tui.ui.screens.admin import AdminScreen
from sro_tui.ui.screens.admin_lists_forms import TemplateAdminForm

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def every_school_ids(services: Services) -> list[int]:
    return [i.id for i in services.reference.template_items() if i.school_id is None]


async def test_checklist_items_with_their_days_moved_up_and_down(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    make_officer(services, "3001", "admin", ())
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        await pilot.press("f12")
        await settle(pilot)
        admin = app.screen
        assert isinstance(admin, AdminScreen)
        await pilot.press("7")
        await settle(pilot)
        table = admin.query_one(DataTable)
        assert "every day" in [str(c) for c in table.get_row_at(0)]

        # d on the first item: it moves down one place, the cursor with it.
        before = every_school_ids(services)
        table.move_cursor(row=0)
        await pilot.press("d")
        await settle(pilot)
        assert every_school_ids(services)[:2] == [before[1], before[0]]
        assert admin.highlighted_key() == str(before[0])
        await pilot.press("u")
        await settle(pilot)
        assert every_school_ids(services) == before
        moves = [e.detail for e in services.audit.recent(limit=50) if e.action.endswith(".move")]
        assert len(moves) == 2 and "down to place 2" in moves[1]

        # A new item on Tuesdays and Thursdays.
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateAdminForm)
        await type_text(pilot, "Gang resistance class")
        form.days.focus()
        await type_text(pilot, "tue,thu")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        item = next(
            i for i in services.reference.template_items() if i.label == "Gang resistance class"
        )
        assert item.weekdays == "24"
        assert "Tue,Thu" in [str(c) for c in table.get_row_at(table.get_row_index(str(item.id)))]

        # Its days changed in its form: a wrong day is refused under the field, then Wed.
        table.move_cursor(row=table.get_row_index(str(item.id)))
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateAdminForm)
        assert form.days.value == "Tue,Thu"
        form.days.value = ""
        form.days.focus()
        await type_text(pilot, "Funday")
        await pilot.press("ctrl+s")
        await settle(pilot)
        days_field = form.field("weekdays")
        assert app.screen is form and days_field is not None
        assert "not a weekday" in days_field.error
        form.days.value = ""
        await type_text(pilot, "Wed")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        assert next(i for i in services.reference.template_items() if i.id == item.id).weekdays == (
            "3"
        )
    updates = [e.detail for e in services.audit.recent(limit=50) if e.action.endswith(".update")]
    assert any("days Tue,Thu -> Wed" in d for d in updates)


async def test_move_keys_only_on_the_checklist(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "3001", "admin", ())
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "3001")
        await pilot.press("f12")
        await settle(pilot)
        admin = app.screen
        assert isinstance(admin, AdminScreen)
        assert admin.check_action("move", (1,)) is False  # schools: no order to keep
        await pilot.press("d")
        await settle(pilot)
        assert not [e for e in sqlite_services.audit.recent(limit=50) if e.action.endswith("move")]
        await pilot.press("7")
        await settle(pilot)
        assert admin.check_action("move", (1,)) is True
