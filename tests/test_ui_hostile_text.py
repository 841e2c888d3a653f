"""Record text on screen is always literal (issue 10).

Hostile text goes into every kind of record the services take: a student's names, an
officer's name, a checklist skip reason, note and one-off item, an incident's narrative and
the name of a person in it, a reviewer's comment, a mentoring note's topics and text, a
referral's reason and a status note, a failed sign-in's badge. What the domain refuses now (ESC
and other controls everywhere; bidi overrides in names) is written straight to the store, as an
older version or another program might have left it. Then the real app is driven through every
screen that shows those records, as an officer and as a supervisor.

On every screen: the app is still running on the screen expected (Textual read ``[/]`` as
markup and crashed before), the text shows as typed (``[x]``, ``[sic]``, ``[n/a]`` no longer
vanish, ``[bold red]`` no longer restyles), and no ESC, BEL or U+202E reaches what is drawn:
they show as ``\\x1b``, ``\\x07`` and ``⟨U+202E⟩``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import update
from textual.app import App
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, OptionList, Static

from sro_tui.domain.checklist import ItemNote, OneOffItem, SkipItem
from sro_tui.domain.enums import AuditOutcome, ContactKind, PersonRole
from sro_tui.domain.errors import AuthenticationFailed
from sro_tui.domain.incidents import (
    IncidentCreate,
    OffenseIn,
    PersonIn,
    ReviewDecision,
)
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.store.models import ChecklistItem, Incident, Officer, Student
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.audit import AuditScreen
from sro_tui.ui.screens.checklist import ChecklistScreen
from sro_tui.ui.screens.help import HelpScreen
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.incidents import IncidentListScreen
from sro_tui.ui.screens.lock import LockScreen
from sro_tui.ui.screens.mentoring import MentoringScreen
from sro_tui.ui.screens.note_view import NoteViewScreen
from sro_tui.ui.screens.referral_detail import ReferralScreen
from sro_tui.ui.screens.referrals import ReferralListScreen
from sro_tui.ui.screens.report_view import ReportView
from sro_tui.ui.screens.reports import ReportsScreen
from sro_tui.ui.screens.review_queue import ReviewQueueScreen
from sro_tui.ui.screens.search import SearchScreen
from sro_tui.ui.screens.student_timeline import StudentTimelineScreen
from sro_tui.ui.screens.students import StudentListScreen
from sro_tui.ui.screens.today import TodayScreen

from .conftest import TEST_PASSWORD, Clock
from .ui_shell_support import make_app, settle, sign_in, type_text

MARKUP = "[x] [sic] [n/a] [/] [bold red]red[/] [@click=app.quit]x[/] [link=file:///etc/passwd]x[/]"
TERMINAL = "\x1b]0;x\x07"  # sets the terminal's title and rings its bell
RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: what follows reads backwards
LINE = f"{MARKUP} {RLO}kcab"  # one line the domain still takes (no controls)
TEXT = f"{MARKUP}\nthen {RLO}kcab\tand more"  # many lines, as a narrative or a note
FIRST = "[x] [sic]"  # names: no bidi override any more, brackets are fine
LAST = "[/] [n/a] [bold red]red[/] [@click=app.quit]x[/]"
OFFICER = "Ofc [x] [sic] [/] [bold red]red[/] [@click=app.quit]x[/]"
# Written straight to the store (the domain refuses it now): an older version's rows.
LEGACY_LAST = f"[sic]{RLO}{TERMINAL} [/]"
LEGACY_OFFICER = f"Ofc [x] [sic]{RLO}{TERMINAL} [/]"
LEGACY_NARRATIVE = f"{TEXT}\nlegacy {TERMINAL}{RLO}"
LEGACY_BADGE = "[/]\x1b]0;x"

SHOWN_TERMINAL = "\\x1b]0;x\\x07"
SHOWN_RLO = "⟨U+202E⟩"
HIDDEN = ("\x1b", "\x07", RLO)


# --- the records ---------------------------------------------------------------------------------


def plant(services: Services, clock: Clock) -> dict[str, Any]:
    """Hostile text in every kind of record; the ids of what the screens open."""
    vhs = services.reference.school_by_code("VHS").id
    services.officers.create(
        SYSTEM_ACTOR,
        OfficerCreate(badge="1001", name=OFFICER, role="officer", school_ids=[vhs]),
        TEST_PASSWORD,
    )
    services.officers.create(
        SYSTEM_ACTOR,
        OfficerCreate(badge="2001", name=f"Sgt {MARKUP}", role="supervisor", school_ids=[vhs]),
        TEST_PASSWORD,
    )
    officer = services.officers.authenticate("1001", TEST_PASSWORD)
    supervisor = services.officers.authenticate("2001", TEST_PASSWORD)
    today = services.ctx.today()

    student = services.students.create(
        officer, StudentCreate(district_id="S-1", first_name=FIRST, last_name=LAST, school_id=vhs)
    )
    legacy = services.students.create(
        officer, StudentCreate(district_id="S-2", first_name=FIRST, last_name="Legacy")
    )

    shift = services.checklist.open_shift(officer, vhs, today)
    first, second = shift.items[0], shift.items[1]
    services.checklist.skip(officer, first.id, SkipItem(reason=LINE))
    services.checklist.set_note(officer, second.id, ItemNote(note=TEXT))
    services.checklist.add_item(officer, shift.id, OneOffItem(label=LINE))

    submitted = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(hours=2),
            location_code="PARKING",
            offenses=[OffenseIn(category_code="TRESPASS")],
            people=[
                PersonIn(role=PersonRole.SUSPECT, student_id=student.id),
                PersonIn(role=PersonRole.WITNESS, name=f"{FIRST} {LAST}", juvenile=False),
            ],
            narrative=TEXT,
        ),
    )
    services.incidents.submit(officer, submitted.id)
    returned = services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="TRESPASS")],
            people=[PersonIn(role=PersonRole.WITNESS, name=f"{FIRST} {LAST}", juvenile=False)],
            narrative=TEXT,
        ),
    )
    services.incidents.submit(officer, returned.id)
    services.incidents.return_for_changes(supervisor, returned.id, ReviewDecision(comment=TEXT))

    note = services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.MENTORING,
            school_id=vhs,
            occurred_at=clock.now - timedelta(minutes=30),
            minutes=15,
            student_ids=[student.id, legacy.id],
            topics=LINE,
            text=TEXT,
            follow_up_on=today,
        ),
    )
    referral = services.referrals.create(
        officer,
        ReferralCreate(
            student_id=student.id,
            program_code="PAL",
            reason=TEXT,
            referred_on=today,
            next_follow_up_on=today,
        ),
    )
    services.referrals.advance(officer, referral.id, note=LINE, on=today)
    services.referrals.create(  # still due today: on Today's follow-ups
        officer,
        ReferralCreate(
            student_id=student.id,
            program_code="ANGER",
            reason=TEXT,
            referred_on=today,
            next_follow_up_on=today,
        ),
    )

    # A failed sign-in with markup for a badge (recorded as a malformed badge now), and one an
    # older version recorded with what was typed.
    with pytest.raises(AuthenticationFailed):
        services.officers.authenticate("[/]1001", "not the password")
    services.audit.record_alone(
        None, "login", outcome=AuditOutcome.FAILURE, badge=LEGACY_BADGE, detail="unknown badge"
    )

    with services.db.write() as session:
        session.execute(
            update(Student).where(Student.id == legacy.id).values(last_name=LEGACY_LAST)
        )
        session.execute(update(Officer).where(Officer.badge == "1001").values(name=LEGACY_OFFICER))
        session.execute(
            update(Incident).where(Incident.id == submitted.id).values(narrative=LEGACY_NARRATIVE)
        )
        session.execute(
            update(ChecklistItem)
            .where(ChecklistItem.id == first.id)
            .values(skip_reason=f"{LINE} {TERMINAL}")
        )
    return {
        "student": student.id,
        "legacy": legacy.id,
        "submitted": submitted.id,
        "returned": returned.id,
        "note": note.id,
        "referral": referral.id,
    }


# --- what is on screen ---------------------------------------------------------------------------


def drawn(app: App[Any]) -> str:
    """What the screen draws now, line by line (the terminal gets these characters)."""
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


def table_text(screen: Screen[Any]) -> str:
    """Every cell of the screen's table (the whole value, also what its column cuts off)."""
    table = screen.query_one(DataTable)
    return "\n".join(
        " | ".join(str(cell) for cell in table.get_row_at(row)) for row in range(table.row_count)
    )


