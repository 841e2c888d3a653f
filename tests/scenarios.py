"""The screens worth a picture, as scenarios: one list shared by the README's screenshots
(``scripts/screenshots.py``) and the snapshot tests (``tests/test_snapshots.py``), so the two
cannot drift apart.

A scenario is a name (the picture's file name), the badge to sign in as, how far the sign-in
goes before its steps (``typed``: badge and password typed, not sent; ``school``: at the school
pick; ``done``: signed in, on Today), the steps (an async function of Textual's Pilot that drives
the app to the screen; nothing is saved inside, except what a picture needs first through the
services: a corrected report for the version history) and the screen it must end on. ``run`` does it
all and leaves the screen still: workers finished, autosaves written, cursors steady,
notifications gone.

Every scenario starts a fresh app over its own copy of one demo store: ``services.demo`` at
scale 1 (its random generator is seeded), a fixed clock (a Monday morning in September), a fixed
audit key and terminal name, password ``demo`` for every demo login. Seed once with
``build_demo_template``, then ``open_demo_store`` for each run.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from textual.pilot import Pilot
from textual.widgets import DataTable, Input, TextArea

from sro_tui.config import Settings
from sro_tui.domain.enums import IncidentStatus
from sro_tui.domain.incidents import ReviewDecision
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.demo import DEMO_PASSWORD
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.app import SroApp, create_app
from sro_tui.ui.forms.base import FormLogic
from sro_tui.ui.messages import OpenRecord

from .stores import build_sqlite_template, copy_sqlite_store
from .ui_shell_support import settle, type_text

FIXED_NOW = datetime(2026, 9, 14, 17, 5, tzinfo=UTC)  # 10:05 in Ventura, a Monday
AUDIT_KEY = b"sro-tui scenarios: fixed key 32b"  # the audit chain's digests stay the same
TERMINAL = "screenshots"  # the terminal name the audit trail records
OFFICER = "1001"  # Ventura High: today's shift partly done, a returned report, follow-ups
SUPERVISOR = "2001"
OTHER_SUPERVISOR = "2002"
ADMIN = "3001"
SEARCH_WORDS = "vaping"  # a word the demo narratives and notes use
TIMELINE_STUDENT = "romero nora"  # a demo student with an incident and a referral
WATCH_NAME = "kessler"  # a demo adult warned twice: in force and REPEATED
CALL_TEXTS = ("Front office (Ms. Alvarez)", "Two students arguing by the gym", "gym")
SKIP_REASON = "fire drill"
VOID_REASON = "Duplicate of the report filed by the first officer on scene"
CORRECTION = " Corrected: the call came at 10:40, not 10:04."
TEMPLATE_ITEM = "Gang resistance class, room 12"
TEMPLATE_DAYS = "tue,thu"

Step = Callable[[Pilot[Any]], Awaitable[None]]
SignIn = Literal["typed", "school", "done"]


def fixed_clock() -> datetime:
    return FIXED_NOW


# --- the store ---------------------------------------------------------------------------------


def demo_services(db: Database) -> Services:
    """Services over ``db`` with the scenarios' clock, audit key and terminal name."""
    return build_services(db, audit_key=AUDIT_KEY, clock=fixed_clock, terminal=TERMINAL)


def seed_demo(db: Database) -> None:
    """The demo department at scale 1, as on the fixed day (for ``build_sqlite_template``)."""
    services = demo_services(db)
    services.demo.seed(SYSTEM_ACTOR, scale=1)
    services.audit.close()


def build_demo_template(path: Path) -> Path:
    """A migrated demo store at ``path``, seeded once and ready to copy for every run."""
    return build_sqlite_template(path, seed_demo)


def open_demo_store(template: Path, target: Path) -> Services:
    """Services over a fresh copy of the demo template at ``target`` (close them after).

    Today's automatic backup is made here, before the app starts: the app then finds it and
    makes none after the sign-in, where its audit event would race the screen's own.
    """
    copy_sqlite_store(template, target)
    services = demo_services(Database(str(target)))
    services.backup.auto_backup()
    return services


def make_app(services: Services) -> SroApp:
    """The real app over ``services``, on the fixed clock."""
    settings = Settings(database_url="demo", idle_lock_minutes=30)
    return create_app(settings, services=services, clock=fixed_clock)


