"""Issue 12 leftovers (task i): no unauthenticated local path on a shared store; a real
department's first store holds no sample school; Today's review count and correction drafts.

* Without ``--as`` a command that reads or changes records runs as the local administration
  only on a SQLite store file owned by the OS user running it (audited with that OS user and
  the terminal); on PostgreSQL it is refused (exit 2).
* ``sro init`` adds no school unless ``--sample-schools``; the app on a store with no school
  tells an officer so and lets an administrator add one (F12 from the school pick).
* Today's "waiting for your review" counts the corrections the review queue lists; a
  correction's draft opened from Today opens the correction form.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

import pytest
from textual.widgets import OptionList, Static

from sro_tui.cli.common import NO_LOCAL_ADMINISTRATOR, local_owner_problem
from sro_tui.domain.drafts import DraftSave
from sro_tui.domain.enums import SchoolLevel
from sro_tui.domain.incidents import ReviewDecision
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store.db import Database
from sro_tui.ui.incident_draft import draft_of_record
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.admin import AdminScreen
from sro_tui.ui.screens.admin_forms import SchoolAdminForm
from sro_tui.ui.screens.incident_correction import IncidentCorrectionScreen
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.school_pick import (
    NO_SCHOOL_ADMIN,
    NO_SCHOOL_OFFICER,
    SchoolPickScreen,
)

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, Clock, RunCli, make_officer
from .stores import copy_sqlite_store
from .test_ui_review_audit import submitted_reports
from .ui_shell_support import make_app, settle, sign_in, type_text

# --- 1. no unauthenticated local path on a shared store ---------------------------------------

# Every command that ran unsigned as "local administration" (each reads or changes records).
UNSIGNED = (
    ("officer", "list"),
    ("school", "list"),
    ("settings", "show"),
    ("reference", "list", "category"),
    ("students", "search", "garcia"),
    ("search", "vape"),
    ("report", "monthly", "--month", "2026-10"),
    ("retention", "--dry-run"),
    ("audit", "export"),
)


@pytest.fixture
def sqlite_store(sqlite_template: Path, tmp_path: Path) -> str:
    return str(copy_sqlite_store(sqlite_template, tmp_path / "store.db"))


def test_the_rule_decides_by_backend_and_file_owner(sqlite_store: str) -> None:
    # The OS user who owns the file: the local administration may act on it.
    assert local_owner_problem(sqlite_store) is None
    if hasattr(os, "getuid"):
        assert local_owner_problem(sqlite_store, uid=os.getuid()) is None
        # Another OS user's file (a file cannot be given away without root: the rule is
        # asked as that other user).
        problem = local_owner_problem(sqlite_store, uid=os.getuid() + 1)
        assert problem is not None and NO_LOCAL_ADMINISTRATOR in problem
        assert "belongs to another OS user" in problem
    # A database server is shared whoever runs the command: refused before connecting.
    problem = local_owner_problem("postgresql://nobody@127.0.0.1:1/none")
    assert problem is not None and NO_LOCAL_ADMINISTRATOR in problem
    assert NO_LOCAL_ADMINISTRATOR == (
        "sign in with --as BADGE (a shared store has no local administrator)"
    )


def test_unsigned_on_own_sqlite_file_runs_audited_with_os_user(
    run_cli: RunCli, sqlite_store: str
) -> None:
    for argv in UNSIGNED:
        result = run_cli("--db", sqlite_store, *argv)
        assert result.code in (0, 1), (argv, result.err)  # 1: nothing found (search)
        assert "no local administrator" not in result.err
    connection = sqlite3.connect(sqlite_store)
    try:
        rows = connection.execute(
            "SELECT badge, terminal FROM audit_events WHERE action = 'report.run'"
        ).fetchall()
    finally:
        connection.close()
    assert rows, "the report run is audited"
    badge, terminal = rows[-1]
    assert badge == "SYSTEM"
    assert "OS user" in terminal


def test_unsigned_commands_refused_on_postgresql(run_cli: RunCli, db_url: str) -> None:
    if "://" not in db_url:
        pytest.skip("PostgreSQL only (a SQLite file of this OS user is its own)")
    database = Database(db_url)
    try:
        services = build_services(database, audit_key=TEST_AUDIT_KEY, terminal="pytest")
        make_officer(services, "3001", "admin", ())
    finally:
        database.dispose()
    for argv in UNSIGNED:
        result = run_cli("--db", db_url, *argv)
        assert result.code == 2, (argv, result.out, result.err)
        assert NO_LOCAL_ADMINISTRATOR in result.err, argv
    # Signed in, the same reads work.
    result = run_cli(
        "--db", db_url, "officer", "list", "--as", "3001", "--password-stdin", stdin=TEST_PASSWORD
    )
    assert result.code == 0, result.err
    assert "3001" in result.out
    result = run_cli(
        "--db",
        db_url,
        "report",
        "monthly",
        "--month",
        "2026-10",
        "--as",
        "3001",
        "--password-stdin",
        stdin=TEST_PASSWORD,
    )
    assert result.code == 0, result.err
    # What checks the store itself stays as it was.
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 0, result.out + result.err


# --- 2. a real department's first store -------------------------------------------------------


def _schools(url: str) -> list[str]:
    database = Database(url)
    try:
        services = build_services(database, audit_key=TEST_AUDIT_KEY, terminal="pytest")
        return [s.code for s in services.reference.schools(include_inactive=True)]
    finally:
        database.dispose()


def test_init_adds_no_school_unless_asked(run_cli: RunCli, empty_db_url: str) -> None:
    result = run_cli("--db", empty_db_url, "init")
    assert result.code == 0, result.err
    assert "No schools yet" in result.out
    assert _schools(empty_db_url) == []
    result = run_cli("--db", empty_db_url, "init", "--sample-schools")
    assert result.code == 0, result.err
    assert "4 schools" in result.out
    assert sorted(_schools(empty_db_url)) == ["BHS", "FTHS", "PHS", "VHS"]


def test_a_store_made_on_first_use_has_no_school(tmp_path: Path) -> None:
    """What `sro` (the app) and every command do to a store they open: no sample school."""
    database = Database(str(tmp_path / "first.db"))
    try:
        prepare_store(database)
    finally:
        database.dispose()
    assert _schools(str(tmp_path / "first.db")) == []


def _store_without_schools(tmp_path: Path, clock: Clock) -> tuple[Database, Services]:
    database = Database(str(tmp_path / "new.db"))
    prepare_store(database)
    services = build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest")
    return database, services


async def test_an_officer_is_told_no_school_exists_yet(tmp_path: Path, clock: Clock) -> None:
    database, services = _store_without_schools(tmp_path, clock)
    try:
        services.officers.create(
            SYSTEM_ACTOR, OfficerCreate(badge="1001", name="Officer One"), TEST_PASSWORD
        )
        app = make_app(services, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "1001", confirm_school=False)
            pick = app.screen
            assert isinstance(pick, SchoolPickScreen)
            shown = str(pick.query_one("#school-error", Static).render())
            assert shown == NO_SCHOOL_OFFICER
            await pilot.press("f12")  # not for an officer: nothing opens
            await settle(pilot)
            assert app.screen is pick
    finally:
        database.dispose()


async def test_the_first_administrator_adds_a_school_from_the_pick(
    tmp_path: Path, clock: Clock
) -> None:
    database, services = _store_without_schools(tmp_path, clock)
    try:
        services.officers.create(
            SYSTEM_ACTOR,
            OfficerCreate(badge="3001", name="Admin One", role="admin"),
            TEST_PASSWORD,
        )
        app = make_app(services, clock)
        async with app.run_test(size=(80, 24)) as pilot:
            await sign_in(pilot, "3001", confirm_school=False)
            pick = app.screen
            assert isinstance(pick, SchoolPickScreen)
            assert str(pick.query_one("#school-error", Static).render()) == NO_SCHOOL_ADMIN
            await pilot.press("f12")
            await settle(pilot)
            admin_screen = app.screen
            assert isinstance(admin_screen, AdminScreen)
            assert admin_screen.section.name == "schools"
            # a: the school form, as in test_ui_admin; then Esc back to the pick, which
            # lists the new school; Enter starts the day there.
            await pilot.press("a")
            await settle(pilot)
            form = app.screen
            assert isinstance(form, SchoolAdminForm)
            await type_text(pilot, "cms")
            await pilot.press("tab")
            await type_text(pilot, "Cabrillo Middle School")
            form.level.value = SchoolLevel.MIDDLE.value
            await pilot.press("ctrl+s")
            await settle(pilot)
            assert app.screen is admin_screen
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is pick
            assert pick.query_one("#schools", OptionList).option_count == 1
            await pilot.press("enter")
            await settle(pilot)
            assert app.signed_in and app.school is not None and app.school.code == "CMS"
    finally:
        database.dispose()


# --- 3. Today's review count; a correction's draft --------------------------------------------


def test_review_waiting_counts_the_corrections_the_queue_lists(
    services: Services, clock: Clock
) -> None:
    first, _submitted, second = submitted_reports(services, clock, 3)
    approver = make_officer(services, "2002", "supervisor", ("VHS",))
    officer = services.officers.authenticate("1001", TEST_PASSWORD)
    for report in (first, second):
        services.incidents.approve(approver, report, ReviewDecision())
        content = services.corrections.content(officer, report)
        content.narrative = "Corrected: the adult had a visitor pass after all."
        services.corrections.propose(officer, report, content)
    supervisor = make_officer(services, "2001", "supervisor", ("VHS", "BHS", "PHS", "FTHS"))
    queued = len(services.incidents.review_queue(supervisor).items) + len(
        services.corrections.pending_queue(supervisor)
    )
    summary = services.today.summary(supervisor, services.reference.school_by_code("VHS").id)
    assert summary.review_waiting == queued == 3  # one submitted report, two corrections


async def test_a_correction_draft_opens_in_the_correction_form(
    sqlite_services: Services, clock: Clock
) -> None:
    services = sqlite_services
    (report,) = submitted_reports(services, clock, 1)
    approver = make_officer(services, "2002", "supervisor", ("VHS",))
    services.incidents.approve(approver, report, ReviewDecision())
    officer = services.officers.authenticate("1001", TEST_PASSWORD)
    record = services.incidents.get(officer, report)
    draft = draft_of_record(record, services.ctx.tz)
    draft.narrative = "Corrected: the adult was a parent, kept as a draft."
    kept = services.drafts.save(
        officer,
        DraftSave(
            form="incident",
            key=f"{report}-correction",
            title=f"Correction of {record.number}",
            payload=draft.payload(),
        ),
    )
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot, "1001")
        app.post_message(OpenRecord("draft", kept.id))  # what Enter on Today's draft row sends
        await settle(pilot)
        form = app.screen
        assert isinstance(form, IncidentCorrectionScreen)
        assert "Correction of" in form._title_text()
        assert form.narrative.text.startswith("Corrected: the adult was a parent")
        # The report's own draft still opens the report's own form.
        assert type(form) is not IncidentFormScreen
