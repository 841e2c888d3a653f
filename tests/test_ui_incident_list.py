"""The incident list (F4) driven by keys: pages forward and back on every backend, scope and
filters (days in the one day grammar, a bad one named at the filter), Enter opens a report
through the app's OpenRecord handler. (That the list reads one page of a store of 20,000
reports, not all of them, is test_ui_incidents.py's step-counting test.)"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from textual.widgets import DataTable, Input, Select, Static

from sro_tui.domain.days import DAY_HELP
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.incidents import PAGE_SIZE, IncidentListScreen

from .conftest import Clock, make_officer
from .ui_list_support import ListHost, row_keys, settle


def _quick(services: Services, actor: Actor, school: SchoolRead, **kwargs: object) -> int:
    data: dict[str, object] = {
        "school_id": school.id,
        "occurred_at": datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
        "location_code": "HALLWAY",
        "offenses": [OffenseIn(category_code="FIGHT")],
        "narrative": "Two students pushing in the hallway.",
    }
    data.update(kwargs)
    return services.incidents.create(actor, IncidentCreate.model_validate(data)).id


def _screen(app: ListHost) -> IncidentListScreen:
    screen = app.screen
    assert isinstance(screen, IncidentListScreen), screen
    return screen


async def test_pages_forward_and_back_on_every_backend(services: Services, officer: Actor) -> None:
    """More reports than a page: one page at first, the next as the cursor nears the end,
    Home back to the newest; newest first, none twice, none left out."""
    vhs = services.reference.school_by_code("VHS")
    base = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)
    ids = [
        _quick(services, officer, vhs, occurred_at=base + timedelta(hours=i))
        for i in range(PAGE_SIZE + 25)
    ]
    newest_first = ids[::-1]
    app = ListHost(services, officer, IncidentListScreen, school=vhs)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        table = screen.query_one(DataTable)
        assert row_keys(table) == newest_first[:PAGE_SIZE]  # one page, not everything
        assert not screen.exhausted
        assert "more load as you scroll" in str(screen.query_one("#list-status").render())

        await pilot.press("end")  # the last loaded row: the next page follows
        await settle(pilot)
        assert row_keys(table) == newest_first
        assert screen.exhausted
        assert table.cursor_row == PAGE_SIZE - 1

        await pilot.press("home")  # back to the newest, nothing read again
        await settle(pilot)
        assert table.cursor_row == 0 and table.row_count == len(ids)
        await pilot.press("pagedown", "pagedown", "up")
        await settle(pilot)
        assert table.row_count == len(ids)

        await pilot.press("enter")  # the highlighted report opens
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen)
        opened = newest_first[table.cursor_row]
        assert form.incident_id == opened
        assert [(m.kind, m.record_id) for m in app.opened] == [("incident", opened)]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert table.row_count >= PAGE_SIZE  # read again, the cursor on the same report
        assert row_keys(table)[table.cursor_row] == opened


async def test_scopes_status_filter_and_enter_opens(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    other = make_officer(sqlite_services, "1002")
    vhs = sqlite_services.reference.school_by_code("VHS")
    mine = [_quick(sqlite_services, officer, vhs) for _ in range(3)]
    theirs = _quick(sqlite_services, other, vhs, location_code="GYM")
    _quick(sqlite_services, other, vhs)  # a draft of theirs: never in my school scope
    sqlite_services.incidents.submit(other, theirs)
    app = ListHost(sqlite_services, officer, IncidentListScreen, school=vhs)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        table = screen.query_one(DataTable)
        assert sorted(row_keys(table)) == sorted(mine)
        assert app.focused is table

        await pilot.press("s")  # own -> school: the other officer's submitted report too
        await settle(pilot)
        assert screen.scope == "school"
        assert sorted(row_keys(table)) == sorted([*mine, theirs])
        assert "My schools" in str(screen.query_one("#list-title", Static).render())

        screen.query_one("#filter-status", Select).value = "submitted"
        await settle(pilot)
        assert row_keys(table) == [theirs]

        table.focus()
        await pilot.press("enter")  # read-only: another officer's submitted report
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentFormScreen)
        assert form.incident_id == theirs

        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("s")  # school -> own ("all" is for supervisors only)
        await settle(pilot)
        assert screen.scope == "own" and row_keys(table) == []
        assert "No reports match" in str(screen.query_one("#list-status").render())


async def test_day_filter_takes_the_day_grammar_and_names_a_bad_day(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    vhs = sqlite_services.reference.school_by_code("VHS")
    # The clock says 2026-09-14; one report each of the last three days.
    by_day = {
        day: _quick(
            sqlite_services, officer, vhs, occurred_at=datetime(2026, 9, day, 18, tzinfo=UTC)
        )
        for day in (11, 12, 13)
    }
    app = ListHost(sqlite_services, officer, IncidentListScreen, school=vhs)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        table = screen.query_one(DataTable)
        assert table.row_count == 3

        since = screen.query_one("#filter-from", Input)
        until = screen.query_one("#filter-to", Input)
        since.focus()
        await pilot.press(*"2026-09-12", "tab", "y", "enter")  # a date, and "yesterday"
        await settle(pilot)
        assert sorted(row_keys(table)) == [by_day[12], by_day[13]]
        assert app.focused is table  # Enter: back to the list
        assert "2026-09-12 to 2026-09-13" in str(screen.query_one("#list-title").render())

        until.value = "2026-13-01"
        until.focus()
        await pilot.press("enter")
        await settle(pilot)
        error = str(screen.query_one("#filter-error", Static).render())
        assert error.startswith("To: '2026-13-01' is not a day") and DAY_HELP in error
        assert app.focused is until  # the cursor where the mistake is
        assert table.row_count == 2  # the list as it was

        until.value = "-3"  # before the 'from' day
        await pilot.press("enter")
        await settle(pilot)
        assert "before the 'from' day" in str(screen.query_one("#filter-error").render())

        until.value = ""
        since.value = "-2"  # two days ago: the 12th
        since.focus()
        await pilot.press("enter")
        await settle(pilot)
        generation_before_clear = screen.generation
        assert not screen.query_one("#filter-error").display
        assert sorted(row_keys(table)) == [by_day[12], by_day[13]]

        screen.query_one("#filter-clear").focus()
        await pilot.press("enter")  # Clear: every filter back to "any", the list asked once
        await settle(pilot)
        assert table.row_count == 3 and since.value == "" and until.value == ""
        assert screen.generation == generation_before_clear + 1

        table.focus()
        await pilot.press("n")  # a new report, from the list
        await settle(pilot)
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.incident_id is None


async def test_supervisor_sees_all_and_filters_by_category(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    sergeant = make_officer(sqlite_services, "2001", "supervisor", ("BHS",))
    vhs = sqlite_services.reference.school_by_code("VHS")
    fight = _quick(sqlite_services, officer, vhs)
    theft = _quick(sqlite_services, officer, vhs, offenses=[OffenseIn(category_code="THEFT")])
    for incident_id in (fight, theft):
        sqlite_services.incidents.submit(officer, incident_id)
    app = ListHost(sqlite_services, sergeant, IncidentListScreen, school=vhs)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        table = screen.query_one(DataTable)
        assert table.row_count == 0  # the sergeant's own: none
        await pilot.press("s", "s")  # own -> school (BHS: none) -> all
        await settle(pilot)
        assert screen.scope == "all" and table.row_count == 2
        screen.query_one("#filter-category").query_one(Input).focus()
        await pilot.press(*"theft")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert row_keys(table) == [theft]
        assert app.focused is table  # picked: back to the list
        await pilot.press("s")  # all -> own
        await settle(pilot)
        assert screen.scope == "own"


async def test_letter_keys_leave_the_footer_while_a_filter_field_takes_letters(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    vhs = sqlite_services.reference.school_by_code("VHS")
    app = ListHost(sqlite_services, officer, IncidentListScreen, school=vhs)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)

        def keys() -> set[str]:
            return {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}

        assert {"n", "s", "slash", "escape"} <= keys()
        screen.query_one("#filter-from", Input).focus()
        await pilot.pause()
        assert not keys() & {"n", "s", "r"}  # the footer shows only what works here
        await pilot.press("n")  # typed, not a new report
        assert isinstance(app.screen, IncidentListScreen)
        assert screen.query_one("#filter-from", Input).value == "n"
        await pilot.press("escape")  # back to the list: the keys work again
        await pilot.pause()
        assert app.focused is screen.query_one(DataTable)
        assert {"n", "s"} <= keys()