# --- driving the app ---------------------------------------------------------------------------


class ScenarioError(AssertionError):
    """A scenario did not reach its screen (the app changed under it)."""


async def press(pilot: Pilot[Any], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(pilot)


async def still(pilot: Pilot[Any]) -> None:
    """A picture that depends on nothing but the screen: pending autosaves written now (not
    when their timer happens to fire), cursors steady (not the blink phase), no toasts (they
    expire by the wall clock)."""
    app = pilot.app
    await settle(pilot)
    for screen in app.screen_stack:
        if isinstance(screen, FormLogic):
            screen.flush_autosave()
    await settle(pilot)
    for screen in app.screen_stack:
        for field in screen.query(Input):
            field.cursor_blink = False
        for area in screen.query(TextArea):
            area.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


def top_screen(pilot: Pilot[Any]) -> str:
    return type(pilot.app.screen).__name__


def expect(pilot: Pilot[Any], screen: str) -> None:
    if top_screen(pilot) != screen:
        raise ScenarioError(f"expected {screen}, found {top_screen(pilot)}")


async def focus_table(pilot: Pilot[Any]) -> None:
    """Put the keyboard on the screen's list, on its first row."""
    tables = pilot.app.screen.query(DataTable)
    if not tables:
        raise ScenarioError(f"{top_screen(pilot)} shows no list")
    tables.first().focus()
    await pilot.pause()


async def sign_in(pilot: Pilot[Any], badge: str, until: SignIn = "done") -> None:
    """Badge, Enter, password; then (unless ``typed``) Enter, and the first school picked."""
    await settle(pilot)
    expect(pilot, "LoginScreen")
    await type_text(pilot, badge)
    await pilot.press("enter")
    await type_text(pilot, DEMO_PASSWORD)
    if until == "typed":
        return
    await press(pilot, "enter")
    if until == "done" and top_screen(pilot) == "SchoolPickScreen":
        await press(pilot, "enter")


@dataclass(frozen=True)
class Scenario:
    name: str
    """The picture's name: ``screenshots/<name>.svg``, ``test_scenario[<name>]``."""
    badge: str
    steps: Step
    screen: str
    """The screen class the steps end on (checked, so a changed app fails loudly)."""
    sign_in: SignIn = "done"
    main: bool = False
    """One of the main screens: the screenshot script saves it at 80x24 too."""

    async def run(self, pilot: Pilot[Any]) -> None:
        """From the sign-in screen to this scenario's screen, held still for a picture."""
        await sign_in(pilot, self.badge, self.sign_in)
        await self.steps(pilot)
        await settle(pilot)
        expect(pilot, self.screen)
        await still(pilot)


# --- the steps ---------------------------------------------------------------------------------


async def nothing(pilot: Pilot[Any]) -> None:
    """Stay where the sign-in left off."""


async def checklist(pilot: Pilot[Any]) -> None:
    await press(pilot, "f3")  # the cursor starts on the first open item


async def quick_incident(pilot: Pilot[Any]) -> None:
    await checklist(pilot)
    await press(pilot, "ctrl+n")  # place and time filled in from the item


async def skip_reason(pilot: Pilot[Any]) -> None:
    await checklist(pilot)
    await press(pilot, "s")
    await type_text(pilot, SKIP_REASON)


async def keep_typed(pilot: Pilot[Any]) -> None:
    """Escape from a quick incident with something typed: keep it as a draft?"""
    await press(pilot, "ctrl+n")
    await type_text(pilot, "tre")
    await press(pilot, "enter")  # Trespass; on to Students
    await press(pilot, "tab")  # no students; on to Narrative
    await type_text(pilot, "Adult on campus without a visitor pass")
    await still(pilot)  # its autosave written first, so the form behind is steady
    await press(pilot, "escape")


async def incidents(pilot: Pilot[Any]) -> None:
    await press(pilot, "f4")


async def incidents_light(pilot: Pilot[Any]) -> None:
    await press(pilot, "f10")
    await incidents(pilot)


async def incident_form(pilot: Pilot[Any]) -> None:
    await incidents(pilot)
    await focus_table(pilot)
    await press(pilot, "enter")


async def mentoring(pilot: Pilot[Any]) -> None:
    await press(pilot, "f5")


async def note_form(pilot: Pilot[Any]) -> None:
    await mentoring(pilot)
    await press(pilot, "n")


async def referrals(pilot: Pilot[Any]) -> None:
    await press(pilot, "f6")


async def referral(pilot: Pilot[Any]) -> None:
    await referrals(pilot)
    await focus_table(pilot)
    await press(pilot, "enter")


async def referral_form(pilot: Pilot[Any]) -> None:
    await referrals(pilot)
    await press(pilot, "n")


async def students(pilot: Pilot[Any]) -> None:
    await press(pilot, "f7")


async def timeline(pilot: Pilot[Any]) -> None:
    """A student with records (the first in the list may have none yet)."""
    await students(pilot)
    if not isinstance(pilot.app.focused, Input):
        await press(pilot, "slash")  # the search box
    await type_text(pilot, TIMELINE_STUDENT)
    await settle(pilot)
    await press(pilot, "enter")  # to the list
    await press(pilot, "enter")


async def reports(pilot: Pilot[Any]) -> None:
    await press(pilot, "f8")  # the monthly activity report first


async def reports_ytd(pilot: Pilot[Any]) -> None:
    await reports(pilot)
    await press(pilot, "y")


async def search(pilot: Pilot[Any]) -> None:
    await press(pilot, "ctrl+f")
    await type_text(pilot, SEARCH_WORDS)
    await press(pilot, "enter")  # searches now (no waiting out the debounce)


async def campus(pilot: Pilot[Any]) -> None:
    """Campus security's watch check with a name typed."""
    await press(pilot, "ctrl+g")
    await type_text(pilot, WATCH_NAME)
    await settle(pilot)


async def threat_cases(pilot: Pilot[Any]) -> None:
    """The threat assessment cases the officer's team holds: Campus security, then ctrl+t."""
    await press(pilot, "ctrl+g")
    await press(pilot, "ctrl+t")
    await settle(pilot)


async def call_form(pilot: Pilot[Any]) -> None:
    """A call for service being logged (ctrl+y): who called, what, where typed."""
    await press(pilot, "ctrl+y")
    caller, what, where = CALL_TEXTS
    await type_text(pilot, caller)
    await press(pilot, "tab")
    await type_text(pilot, what)
    await press(pilot, "tab")
    await type_text(pilot, where)


async def help_screen(pilot: Pilot[Any]) -> None:
    await press(pilot, "f1")


async def lock(pilot: Pilot[Any]) -> None:
    await press(pilot, "ctrl+l")


async def review_queue(pilot: Pilot[Any]) -> None:
    await press(pilot, "v")  # on Today


async def audit(pilot: Pilot[Any]) -> None:
    await press(pilot, "ctrl+p")
    await type_text(pilot, "Audit trail")
    await settle(pilot)
    await press(pilot, "enter")


async def admin(pilot: Pilot[Any]) -> None:
    await press(pilot, "f12")


async def admin_settings(pilot: Pilot[Any]) -> None:
    await press(pilot, "f12", "3")


async def admin_officer(pilot: Pilot[Any]) -> None:
    await press(pilot, "f12", "2")
    table = pilot.app.screen.query_one(DataTable)
    table.move_cursor(row=table.get_row_index(OFFICER))
    await press(pilot, "e")


async def change_password(pilot: Pilot[Any]) -> None:
    await press(pilot, "f11")
    await type_text(pilot, DEMO_PASSWORD)


def approved_incident(pilot: Pilot[Any]) -> int:
    """The newest approved report (the supervisor sees all)."""
    app = pilot.app
    assert isinstance(app, SroApp) and app.actor is not None
    page = app.services.incidents.page(
        app.actor, scope="all", status=IncidentStatus.APPROVED, limit=1
    )
    if not page.items:
        raise ScenarioError("the demo store has no approved report")
    return page.items[0].id


async def incident_void(pilot: Pilot[Any]) -> None:
    """A supervisor voids a report: v asks why."""
    pilot.app.post_message(OpenRecord("incident", approved_incident(pilot)))
    await settle(pilot)
    await press(pilot, "v")
    await type_text(pilot, VOID_REASON)


async def incident_history(pilot: Pilot[Any]) -> None:
    """A report corrected once (through the services: another supervisor proposes the
    correction, as with c, and this one approves it, as with p): h shows the version before."""
    app = pilot.app
    assert isinstance(app, SroApp) and app.actor is not None
    incident_id = approved_incident(pilot)
    corrections = app.services.corrections
    other = app.services.officers.authenticate(OTHER_SUPERVISOR, DEMO_PASSWORD)
    content = corrections.content(other, incident_id)
    corrected = content.model_copy(update={"narrative": content.narrative + CORRECTION})
    corrections.propose(other, incident_id, corrected)
    corrections.approve(app.actor, incident_id, ReviewDecision(comment="Time of call fixed"))
    app.post_message(OpenRecord("incident", incident_id))
    await settle(pilot)
    await press(pilot, "h")


async def admin_checklist(pilot: Pilot[Any]) -> None:
    await press(pilot, "f12", "7")


async def admin_template(pilot: Pilot[Any]) -> None:
    """A checklist item for Tuesdays and Thursdays at one school."""
    await admin_checklist(pilot)
    await press(pilot, "a")
    await type_text(pilot, TEMPLATE_ITEM)
    form = pilot.app.screen
    days = form.query_one("#admin-template-days", Input)
    days.focus()
    await type_text(pilot, TEMPLATE_DAYS)


SCENARIOS: tuple[Scenario, ...] = (
    Scenario("login", OFFICER, nothing, "LoginScreen", sign_in="typed", main=True),
    Scenario("school", OFFICER, nothing, "SchoolPickScreen", sign_in="school", main=True),
    Scenario("today", OFFICER, nothing, "TodayScreen", main=True),
    Scenario("checklist", OFFICER, checklist, "ChecklistScreen", main=True),
    Scenario("quick-incident", OFFICER, quick_incident, "QuickIncidentScreen", main=True),
    Scenario("skip-reason", OFFICER, skip_reason, "RetryPrompt"),
    Scenario("keep-typed", OFFICER, keep_typed, "LeaveFormScreen"),
    Scenario("incidents", OFFICER, incidents, "IncidentListScreen", main=True),
    Scenario("incidents-light", OFFICER, incidents_light, "IncidentListScreen"),
    Scenario("incident-form", OFFICER, incident_form, "IncidentFormScreen", main=True),
    Scenario("mentoring", OFFICER, mentoring, "MentoringScreen", main=True),
    Scenario("note-form", OFFICER, note_form, "NoteFormScreen"),
    Scenario("referrals", OFFICER, referrals, "ReferralListScreen", main=True),
    Scenario("referral", OFFICER, referral, "ReferralScreen"),
    Scenario("referral-form", OFFICER, referral_form, "ReferralFormScreen"),
    Scenario("students", OFFICER, students, "StudentListScreen", main=True),
    Scenario("timeline", OFFICER, timeline, "StudentTimelineScreen"),
    Scenario("reports", OFFICER, reports, "ReportsScreen", main=True),
    Scenario("reports-ytd", OFFICER, reports_ytd, "ReportsScreen"),
    Scenario("search", OFFICER, search, "SearchScreen"),
    Scenario("campus", OFFICER, campus, "CampusScreen", main=True),
    Scenario("call-form", OFFICER, call_form, "CallFormScreen"),
    Scenario("threat-cases", OFFICER, threat_cases, "ThreatCasesScreen"),
    Scenario("help", OFFICER, help_screen, "HelpScreen", main=True),
    Scenario("lock", OFFICER, lock, "LockScreen", main=True),
    Scenario("review-queue", SUPERVISOR, review_queue, "ReviewQueueScreen"),
    Scenario("audit", SUPERVISOR, audit, "AuditScreen"),
    Scenario("admin", ADMIN, admin, "AdminScreen"),
    Scenario("admin-settings", ADMIN, admin_settings, "AdminScreen"),
    Scenario("admin-officer", ADMIN, admin_officer, "OfficerAdminForm"),
    Scenario("admin-checklist", ADMIN, admin_checklist, "AdminScreen"),
    Scenario("admin-template", ADMIN, admin_template, "TemplateAdminForm"),
    Scenario("change-password", OFFICER, change_password, "ChangePasswordScreen"),
    Scenario("incident-void", SUPERVISOR, incident_void, "WriteScreen"),
    Scenario("incident-history", SUPERVISOR, incident_history, "IncidentFormScreen"),
)

BY_NAME = {scenario.name: scenario for scenario in SCENARIOS}
