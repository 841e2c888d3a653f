"""Open lists follow other terminals' changes without a key press (issue 13 item 9).

The app runs on one Database; a second Database on the same SQLite store plays the other
terminal. A report submitted (or decided) there shows in the supervisor's open review queue
and on Today within a few seconds; the queue's cursor stays on the report it was on and the
focus stays where it was; a filter being typed keeps its text and is not judged.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList

from sro_tui.domain.incidents import IncidentCreate, OffenseIn, ReviewDecision
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.screens.incidents import IncidentListScreen
from sro_tui.ui.screens.review_queue import ReviewQueueScreen
from sro_tui.ui.screens.today import TodayScreen
from sro_tui.ui.widgets.list_filters import ListFilters

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, Clock, make_officer
from .test_ui_review_audit import submitted_reports
from .ui_shell_support import make_app, settle, sign_in, type_text

WAIT_SECONDS = 8.0  # a change shows within about 2 s; a busy machine gets more


@pytest.fixture
def other_terminal(sqlite_services: Services, sqlite_url: str, clock: Clock) -> Iterator[Services]:
    database = Database(sqlite_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="other")
    finally:
        database.dispose()


async def shows(pilot: Pilot[object], done: Callable[[], bool]) -> bool:
    """Wait, pressing no key, until ``done()`` (or give up after WAIT_SECONDS)."""
    for _ in range(int(WAIT_SECONDS / 0.1)):
        if done():
            return True
        await pilot.pause(0.1)
    return done()


async def test_the_open_review_queue_shows_a_report_submitted_elsewhere(
    sqlite_services: Services, other_terminal: Services, clock: Clock
) -> None:
    first, second = submitted_reports(sqlite_services, clock, 2)
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    make_officer(sqlite_services, "2002", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        await pilot.press("v")
        await settle(pilot)
        queue = app.screen
        assert isinstance(queue, ReviewQueueScreen)
        table = queue.query_one(DataTable)
        assert table.row_count == 2
        await pilot.press("down")  # on the second report
        assert queue.highlighted_id() == second
        # Another supervisor approves the first report on their terminal.
        elsewhere = other_terminal.officers.authenticate("2002", TEST_PASSWORD)
        other_terminal.incidents.approve(elsewhere, first, ReviewDecision(comment=""))
        assert await shows(pilot, lambda: table.row_count == 1)
        assert queue.highlighted_id() == second  # the cursor stayed on its report
        # An officer submits a new one there: it shows here, the cursor still on its report.
        officer = other_terminal.officers.authenticate("1001", TEST_PASSWORD)
        new = other_terminal.incidents.create(officer, another_report(other_terminal, clock))
        other_terminal.incidents.submit(officer, new.id)
        assert await shows(pilot, lambda: table.row_count == 2)
        assert queue.highlighted_id() == second
        assert app.screen is queue and app.focused is table


async def test_today_shows_a_report_waiting_that_was_submitted_elsewhere(
    sqlite_services: Services, other_terminal: Services, clock: Clock
) -> None:
    submitted_reports(sqlite_services, clock, 1)
    make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "2001")
        await settle(pilot)
        today = app.screen
        assert isinstance(today, TodayScreen)
        assert any("1 report(s) waiting" in row.text for row in today.rows.values())
        focused = app.focused
        assert isinstance(focused, OptionList)
        officer = other_terminal.officers.authenticate("1001", TEST_PASSWORD)
        new = other_terminal.incidents.create(officer, another_report(other_terminal, clock))
        other_terminal.incidents.submit(officer, new.id)
        assert await shows(
            pilot, lambda: any("2 report(s) waiting" in r.text for r in today.rows.values())
        )
        assert app.screen is today and app.focused is focused


def another_report(services: Services, clock: Clock) -> IncidentCreate:
    return IncidentCreate(
        school_id=services.reference.school_by_code("VHS").id,
        occurred_at=clock.now - timedelta(minutes=30),
        location_code="PARKING",
        offenses=[OffenseIn(category_code="TRESPASS")],
        narrative="Another adult in the lot without a pass.",
    )


async def test_a_live_refresh_leaves_a_half_typed_filter_alone(
    sqlite_services: Services, other_terminal: Services, clock: Clock
) -> None:
    make_officer(sqlite_services, "1001")
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, IncidentListScreen)
        table = screen.paged_table()
        assert table.row_count == 0
        day = screen.query_one("#filter-from", Input)
        day.focus()
        await type_text(pilot, "2026-1")  # a day half typed (not one yet)
        officer = other_terminal.officers.authenticate("1001", TEST_PASSWORD)
        other_terminal.incidents.create(officer, another_report(other_terminal, clock))
        assert await shows(pilot, lambda: table.row_count == 1)
        # The field keeps its text and the focus, and no error was named under it.
        assert app.focused is day and day.value == "2026-1"
        assert not screen.query_one(ListFilters).has_error


async def test_today_follows_another_terminal_on_either_store(
    services: Services, db_url: str, clock: Clock
) -> None:
    """The same on PostgreSQL (LISTEN/NOTIFY) as on SQLite (data_version)."""
    submitted_reports(services, clock, 1)
    make_officer(services, "2001", "supervisor", ("VHS",))
    database = Database(db_url)
    other = build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="other")
    try:
        app = make_app(services, clock)
        async with app.run_test(size=(100, 30)) as pilot:
            await sign_in(pilot, "2001")
            await settle(pilot)
            today = app.screen
            assert isinstance(today, TodayScreen)
            officer = other.officers.authenticate("1001", TEST_PASSWORD)
            new = other.incidents.create(officer, another_report(other, clock))
            other.incidents.submit(officer, new.id)
            assert await shows(
                pilot, lambda: any("2 report(s) waiting" in r.text for r in today.rows.values())
            )
    finally:
        database.dispose()


async def test_reads_kept_aside_under_a_lock_reach_the_chain_without_a_key(
    sqlite_services: Services, sqlite_url: str, clock: Clock, tmp_path: Path
) -> None:
    """The list opens while another terminal holds the write lock; its read event waits in
    the pending-read file and the app's once-a-second check appends it after the lock."""
    make_officer(sqlite_services, "1001")
    sqlite_services.audit.pending_folder = tmp_path / "audit-pending"
    app = make_app(sqlite_services, clock)
    holder = sqlite3.connect(sqlite_url, isolation_level=None)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot, "1001")
        before = len(sqlite_services.audit.recent(limit=500))
        holder.execute("BEGIN IMMEDIATE")  # another terminal's long save
        try:
            await pilot.press("f4")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, IncidentListScreen)
            assert screen.exhausted and screen.failed is None  # the list came, under the lock
            assert len(sqlite_services.audit.recent(limit=500)) == before
        finally:
            holder.execute("COMMIT")
        assert await shows(
            pilot, lambda: len(sqlite_services.audit.recent(limit=500)) == before + 1
        )
    holder.close()
    assert sqlite_services.audit.recent(limit=1)[0].action == "incident.list"
    assert sqlite_services.audit.check_chain().ok
