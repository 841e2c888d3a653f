"""The incident list and the full incident form, driven by keys on a real SQLite store."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import event, insert, select

from sro_tui.domain.enums import ComplianceKind, IncidentStatus, OutcomeKind, PersonRole
from sro_tui.domain.incidents import (
    IncidentCreate,
    OffenseIn,
    ReviewDecision,
    SupplementCreate,
)
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import SchoolRead
from sro_tui.domain.students import StudentCreate, StudentRead
from sro_tui.services.registry import Services
from sro_tui.store.db import Database
from sro_tui.store.models import Incident, IncidentOffense, Location, OffenseCategory
from sro_tui.ui.forms.quick_incident import QuickIncidentScreen
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.incidents import PAGE_SIZE, IncidentListScreen
from sro_tui.ui.widgets.incident_rows import ComplianceRow, OffenseRow, PersonRow
from sro_tui.ui.widgets.write_dialog import WriteScreen

from .conftest import Clock, make_officer
from .test_ui_forms import FormHost, Home, ui_officer, vhs
from .ui_shell_support import settle, type_text

__all__ = ["ui_officer", "vhs"]  # fixtures shared with test_ui_forms


def _quick(services: Services, actor: Actor, school: SchoolRead, **kwargs: object) -> int:
    data = {
        "school_id": school.id,
        "occurred_at": datetime(2026, 9, 14, 15, 0, tzinfo=UTC),
        "location_code": "HALLWAY",
        "offenses": [OffenseIn(category_code="FIGHT")],
        "narrative": "Two students pushing in the hallway.",
    }
    data.update(kwargs)
    return services.incidents.create(actor, IncidentCreate(**data)).id  # type: ignore[arg-type]


def _students(services: Services, actor: Actor) -> tuple[StudentRead, StudentRead]:
    ana = services.students.create(
        actor, StudentCreate(district_id="S1001", first_name="Ana", last_name="Garcia")
    )
    ben = services.students.create(
        actor, StudentCreate(district_id="S1002", first_name="Ben", last_name="Okafor")
    )
    return ana, ben


class ListHost(FormHost):
    """FormHost that opens the record a list asks for, as the app does."""

    def on_open_record(self, message: OpenRecord) -> None:
        message.stop()
        self.push_screen(IncidentFormScreen(incident_id=message.record_id))


def _form(app: FormHost) -> IncidentFormScreen:
    screen = app.screen
    assert isinstance(screen, IncidentFormScreen), screen
    return screen


# --- the full form -----------------------------------------------------------------------------


async def test_full_incident_two_students_two_categories_save_and_submit(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    ana, ben = _students(sqlite_services, ui_officer)
    app = FormHost(sqlite_services, ui_officer, school=vhs, first=IncidentFormScreen)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        form = _form(app)
        first = form.query(OffenseRow).first()
        assert app.focused is first.category.input
        await pilot.press(*"fight", "enter")
        assert first.category.value == "FIGHT"

        # A second category, marked the most severe, with a knife.
        await pilot.press("ctrl+o")
        await pilot.pause()
        second = list(form.query(OffenseRow))[1]
        assert app.focused is second.category.input
        await pilot.press(*"weap", "enter")
        assert second.category.value == "WEAPON"
        assert app.focused is second.most_severe
        await pilot.press("space")
        second.weapon.value = "knife"
        await pilot.pause()
        assert second.most_severe.value and not first.most_severe.value

        # The weapon calls for the EC 48902 notice: it appears; mark it done now.
        [notice] = list(form.query(ComplianceRow))
        assert notice.kind is ComplianceKind.EC_48902
        notice.done.focus()
        await pilot.press("space", "tab", "t")

        # Two students: one by name, one by district ID.
        await pilot.press("ctrl+t")
        await pilot.pause()
        person = form.query(PersonRow).first()
        assert app.focused is person.who.input
        await pilot.press(*"garc")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        assert person.who.value == ana.id
        person.outcomes.select(OutcomeKind.ARREST.value)
        person.custodial.value = True
        person.parent_notified.input.focus()
        await pilot.press(*"-15m")

        await pilot.press("ctrl+t")
        await pilot.pause()
        victim = list(form.query(PersonRow))[1]
        await pilot.press(*"S1002")
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        assert victim.who.value == ben.id
        victim.role.value = PersonRole.VICTIM.value

        form.location.input.focus()
        await pilot.press(*"hall", "enter")
        form.narrative.focus()
        await pilot.press(*"Fight in the hallway; a folding knife was taken from Ana.")
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert form.incident_id is not None, [f.error for f in form.fields()]
        incident_id = form.incident_id

        record = sqlite_services.incidents.get(ui_officer, incident_id)
        assert record.status is IncidentStatus.DRAFT
        assert [(o.category_code, o.most_severe) for o in record.offenses] == [
            ("FIGHT", False),
            ("WEAPON", True),
        ]
        assert record.offenses[1].weapon.value == "knife"
        assert [(p.student_id, p.role) for p in record.people] == [
            (ana.id, PersonRole.SUSPECT),
            (ben.id, PersonRole.VICTIM),
        ]
        assert record.people[0].outcomes == (OutcomeKind.ARREST,) and record.people[0].custodial
        assert record.people[0].parent_notified_at == datetime(2026, 9, 14, 15, 15, tzinfo=UTC)
        assert [c.kind for c in record.compliance] == [ComplianceKind.EC_48902]
        assert record.location_code == "HALLWAY"
        assert sqlite_services.drafts.for_actor(ui_officer) == []

        # F9 submits it for review and closes the form.
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
    assert sqlite_services.incidents.get(ui_officer, incident_id).status is (
        IncidentStatus.SUBMITTED
    )


async def test_form_errors_land_under_their_fields(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    app = FormHost(sqlite_services, ui_officer, school=vhs, first=IncidentFormScreen)
    async with app.run_test() as pilot:
        await pilot.pause()
        form = _form(app)
        row = form.query(OffenseRow).first()
        await pilot.press(*"nothing like it")
        form.when.text = "yesterday-ish"
        form.location.set_choice(None, text="")
        await pilot.press("ctrl+t")
        await pilot.pause()
        person = form.query(PersonRow).first()
        person.parent_notified.text = "31:00"
        person.outcomes.select(OutcomeKind.WARNING.value)
        await pilot.press("ctrl+s")
        await pilot.pause()
        errors = {f.field: f.error for f in form.fields() if f.error}
        assert "Type t for now" in errors["occurred_at"]
        assert "Location is required" in errors["location_code"]
        assert "No category matches 'nothing like it'" in errors[row.field_name]
        assert "not a time of day" in errors[f"{person.field_name}-parent"]
        assert "Name is required" in errors[person.field_name]
        assert app.focused is form.when.input  # the first bad field, in screen order
        assert row.category.text == "nothing like it"
        assert form.when.text == "yesterday-ish"
        assert form.incident_id is None


async def test_returned_report_shows_the_comment_and_goes_back_for_review(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    sergeant = make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    incident_id = _quick(sqlite_services, ui_officer, vhs)
    sqlite_services.incidents.submit(ui_officer, incident_id)
    sqlite_services.incidents.return_for_changes(
        sergeant, incident_id, ReviewDecision(comment="Add when the parent was called.")
    )
    app = FormHost(
        sqlite_services,
        ui_officer,
        school=vhs,
        first=lambda: IncidentFormScreen(incident_id=incident_id),
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        form = _form(app)
        banner = form.query_one(".review-comment")
        assert "Add when the parent was called." in str(banner.render())
        form.narrative.focus()
        await pilot.press("end", *" Parent called at 09:10.")
        await pilot.press("f9")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
    record = sqlite_services.incidents.get(ui_officer, incident_id)
    assert record.status is IncidentStatus.SUBMITTED
    assert record.narrative.endswith("Parent called at 09:10.")


async def test_approved_report_is_read_only_and_takes_a_supplement(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    sergeant = make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    incident_id = _quick(sqlite_services, ui_officer, vhs)
    sqlite_services.incidents.submit(ui_officer, incident_id)
    sqlite_services.incidents.approve(sergeant, incident_id, ReviewDecision())
    sqlite_services.incidents.add_supplement(
        sergeant, incident_id, SupplementCreate(text="Video reviewed.")
    )
    app = FormHost(
        sqlite_services,
        ui_officer,
        school=vhs,
        first=lambda: IncidentFormScreen(incident_id=incident_id),
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        form = _form(app)
        assert not form.editable
        assert not form.query(OffenseRow)
        texts = " ".join(str(s.render()) for s in form.query(".supplement"))
        assert "Video reviewed." in texts
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        await pilot.press(*"Parent asked for a copy.", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.screen is form or isinstance(app.screen, IncidentFormScreen)
    record = sqlite_services.incidents.get(ui_officer, incident_id)
    assert [s.text for s in record.supplements] == ["Video reviewed.", "Parent asked for a copy."]
    assert record.status is IncidentStatus.APPROVED


async def test_supervisor_returns_then_approves_from_the_report(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    sergeant = make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    incident_id = _quick(sqlite_services, ui_officer, vhs)
    sqlite_services.incidents.submit(ui_officer, incident_id)
    app = FormHost(
        sqlite_services,
        sergeant,
        school=vhs,
        first=lambda: IncidentFormScreen(incident_id=incident_id),
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        form = _form(app)
        assert not form.editable and form.may_review_this()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, WriteScreen)
        await pilot.press("ctrl+s")  # empty: refused, with the reason under it
        await pilot.pause()
        assert "Say what needs to change" in str(app.screen.query_one(".field-error").render())
        await pilot.press(*"Name the witness.", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
    record = sqlite_services.incidents.get(sergeant, incident_id)
    assert record.status is IncidentStatus.RETURNED
    assert record.review_comment == "Name the witness."

    sqlite_services.incidents.submit(ui_officer, incident_id)
    app = FormHost(
        sqlite_services,
        sergeant,
        school=vhs,
        first=lambda: IncidentFormScreen(incident_id=incident_id),
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("y")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
    assert sqlite_services.incidents.get(sergeant, incident_id).status is IncidentStatus.APPROVED


async def test_reopening_a_report_brings_back_unsaved_changes(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    incident_id = _quick(sqlite_services, ui_officer, vhs)
    app = FormHost(
        sqlite_services,
        ui_officer,
        school=vhs,
        first=lambda: IncidentFormScreen(incident_id=incident_id),
    )
    async with app.run_test() as pilot:
        await settle(pilot)  # loaded
        form = _form(app)
        form.narrative.focus()
        await pilot.press("end")
        # Typed in one burst: the draft is due 1.5 s after the first key, which a key-by-key
        # pilot on a busy machine can pass before the last key, writing it already.
        await type_text(pilot, " Both sent to the office.")
        assert form.autosave_pending
        form.flush_autosave()
        await app.workers.wait_for_complete()
        [draft] = sqlite_services.drafts.for_actor(ui_officer)
        assert draft.form == "incident" and draft.key == str(incident_id)
        assert draft.title.startswith("Incident SRO-2026-")
    # The report itself is unchanged; opening it again restores the draft's text.
    assert sqlite_services.incidents.get(ui_officer, incident_id).narrative == (
        "Two students pushing in the hallway."
    )
    app = FormHost(
        sqlite_services,
        ui_officer,
        school=vhs,
        first=lambda: IncidentFormScreen(incident_id=incident_id),
    )
    async with app.run_test() as pilot:
        await pilot.pause()
        form = _form(app)
        assert (
            form.narrative.text == "Two students pushing in the hallway. Both sent to the office."
        )
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert sqlite_services.incidents.get(ui_officer, incident_id).narrative.endswith(
        "Both sent to the office."
    )
    assert sqlite_services.drafts.for_actor(ui_officer) == []


# --- a store that cannot be written --------------------------------------------------------------


def _read_only(services: Services, sqlite_url: str) -> Database:
    """Swap the services' store for the same file opened read-only; return the writable one."""
    writable = services.ctx.db
    path = Path(sqlite_url).resolve()

    def connect() -> sqlite3.Connection:
        return sqlite3.connect(f"file:{path}?mode=ro", uri=True, check_same_thread=False)

    services.ctx.db = Database(path, engine_options={"creator": connect})
    return writable


