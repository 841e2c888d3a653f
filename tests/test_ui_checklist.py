"""The duty checklist screen: keys an officer presses, checked in the store afterwards."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Input, Static

from sro_tui.domain.enums import ChecklistStatus
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp
from sro_tui.ui.screens.checklist import ChecklistScreen
from sro_tui.ui.widgets.prompt import PromptScreen

from .conftest import Clock, make_officer
from .ui_shell_support import Calls, make_app, send_keys, settle, sign_in, type_text


def shift_items(services: Services, actor: Actor):  # type: ignore[no-untyped-def]
    shifts = services.checklist.shifts_on(actor)
    assert len(shifts) == 1
    return shifts[0].items


async def open_checklist(pilot, app: SroApp) -> ChecklistScreen:  # type: ignore[no-untyped-def]
    await sign_in(pilot)
    await pilot.press("f3")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, ChecklistScreen)
    return screen


async def test_first_open_makes_the_shift_from_the_template(
    sqlite_services: Services, clock: Clock
) -> None:
    actor = make_officer(sqlite_services, "1001")
    assert sqlite_services.checklist.shifts_on(actor) == []
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        table = screen.query_one(DataTable)
        template = sqlite_services.reference.checklist_template()
        assert table.row_count == len(template)
    items = shift_items(sqlite_services, actor)
    assert [i.label for i in items] == [t.label for t in template]
    assert all(i.status is ChecklistStatus.PENDING for i in items)


async def test_done_skip_note_reset_and_one_off_are_saved(
    sqlite_services: Services, clock: Clock
) -> None:
    actor = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await open_checklist(pilot, app)
        # First item: space marks it done, at the clock's time, and moves to the second.
        await pilot.press("space")
        await settle(pilot)
        assert app.screen.query_one(DataTable).cursor_row == 1
        # Second item: Enter marks it done too.
        await pilot.press("enter")
        await settle(pilot)
        # Third item: skip asks for a reason; an empty one is refused, escape cancels.
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)  # reason required
        await pilot.press("escape")
        await settle(pilot)
        assert shift_items(sqlite_services, actor)[2].status is ChecklistStatus.PENDING
        await pilot.press("s")
        await pilot.pause()
        await type_text(pilot, "fire drill")
        await pilot.press("enter")
        await settle(pilot)
        assert app.screen.query_one(DataTable).cursor_row == 3  # skipping moves on too
        # A note on the third item.
        await pilot.press("k", "n")
        await pilot.pause()
        await type_text(pilot, "lot gate B open")
        await pilot.press("enter")
        await settle(pilot)
        # Back up to the second: u resets it to pending.
        await pilot.press("k", "u")
        await settle(pilot)
        # A one-off item at the end.
        await pilot.press("a")
        await pilot.pause()
        await type_text(pilot, "Meet the new vice principal")
        await pilot.press("enter")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.cursor_row == table.row_count - 1
    items = shift_items(sqlite_services, actor)
    assert items[0].status is ChecklistStatus.DONE and items[0].status_at == clock.now
    assert items[1].status is ChecklistStatus.PENDING and items[1].status_at is None
    assert items[2].status is ChecklistStatus.SKIPPED
    assert items[2].skip_reason == "fire drill"
    assert items[2].note == "lot gate B open"
    assert items[-1].label == "Meet the new vice principal" and items[-1].one_off


async def test_enter_on_a_done_item_keeps_it_done(sqlite_services: Services, clock: Clock) -> None:
    actor = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await open_checklist(pilot, app)
        await pilot.press("space")
        await settle(pilot)
        clock.advance(minutes=5)
        await pilot.press("k", "enter")  # back up to the done item, Enter on it
        await settle(pilot)
    first = shift_items(sqlite_services, actor)[0]
    assert first.status is ChecklistStatus.DONE
    assert first.status_at == clock.now - timedelta(minutes=5)


async def test_ctrl_n_on_an_item_opens_a_prefilled_quick_incident(
    sqlite_services: Services, clock: Clock
) -> None:
    from sro_tui.ui.forms.quick_incident import QuickIncidentScreen

    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_checklist(pilot, app)
        await pilot.press("j", "j")  # Parking lot check
        await pilot.press("ctrl+n")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        assert screen.prefill["location_code"] == "PARKING"
        assert screen.prefill["occurred_at"] == clock.now
        assert app.school is not None
        assert screen.prefill["school_id"] == app.school.id
        assert screen.school_id == app.school.id


async def test_the_skip_prompt_is_focused_and_typed_into(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await open_checklist(pilot, app)
        await pilot.press("s")
        await pilot.pause()
        assert app.screen.focused is app.screen.query_one("#prompt-input", Input)


async def test_twelve_items_take_twelve_keys(sqlite_services: Services, clock: Clock) -> None:
    """Space moves to the next open item, so a burst of one space per item settles them all
    (typed ahead of the saves: no item is marked twice, none is passed over)."""
    actor = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        count = screen.query_one(DataTable).row_count
        assert count == 12
        send_keys(pilot, ["space"] * count)
        await pilot.pause()
        await settle(pilot)
        assert screen.shift is not None and screen.shift.progress == (count, count)
    assert all(i.status is ChecklistStatus.DONE for i in shift_items(sqlite_services, actor))


async def test_done_skips_settled_items_and_wraps_to_the_first_open(
    sqlite_services: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        table = screen.query_one(DataTable)
        await pilot.press("j", "space")  # the second item: the cursor goes to the third
        await settle(pilot)
        assert table.cursor_row == 2
        table.move_cursor(row=table.row_count - 1)
        await pilot.press("space")  # the last: back to the first open one, at the top
        await settle(pilot)
        assert table.cursor_row == 0
        await pilot.press("space")  # the first: the second is done, so the third
        await settle(pilot)
        assert table.cursor_row == 2


async def test_a_remapped_key_marks_done_and_the_hint_says_it(
    sqlite_services: Services, clock: Clock
) -> None:
    """The checklist's bindings have ids, so a keymap moves them; the summary line follows."""
    actor = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        app.set_keymap({"checklist.done": "x"})
        await pilot.pause()
        await pilot.press("x")
        await settle(pilot)
        assert screen.query_one(DataTable).cursor_row == 1
        summary = str(screen.query_one("#checklist-summary", Static).render())
        assert "x done" in summary and "s skip" in summary
    assert shift_items(sqlite_services, actor)[0].status is ChecklistStatus.DONE


