"""The mentoring list (F5) on PagedList: pages forward and back on every backend with the
students' names filled in from the same worker, Enter opens the note through the app's
OpenRecord handler and Escape comes back to the same note; days in the one day grammar."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Input, Static

from sro_tui.domain.days import DAY_HELP
from sro_tui.domain.enums import ContactKind
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.mentoring import PAGE_SIZE, MentoringScreen
from sro_tui.ui.screens.note_view import NoteViewScreen

from .conftest import Clock, make_officer
from .ui_list_support import ListHost, row_keys, settle


def _screen(app: ListHost) -> MentoringScreen:
    screen = app.screen
    assert isinstance(screen, MentoringScreen), screen
    return screen


def _what(table: DataTable[object], row: int) -> str:
    return str(table.get_row_at(row)[3])


async def test_pages_forward_and_back_on_every_backend(
    services: Services, officer: Actor, clock: Clock
) -> None:
    vhs = services.reference.school_by_code("VHS").id
    ana = services.students.create(
        officer,
        StudentCreate(district_id="S-1", first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id
    made = []
    for minutes in range(1, PAGE_SIZE + 21):
        if minutes % 10 == 0:  # every tenth with a student, named from the worker
            data = NoteCreate(student_ids=[ana], occurred_at=clock.now - timedelta(minutes=minutes))
        else:
            data = NoteCreate(
                kind=ContactKind.LIAISON,
                agency=f"Agency {minutes}",
                occurred_at=clock.now - timedelta(minutes=minutes),
            )
        made.append(services.notes.create(officer, data).id)
    app = ListHost(services, officer, MentoringScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        table = screen.query_one(DataTable)
        assert row_keys(table) == made[:PAGE_SIZE]  # newest first, one page
        assert _what(table, 0) == "Agency 1"
        assert _what(table, 9) == "Ruiz, Ana"  # the name, not an id
        assert "50+ shown" in str(screen.query_one("#list-status").render())

        await pilot.press("end")
        await settle(pilot)
        assert row_keys(table) == made  # the rest, none twice
        assert screen.exhausted
        assert _what(table, PAGE_SIZE + 9) == "Ruiz, Ana"

        await pilot.press("home", "down", "down")
        await settle(pilot)
        assert table.cursor_row == 2
        await pilot.press("enter")
        await settle(pilot)
        view = app.screen
        assert isinstance(view, NoteViewScreen) and view.note_id == made[2]
        assert [(m.kind, m.record_id) for m in app.opened] == [("note", made[2])]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen
        assert row_keys(table)[table.cursor_row] == made[2]  # the same note under the cursor


async def test_day_filter_takes_the_day_grammar_and_names_a_bad_day(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    today = sqlite_services.notes.create(
        officer, NoteCreate(kind=ContactKind.LIAISON, agency="Today", occurred_at=clock.now)
    ).id
    sqlite_services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.LIAISON, agency="Last week", occurred_at=clock.now - timedelta(days=7)
        ),
    )
    app = ListHost(sqlite_services, officer, MentoringScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        table = screen.query_one(DataTable)
        assert table.row_count == 2
        since = screen.query_one("#filter-from", Input)
        since.value = "last week"
        since.focus()
        await pilot.press("enter")
        await settle(pilot)
        error = str(screen.query_one("#filter-error", Static).render())
        assert error.startswith("From: 'last week' is not a day") and DAY_HELP in error
        assert app.focused is since and table.row_count == 2
        since.value = "-3"
        await pilot.press("enter")
        await settle(pilot)
        assert row_keys(table) == [today]
        assert app.focused is table
        assert not screen.query_one("#filter-error").display


async def test_edit_and_follow_up_keys_only_on_own_notes(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    sergeant = make_officer(sqlite_services, "2001", "supervisor")
    sqlite_services.notes.create(
        officer,
        NoteCreate(kind=ContactKind.LIAISON, agency="Probation", occurred_at=clock.now),
    )
    app = ListHost(sqlite_services, sergeant, MentoringScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = _screen(app)
        assert screen.query_one(DataTable).row_count == 0
        await pilot.press("s")  # a supervisor: everyone's notes
        await settle(pilot)
        assert screen.scope == "all" and screen.query_one(DataTable).row_count == 1
        bindings = screen.active_bindings
        assert not bindings["e"].enabled and not bindings["f"].enabled  # not the sergeant's
        assert bindings["n"].enabled and bindings["k"].enabled