async def test_read_only_store_keeps_the_form_open_with_everything_typed(
    sqlite_services: Services, sqlite_url: str, ui_officer: Actor, vhs: SchoolRead
) -> None:
    sqlite_services.incidents.last_location_code(ui_officer)  # build the service first
    app = FormHost(sqlite_services, ui_officer, school=vhs)
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", *"tre", "enter", "tab", *"Man at the gate.", "tab")
        await pilot.press(*"park", "enter")
        screen = app.screen
        assert isinstance(screen, QuickIncidentScreen)
        writable = _read_only(sqlite_services, sqlite_url)
        try:
            await pilot.press("ctrl+s")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is screen
            message = str(screen.query_one(".form-message").render())
            assert "read-only" in message and "still here" in message
            assert screen.narrative.text == "Man at the gate."
            assert screen.category.value == "TRESPASS"
            # The autosave cannot write either: it says so, and the form stays open.
            screen.flush_autosave()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert "Draft not saved" in str(screen.query_one(".form-message").render())
            # Escape -> keep draft cannot keep it: the form stays, with the text.
            await pilot.press("escape")
            await pilot.pause()
            await pilot.press("k")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert app.screen is screen
            assert "Draft not kept" in str(screen.query_one(".form-message").render())
        finally:
            sqlite_services.ctx.db.dispose()
            sqlite_services.ctx.db = writable
        # The store is back: the same keys save it.
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, Home)
        [created] = app.results
    assert sqlite_services.incidents.get(ui_officer, created.id).narrative == "Man at the gate."


