"""The kind of a checklist template item in the Administration area (F12, 7; issue 11): a new
item's kind picked with the keys in its form, an item's kind changed in its form (shown there
first), both in the store and audited. 80x24."""

from __future__ import annotations

from textual.widgets import DataTable

from sro_tui.domain.enums import ChecklistKind
from sro_tui.services.registry import Services
from sro_tui.ui.screens.admin import AdminScreen
from sro_tui.ui.screens.admin_lists_forms import TemplateAdminForm

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def _item(services: Services, label: str) -> tuple[int, ChecklistKind]:
    found = next(i for i in services.reference.template_items() if i.label == label)
    return found.id, found.kind


async def test_a_checklist_item_kind_is_picked_and_changed(
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

        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateAdminForm)
        assert form.kind.value == ChecklistKind.OTHER.value
        await type_text(pilot, "Walk the fence line")
        form.kind.focus()
        await pilot.press("enter")  # the choices open on "Other", the last
        await settle(pilot)
        for _ in range(4):
            await pilot.press("up")
        await pilot.press("enter")
        await settle(pilot)
        assert form.kind.value == ChecklistKind.SECURITY.value
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        item_id, kind = _item(services, "Walk the fence line")
        assert kind is ChecklistKind.SECURITY
        row = [str(c) for c in table.get_row_at(table.get_row_index(str(item_id)))]
        assert "security" in row  # the list shows each item's kind

        # The seeded perimeter check is a security check; set to "Other" in its form.
        perimeter, kind = _item(services, "Perimeter and gate check")
        assert kind is ChecklistKind.SECURITY
        table.move_cursor(row=table.get_row_index(str(perimeter)))
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, TemplateAdminForm)
        assert form.kind.value == ChecklistKind.SECURITY.value
        form.kind.focus()
        await pilot.press("enter")
        await settle(pilot)
        for _ in range(4):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is admin
        assert _item(services, "Perimeter and gate check")[1] is ChecklistKind.OTHER
    updates = [e.detail for e in services.audit.recent(limit=50) if e.action.endswith(".update")]
    assert any("kind security -> other" in d for d in updates)
    created = [e.detail for e in services.audit.recent(limit=50) if e.action.endswith(".create")]
    assert any("Walk the fence line" in d and "security" in d for d in created)