async def test_the_checklist_opens_on_the_first_open_item_and_space_walks_past_done_ones(
    sqlite_services: Services, clock: Clock
) -> None:
    """Half-way through the day the officer reopens the checklist: the cursor is on the first
    item still to do, and space on an item already done moves on instead of stopping there."""
    actor = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        send_keys(pilot, ["space"] * 3)
        await pilot.pause()
        await settle(pilot)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        table = screen.query_one(DataTable)
        assert table.cursor_row == 3
        table.move_cursor(row=1)  # a done item
        await pilot.press("space")
        await settle(pilot)
        assert table.cursor_row == 3
    statuses = [i.status for i in shift_items(sqlite_services, actor)]
    assert statuses[:3] == [ChecklistStatus.DONE] * 3
    assert statuses[3] is ChecklistStatus.PENDING


async def test_read_again_with_the_same_shift_the_table_is_not_rebuilt(
    sqlite_services: Services, clock: Clock
) -> None:
    """Back on the checklist (F3), the shift is read again: the same answer draws nothing
    (issue 16); an item done elsewhere meanwhile is shown."""
    actor = make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        screen = await open_checklist(pilot, app)
        table = screen.query_one(DataTable)
        rebuilt = Calls(table, "clear")
        screen.action_reload()
        await settle(pilot)
        assert rebuilt.count == 0

        first = shift_items(sqlite_services, actor)[0]
        sqlite_services.checklist.mark_done(actor, first.id)  # another terminal, same officer
        screen.action_reload()
        await settle(pilot)
        assert rebuilt.count == 1
        assert "done" in str(table.get_row_at(0)[0])