# --- the list ------------------------------------------------------------------------------------


async def test_list_pages_scopes_and_filters(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead, clock: Clock
) -> None:
    other = make_officer(sqlite_services, "1002", "officer", ("VHS",))
    base = datetime(2026, 9, 1, 15, 0, tzinfo=UTC)
    for i in range(PAGE_SIZE + 30):
        _quick(sqlite_services, ui_officer, vhs, occurred_at=base + timedelta(hours=i))
    theirs = _quick(sqlite_services, other, vhs, location_code="GYM")
    sqlite_services.incidents.submit(other, theirs)
    app = ListHost(sqlite_services, ui_officer, school=vhs, first=IncidentListScreen)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        from textual.widgets import DataTable

        table = screen.query_one(DataTable)
        assert table.row_count == PAGE_SIZE  # one page, not everything
        assert app.focused is table
        await pilot.press("end")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == PAGE_SIZE + 30
        assert screen.exhausted

        # Scope: own -> school (adds the other officer's submitted report) -> own again.
        await pilot.press("s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.scope == "school"
        await pilot.press("end")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == PAGE_SIZE + 31
        await pilot.press("s")
        await app.workers.wait_for_complete()
        assert screen.scope == "own"  # "all" is for supervisors only

        # Filter by status: only the submitted one, in the school scope.
        await pilot.press("s")
        await app.workers.wait_for_complete()
        from textual.widgets import Select

        screen.query_one("#filter-status", Select).value = "submitted"
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 1
        # Enter opens it (read-only: another officer's submitted report).
        table.focus()
        await pilot.press("enter")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, IncidentFormScreen)
        assert form.incident_id == theirs and not form.editable