def options_text(screen: Screen[Any], selector: str) -> str:
    options = screen.query_one(selector, OptionList)
    return "\n".join(
        str(options.get_option_at_index(i).prompt) for i in range(options.option_count)
    )


async def on_screen(pilot: Pilot[Any], expected: type[Screen[Any]], *literal: str) -> str:
    """The app still runs on ``expected``; each ``literal`` is drawn as typed; nothing hidden is
    drawn raw. Returns what is drawn."""
    await settle(pilot)
    app = pilot.app
    assert app.is_running and app.return_code is None, "the app crashed or quit"
    assert isinstance(app.screen, expected), f"on {type(app.screen).__name__}"
    text = drawn(app)
    for piece in literal:
        assert piece in text, f"{piece!r} not drawn on {expected.__name__}:\n{text}"
    for raw in HIDDEN:
        assert raw not in text, f"{raw!r} drawn raw on {expected.__name__}"
    return text


# --- the officer's screens -----------------------------------------------------------------------


async def test_an_officers_screens_show_record_text_literally(
    sqlite_services: Services, clock: Clock
) -> None:
    ids = plant(sqlite_services, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        await sign_in(pilot, "1001")

        # Today: the header's officer name, the returned report's comment, the follow-ups.
        text = await on_screen(pilot, TodayScreen, "Ofc [x] [sic]", SHOWN_RLO, SHOWN_TERMINAL)
        shown = options_text(app.screen, "#today-list")
        assert "[x] [sic] [n/a] [/] [bold red]red[/]" in shown  # the reviewer's comment
        assert f"{LAST}, {FIRST} — " in shown  # the referral due today
        assert "[x] [sic] [n/a] [/] [bold red]red[/]" in text

        # The duty checklist: a skip reason, a note, a one-off item.
        await pilot.press("f3")
        await on_screen(pilot, ChecklistScreen, "skipped: [x] [sic]", "[x] [sic] [n/a]")
        cells = table_text(app.screen)
        assert f"skipped: {MARKUP} {SHOWN_RLO}kcab {SHOWN_TERMINAL}" in cells
        assert f"{MARKUP} {SHOWN_RLO}kcab (one-off)" in cells
        assert MARKUP in cells  # the note's first line

        # Incidents: the officer's name in the list; the submitted report, read-only.
        await pilot.press("f4")
        await on_screen(pilot, IncidentListScreen, "Ofc [x] [sic]")
        assert f"Ofc [x] [sic]{SHOWN_RLO}{SHOWN_TERMINAL} [/]" in table_text(app.screen)
        app.post_message(OpenRecord("incident", ids["submitted"]))
        await on_screen(
            pilot,
            IncidentFormScreen,
            f"{FIRST} {LAST}",  # the person named in the report
            "[x] [sic] [n/a] [/] [bold red]red[/] [@click=app.quit]x[/]",
            f"legacy {SHOWN_TERMINAL}{SHOWN_RLO}",
        )
        await pilot.press("escape")
        await settle(pilot)

        # The returned report opens in the full form, the reviewer's comment above it.
        await pilot.press("f2")
        await settle(pilot)
        app.post_message(OpenRecord("incident", ids["returned"]))
        await on_screen(pilot, IncidentFormScreen, f"Returned by Sgt {MARKUP}")
        await pilot.press("escape")
        await settle(pilot)

        # Mentoring: the students' names in the list, then the note itself.
        await pilot.press("f5")
        await on_screen(pilot, MentoringScreen, "[/] [n/a]")
        assert f"{LAST}, {FIRST}; [sic]{SHOWN_RLO}{SHOWN_TERMINAL} [/], {FIRST}" in table_text(
            app.screen
        )
        await pilot.press("enter")
        await on_screen(
            pilot,
            NoteViewScreen,
            f"Topics:    {MARKUP} {SHOWN_RLO}kcab",
            f"[sic]{SHOWN_RLO}{SHOWN_TERMINAL} [/], {FIRST} (S-2)",
            f"then {SHOWN_RLO}kcab",
        )
        await pilot.press("escape")
        await settle(pilot)

        # Referrals: the student in the list, then the referral with its reason and history.
        await pilot.press("f6")
        await on_screen(pilot, ReferralListScreen, "[/] [n/a]")
        assert f"{LAST}, {FIRST}" in table_text(app.screen)
        app.post_message(
            OpenRecord("referral", ids["referral"])
        )  # the one moved on, with a note in its history
        await on_screen(
            pilot,
            ReferralScreen,
            f"Student:        {LAST}, {FIRST}",
            f"  {MARKUP}",
            f"      {MARKUP} {SHOWN_RLO}kcab",
        )
        await pilot.press("escape")
        await settle(pilot)

        # Students: both in the list; a timeline.
        await pilot.press("f7")
        await on_screen(pilot, StudentListScreen, "[/] [n/a]", f"[sic]{SHOWN_RLO}")
        assert f"[sic]{SHOWN_RLO}{SHOWN_TERMINAL} [/], {FIRST}" in table_text(app.screen)
        app.push_screen(StudentTimelineScreen(ids["student"]))
        await on_screen(pilot, StudentTimelineScreen, f"{LAST}, {FIRST} · S-1", "Ofc [x] [sic]")
        await pilot.press("escape")
        await settle(pilot)

        # Search: a word of the narratives and notes.
        await pilot.press("ctrl+f")
        await settle(pilot)
        await type_text(pilot, "sic")
        await pilot.press("enter")
        await on_screen(pilot, SearchScreen, "[sic]", SHOWN_RLO)
        await pilot.press("escape")
        await settle(pilot)

        # Reports: the officer's day (checklist reasons, reports, notes) as Markdown.
        await pilot.press("f8")
        await on_screen(pilot, ReportsScreen)
        await pilot.press("d")
        text = await on_screen(pilot, ReportsScreen, "[x] [sic] [n/a] [/]", SHOWN_RLO)
        assert "[@click=app.quit]x[/]" in text
        markdown = app.screen.query_one("#report-md", ReportView)
        assert markdown.source  # the report arrived

        # Help.
        await pilot.press("f1")
        await on_screen(pilot, HelpScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running


# --- the supervisor's screens --------------------------------------------------------------------


async def test_a_supervisors_screens_show_record_text_literally(
    sqlite_services: Services, clock: Clock
) -> None:
    ids = plant(sqlite_services, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(200, 60)) as pilot:
        await sign_in(pilot, "2001")
        await on_screen(pilot, TodayScreen, "Sgt [x] [sic]")

        # The review queue: the officer's name and the report's category.
        await pilot.press("v")
        await on_screen(pilot, ReviewQueueScreen, "Ofc [x] [sic]")
        assert f"Ofc [x] [sic]{SHOWN_RLO}{SHOWN_TERMINAL} [/]" in table_text(app.screen)
        await pilot.press("enter")
        await on_screen(pilot, IncidentFormScreen, f"{FIRST} {LAST}")
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.incident_id == ids["submitted"]
        await pilot.press("escape")
        await settle(pilot)

        # The audit trail: a badge typed at the sign-in screen, as an older version kept it.
        app.action_audit()
        await on_screen(pilot, AuditScreen, "[/]\\x1b")  # cut to the column's 7 cells
        badges = {
            str(row[1])
            for row in (
                app.screen.query_one(DataTable).get_row_at(i)
                for i in range(app.screen.query_one(DataTable).row_count)
            )
        }
        assert "[/]\\x1b]0;x" in badges
        assert not any("[/]1001" in badge for badge in badges)  # malformed: not recorded
        await pilot.press("escape")
        await settle(pilot)
        assert app.is_running


async def test_an_officer_named_with_brackets_locks_and_unlocks(
    sqlite_services: Services, clock: Clock
) -> None:
    """The lock screen names the officer: literally, whatever the name holds."""
    vhs = sqlite_services.reference.school_by_code("VHS")
    sqlite_services.officers.create(
        SYSTEM_ACTOR,
        OfficerCreate(badge="1001", name="Ana [/] [bold red]Ruiz", school_ids=[vhs.id]),
        TEST_PASSWORD,
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LockScreen)
        who = app.screen.query_one("#lock-who", Static)
        assert "Locked by Ana [/] [bold red]Ruiz" in str(who.render())
