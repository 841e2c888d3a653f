"""Students (F7): search as you type, the timeline, add and edit, roster import; each
checked in the store after the keys."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from textual.widgets import DataTable, Input, ProgressBar, Static

from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.roster_import import RosterImportScreen
from sro_tui.ui.forms.student_form import StudentFormScreen
from sro_tui.ui.screens.student_timeline import StudentTimelineScreen
from sro_tui.ui.screens.students import StudentListScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def add_students(services: Services, actor: Actor) -> list[int]:
    vhs = services.reference.school_by_code("VHS").id
    people = [("S-100", "Maria", "Garcia"), ("S-101", "Mateo", "Garcia"), ("S-200", "Ana", "Ruiz")]
    return [
        services.students.create(
            actor, StudentCreate(district_id=d, first_name=f, last_name=last, school_id=vhs)
        ).id
        for d, f, last in people
    ]


def table_names(screen: StudentListScreen) -> list[str]:
    table = screen.query_one(DataTable)
    return [str(table.get_row_at(i)[0]) for i in range(table.row_count)]


async def test_search_as_you_type_and_open_timeline(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    other = make_officer(sqlite_services, "1002")
    maria, _mateo, _ana = add_students(sqlite_services, officer)
    vhs = sqlite_services.reference.school_by_code("VHS").id
    incident = sqlite_services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(days=2),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[PersonIn(role="suspect", student_id=maria)],
            narrative="Pushing in the hallway.",
        ),
    )
    sqlite_services.notes.create(
        other,
        NoteCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(days=1),
            student_ids=[maria],
            text="Private matter at home.",
            confidential=True,
        ),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudentListScreen)
        assert table_names(screen) == ["Garcia, Maria", "Garcia, Mateo", "Ruiz, Ana"]
        await type_text(pilot, "garcia ma")
        await settle(pilot)
        assert table_names(screen) == ["Garcia, Maria", "Garcia, Mateo"]
        await pilot.press("enter")  # from the search box into the list
        await pilot.press("enter")  # open Maria's timeline
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, StudentTimelineScreen)
        title = str(timeline.query_one("#student-title", Static).content)
        assert "Garcia, Maria" in title and "S-100" in title
        rows = list(timeline.entries.values())
        assert [r.kind for r in rows] == ["note", "incident"]
        assert rows[0].redacted and "Private" not in rows[0].title + rows[0].summary
        assert rows[1].record_id == incident.id
        await pilot.press("enter")  # the confidential note: refused on screen
        await settle(pilot)
        assert app.screen is timeline
        await pilot.press("down", "enter")
        await settle(pilot)
        assert type(app.screen).__name__ == "IncidentFormScreen"
    events = sqlite_services.audit.recent(limit=50)
    assert any(e.action == "student.timeline" and e.record_id == str(maria) for e in events)


async def test_add_and_edit_a_student(sqlite_services: Services, clock: Clock) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("escape")  # out of the search box, so letters are keys
        await pilot.press("a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        await type_text(pilot, "s-300")
        await pilot.press("tab")
        await type_text(pilot, "Lopez")
        await pilot.press("tab")
        await type_text(pilot, "Jo")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, StudentListScreen)
        officer = sqlite_services.officers.authenticate("1001", "correct horse battery")
        student = sqlite_services.students.by_district_id(officer, "S-300")
        assert (student.first_name, student.last_name) == ("Jo", "Lopez")
        assert student.school_id == sqlite_services.reference.school_by_code("VHS").id
        # Edit: the highlighted row, first name changed.
        app.screen.query_one(DataTable).focus()
        await pilot.press("e")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        form.first_name.value = "Joanna"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert sqlite_services.students.get(officer, student.id).first_name == "Joanna"


async def test_bad_input_stays_and_is_named(sqlite_services: Services, clock: Clock) -> None:
    officer = make_officer(sqlite_services, "1001")
    add_students(sqlite_services, officer)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("escape", "a")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen)
        await type_text(pilot, "S-100")  # taken
        await pilot.press("tab")
        await type_text(pilot, "Garcia")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        first = form.query_one("#field-first_name")
        assert "required" in first.error  # type: ignore[attr-defined]
        assert form.district_id.value == "S-100" and form.last_name.value == "Garcia"
        assert app.focused is form.first_name
        await type_text(pilot, "Eva")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "already" in form.query_one("#student-district-id").error  # type: ignore[attr-defined]
        assert form.first_name.value == "Eva"


async def test_roster_import_reports_bad_rows(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    make_officer(sqlite_services, "2001", "supervisor", ("VHS", "BHS"))
    roster = tmp_path / "roster.csv"
    lines = ["Student ID,First Name,Last Name,School,Grade"]
    lines += [f"R-{i},First{i},Last{i},VHS,{9 + i % 4}" for i in range(1, 1201)]
    lines.append("R-BAD,,NoFirst,VHS,10")
    lines.append("R-X,Grade,Wrong,VHS,15")
    roster.write_text("\n".join(lines) + "\n", encoding="utf-8")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("escape", "i")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, RosterImportScreen)
        dialog.query_one(Input).value = str(roster)
        await pilot.press("enter")
        await settle(pilot)
        summary = str(dialog.query_one("#roster-summary", Static).content)
        assert "1,202 rows: 1,200 added" in summary
        assert "2 rejected" in summary and "line 1202" in summary and "line 1203" in summary
        bar = dialog.query_one(ProgressBar)
        assert bar.progress == bar.total
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, StudentListScreen)
    supervisor = sqlite_services.officers.authenticate("2001", "correct horse battery")
    assert sqlite_services.students.by_district_id(supervisor, "R-1200").last_name == "Last1200"


async def test_roster_import_of_a_missing_file_says_so(
    sqlite_services: Services, clock: Clock, tmp_path: Path
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("escape", "i")
        await settle(pilot)
        dialog = app.screen
        dialog.query_one(Input).value = str(tmp_path / "nope.csv")
        await pilot.press("enter")
        await settle(pilot)
        assert "No file at" in dialog.query_one("#roster-path").error  # type: ignore[attr-defined]


async def test_list_pages_as_the_cursor_nears_the_end(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    for n in range(95):
        sqlite_services.students.create(
            officer,
            StudentCreate(district_id=f"P-{n:03d}", first_name="Kid", last_name=f"N{n:03d}"),
        )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudentListScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == StudentListScreen.PAGE_SIZE
        await pilot.press("escape")  # into the list
        await pilot.press("ctrl+end")
        await settle(pilot)
        assert table.row_count == 2 * StudentListScreen.PAGE_SIZE
        await pilot.press("ctrl+end")
        await settle(pilot)
        names = table_names(screen)
        assert len(names) == 95 and len(set(names)) == 95
        assert names == sorted(names)
        assert screen.exhausted
