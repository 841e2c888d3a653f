"""The referral (F6) and student (F7) lists on PagedList: more rows than a page on every
backend, Enter opens the record through the app's OpenRecord handler; a referral opens its
student, incident and note the same way; the keys that need a row are dimmed on an empty list."""

from __future__ import annotations

from datetime import UTC, date, datetime

from textual.widgets import DataTable, Input

from sro_tui.domain.enums import PersonRole
from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.note_view import NoteViewScreen
from sro_tui.ui.screens.referral_detail import ReferralScreen
from sro_tui.ui.screens.referrals import ReferralListScreen
from sro_tui.ui.screens.student_timeline import StudentTimelineScreen
from sro_tui.ui.screens.students import StudentListScreen

from .conftest import Clock, make_officer
from .ui_list_support import ListHost, row_keys, settle


def _students(services: Services, actor: Actor, count: int) -> list[int]:
    vhs = services.reference.school_by_code("VHS").id
    return [
        services.students.create(
            actor,
            StudentCreate(
                district_id=f"S-{n:03d}", first_name="Ana", last_name=f"Ruiz{n:03d}", school_id=vhs
            ),
        ).id
        for n in range(count)
    ]


async def test_referral_list_pages_and_enter_opens_the_referral(
    services: Services, officer: Actor
) -> None:
    [student] = _students(services, officer, 1)
    total = ReferralListScreen.PAGE_SIZE + 5
    made = [
        services.referrals.create(
            officer,
            ReferralCreate(
                student_id=student,
                program_code="ANGER",
                reason=f"Fights at lunch {n}",
                referred_on=date(2026, 9, 1),
                next_follow_up_on=date(2026, 10, 1 + n % 20),
            ),
        ).id
        for n in range(total)
    ]
    app = ListHost(services, officer, ReferralListScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReferralListScreen)
        table = screen.query_one(DataTable)
        assert table.row_count == ReferralListScreen.PAGE_SIZE
        await pilot.press("end")
        await settle(pilot)
        assert sorted(row_keys(table)) == sorted(made) and screen.exhausted
        await pilot.press("home", "down", "enter")
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ReferralScreen)
        assert detail.referral_id == row_keys(table)[1]
        assert [(m.kind, m.record_id) for m in app.opened] == [("referral", detail.referral_id)]
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is screen and table.cursor_row == 1  # back on the same referral


async def test_referral_opens_its_student_incident_and_note(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    [student] = _students(sqlite_services, officer, 1)
    vhs = sqlite_services.reference.school_by_code("VHS").id
    incident = sqlite_services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=datetime(2026, 9, 14, 15, tzinfo=UTC),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[PersonIn(role=PersonRole.SUSPECT, student_id=student)],
            narrative="Pushing in the hallway.",
        ),
    )
    note = sqlite_services.notes.create(
        officer, NoteCreate(student_ids=[student], occurred_at=clock.now)
    )
    referral = sqlite_services.referrals.create(
        officer,
        ReferralCreate(
            student_id=student,
            program_code="ANGER",
            reason="Fights at lunch",
            referred_on=date(2026, 9, 14),
            incident_id=incident.id,
            note_id=note.id,
        ),
    )
    bare = sqlite_services.referrals.create(
        officer,
        ReferralCreate(
            student_id=student,
            program_code="ANGER",
            reason="Again",
            referred_on=date(2026, 9, 14),
        ),
    )
    app = ListHost(sqlite_services, officer, lambda: ReferralScreen(referral.id))
    async with app.run_test() as pilot:
        await settle(pilot)
        detail = app.screen
        assert isinstance(detail, ReferralScreen)
        for key, screen_type in (
            ("s", StudentTimelineScreen),
            ("i", IncidentFormScreen),
            ("m", NoteViewScreen),
        ):
            await pilot.press(key)
            await settle(pilot)
            assert isinstance(app.screen, screen_type), key
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is detail
        assert [(m.kind, m.record_id) for m in app.opened] == [
            ("student", student),
            ("incident", incident.id),
            ("note", note.id),
        ]
    # A referral that names no incident or note: those keys are not offered.
    app = ListHost(sqlite_services, officer, lambda: ReferralScreen(bare.id))
    async with app.run_test() as pilot:
        await settle(pilot)
        shown = {k for k, b in app.screen.active_bindings.items() if b.enabled}
        assert "s" in shown and not shown & {"i", "m"}
        await pilot.press("i", "m")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen) and app.opened == []


async def test_empty_referral_list_dims_the_keys_that_need_a_row(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    app = ListHost(sqlite_services, officer, ReferralListScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        bindings = app.screen.active_bindings
        assert not any(bindings[k].enabled for k in ("a", "x", "c"))
        assert bindings["n"].enabled and bindings["o"].enabled


async def test_student_list_pages_and_enter_opens_the_timeline(
    services: Services, officer: Actor
) -> None:
    page = StudentListScreen.PAGE_SIZE
    made = _students(services, officer, page + 7)
    app = ListHost(services, officer, StudentListScreen)
    async with app.run_test() as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StudentListScreen)
        table = screen.query_one(DataTable)
        assert row_keys(table) == made[:page]  # by name: Ruiz000, Ruiz001, …
        assert table.get_row_at(0)[3].plain == "Ventura High School"  # its school, from the worker
        assert app.focused is screen.query_one("#student-search", Input)
        keys = {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}
        assert not keys & {"a", "e", "i"}  # typed into the search box, so not offered
        await pilot.press("down")  # from the search box to the list
        assert app.focused is table
        keys = {k for k, b in screen.active_bindings.items() if b.enabled and b.binding.show}
        assert {"a", "e", "i"} <= keys
        await pilot.press("end")
        await settle(pilot)
        assert row_keys(table) == made and screen.exhausted
        assert table.cursor_row == page - 1  # End went to the last row loaded then
        await pilot.press("end", "enter")
        await settle(pilot)
        timeline = app.screen
        assert isinstance(timeline, StudentTimelineScreen)
        assert [(m.kind, m.record_id) for m in app.opened] == [("student", made[-1])]