async def test_list_date_filter_and_new_report_key(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    for day in (10, 11, 12):
        _quick(sqlite_services, ui_officer, vhs, occurred_at=datetime(2026, 9, day, 18, tzinfo=UTC))
    app = ListHost(sqlite_services, ui_officer, school=vhs, first=IncidentListScreen)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        from textual.widgets import DataTable, Input

        table = screen.query_one(DataTable)
        assert table.row_count == 3
        screen.query_one("#filter-from", Input).focus()
        await pilot.press(*"2026-09-11", "tab", *"2026-09-11", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 1
        screen.query_one("#filter-to", Input).value = "2026-13-01"
        screen.query_one("#filter-to", Input).focus()
        await pilot.press("enter")
        await pilot.pause()
        assert "like 2026-09-14" in str(screen.query_one("#filter-error").render())
        table.focus()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.incident_id is None


async def test_supervisor_sees_all_and_filters_by_category(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    sergeant = make_officer(sqlite_services, "2001", "supervisor", ("BHS",))
    fight = _quick(sqlite_services, ui_officer, vhs)
    theft = _quick(sqlite_services, ui_officer, vhs, offenses=[OffenseIn(category_code="THEFT")])
    for incident_id in (fight, theft):
        sqlite_services.incidents.submit(ui_officer, incident_id)
    app = ListHost(sqlite_services, sergeant, school=vhs, first=IncidentListScreen)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        from textual.widgets import DataTable

        table = screen.query_one(DataTable)
        assert table.row_count == 0  # the sergeant's own: none
        await pilot.press("s", "s")  # own -> school (BHS: none) -> all
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert screen.scope == "all" and table.row_count == 2
        screen.query_one("#filter-category").query_one("Input").focus()
        await pilot.press(*"theft", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 1
        assert str(table.get_row_at(0)[0]) == sqlite_services.incidents.get(sergeant, theft).number
        await pilot.press("s")  # all -> own
        await app.workers.wait_for_complete()
        assert screen.scope == "own"


@pytest.mark.slow
class StepCounter:
    """Counts the virtual-machine steps SQLite runs on this store's connections from now on."""

    EVERY = 100

    def __init__(self, db: Database) -> None:
        self.ticks = 0
        db.engine.dispose()  # new connections only, so every one gets the counter

        @event.listens_for(db.engine, "connect")
        def _count_on(dbapi_connection: sqlite3.Connection, _record: object) -> None:
            dbapi_connection.set_progress_handler(self._tick, self.EVERY)

    def _tick(self) -> int:
        self.ticks += 1
        return 0  # go on

    @property
    def steps(self) -> int:
        return self.ticks * self.EVERY


async def test_list_reads_one_page_of_a_store_with_many_incidents(
    sqlite_services: Services, ui_officer: Actor, vhs: SchoolRead
) -> None:
    """Built with bulk inserts (test setup only); the list must read one page, not all.

    SQLite's own count of virtual-machine steps measures the work each query did, whatever
    the machine's speed: reading every row would cost steps in proportion to the store.
    """
    total = 20_000
    db = sqlite_services.ctx.db
    with db.write() as session:
        location = session.scalar(select(Location.id).where(Location.code == "HALLWAY"))
        category = session.scalar(select(OffenseCategory.id).where(OffenseCategory.code == "FIGHT"))
        start = datetime(2020, 1, 1, tzinfo=UTC)
        rows = [
            {
                "number": f"BULK-{i:07d}",
                "status": "approved",
                "version": 1,
                "school_id": vhs.id,
                "school_year": "2020-21",
                "officer_id": ui_officer.officer_id,
                "location_id": location,
                "occurred_at": start + timedelta(minutes=30 * i),
                "entered_at": start,
                "updated_at": start,
                "narrative": "",
                "review_comment": "",
            }
            for i in range(total)
        ]
        session.execute(insert(Incident), rows)
        ids = session.scalars(select(Incident.id)).all()
        session.execute(
            insert(IncidentOffense),
            [{"incident_id": i, "category_id": category, "most_severe": True} for i in ids],
        )
    work = StepCounter(db)
    app = ListHost(sqlite_services, ui_officer, school=vhs, first=IncidentListScreen)
    async with app.run_test() as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        from textual.widgets import DataTable

        table = screen.query_one(DataTable)
        assert table.row_count == PAGE_SIZE
        opened = work.steps
        assert opened < total * 5, f"opening the list took {opened} SQLite steps"
        # Paging on from deep in the list stays one page at a time.
        await pilot.press("end")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert table.row_count == 2 * PAGE_SIZE
