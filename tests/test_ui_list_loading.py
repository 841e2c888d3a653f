"""Every list, the note view and the referral screen open and take keys while the store's
answers wait, and never read the store on the UI thread (the form tests' gated store)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

import pytest
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static

from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.screens.incidents import IncidentListScreen
from sro_tui.ui.screens.mentoring import MentoringScreen
from sro_tui.ui.screens.note_view import NoteViewScreen
from sro_tui.ui.screens.referral_detail import ReferralScreen
from sro_tui.ui.screens.referrals import ReferralListScreen
from sro_tui.ui.screens.students import StudentListScreen
from sro_tui.ui.widgets.paged import PagedList

from .conftest import Clock, make_officer
from .test_ui_form_loading import SlowStore
from .ui_list_support import ListHost, settle
from .ui_shell_support import send_keys

LISTS: list[tuple[Callable[[], Screen[Any]], str | None]] = [
    (IncidentListScreen, "#filter-from"),
    (MentoringScreen, "#filter-to"),
    (ReferralListScreen, None),  # no field: its keys act on rows
    (StudentListScreen, "#student-search"),
]


def _one_of_each(services: Services, officer: Actor, clock: Clock) -> dict[str, int]:
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        officer,
        StudentCreate(district_id="S-1", first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id
    incident = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=datetime(2026, 9, 14, 15, tzinfo=UTC),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
            narrative="Pushing in the hallway.",
        ),
    ).id
    note = services.notes.create(officer, NoteCreate(student_ids=[student], occurred_at=clock.now))
    referral = services.referrals.create(
        officer,
        ReferralCreate(
            student_id=student,
            program_code="ANGER",
            reason="Fights at lunch",
            referred_on=date(2026, 9, 14),
        ),
    ).id
    return {"student": student, "incident": incident, "note": note.id, "referral": referral}


@pytest.mark.parametrize(("screen_type", "field"), LISTS, ids=lambda v: getattr(v, "__name__", v))
async def test_list_opens_and_takes_keys_while_the_store_waits(
    sqlite_services: Services,
    clock: Clock,
    monkeypatch: pytest.MonkeyPatch,
    screen_type: Callable[[], Screen[Any]],
    field: str | None,
) -> None:
    officer = make_officer(sqlite_services, "1001")
    _one_of_each(sqlite_services, officer, clock)
    store = SlowStore(sqlite_services, monkeypatch)
    app = ListHost(sqlite_services, officer, screen_type)
    try:
        async with app.run_test() as pilot:
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, PagedList) and screen.page_loading  # drawn, its page pending
            if field is not None:
                box = screen.query_one(field, Input)
                box.focus()
                await pilot.pause()
                send_keys(pilot, ["r", "u"])  # at once, as a typist does
                await pilot.pause()
                assert box.value == "ru"
            assert screen.page_loading, "the store answered before the test let it"
            store.gate.set()
            await settle(pilot)
            assert not screen.page_loading
            assert screen.query_one(DataTable).row_count == 1
            assert store.on_ui_thread == []
            store.watching = False
    finally:
        store.gate.set()


@pytest.mark.parametrize("kind", ["note", "referral"])
async def test_a_record_screen_reads_in_a_worker(
    sqlite_services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    officer = make_officer(sqlite_services, "1001")
    ids = _one_of_each(sqlite_services, officer, clock)
    store = SlowStore(sqlite_services, monkeypatch)
    if kind == "note":
        app = ListHost(sqlite_services, officer, lambda: NoteViewScreen(ids["note"]))
        text_id = "#note-title"
    else:
        app = ListHost(sqlite_services, officer, lambda: ReferralScreen(ids["referral"]))
        text_id = "#referral-text"
    try:
        async with app.run_test() as pilot:
            await pilot.pause()
            assert str(app.screen.query_one(text_id, Static).render()) == "Loading…"
            store.gate.set()
            await settle(pilot)
            assert "Loading" not in str(app.screen.query_one(text_id, Static).render())
            assert store.on_ui_thread == []
            store.watching = False
    finally:
        store.gate.set()
