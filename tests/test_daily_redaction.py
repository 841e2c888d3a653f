"""The daily shift report is for handing over (WIC 827, issue 11 item 5): what an officer typed
is shown with every juvenile on the roster replaced by [JUVENILE n], in the service, in every
format and from `sro report daily`. SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

from sro_tui.domain.checklist import ItemNote, OneOffItem, SkipItem
from sro_tui.domain.enums import ContactKind, ReferralStatus
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate, ReferralMove
from sro_tui.services.registry import Services
from sro_tui.services.report_render import render_csv, render_json, render_markdown

from .conftest import TEST_PASSWORD, Clock, RunCli
from .test_search import add_student, school_id

TODAY = date(2026, 9, 14)
NAMES = ("Tommy", "Reyes", "Maria", "Lopez", "Xochitl", "Núñez", "Nunez", "NÚÑEZ")


def _day(services: Services, officer: Actor, clock: Clock) -> None:
    maria = add_student(services, officer, "D-1", "Maria", "Lopez")
    add_student(services, officer, "D-2", "Tommy", "Reyes")
    add_student(services, officer, "D-3", "Xochitl", "Núñez")
    school = school_id(services)
    shift = services.checklist.open_shift(officer, school, TODAY)
    first, second = shift.items[0], shift.items[1]
    services.checklist.mark_done(officer, first.id)
    services.checklist.set_note(officer, first.id, ItemNote(note="Tommy Reyes at the gate"))
    services.checklist.skip(officer, second.id, SkipItem(reason="Called about Reyes, Tommy"))
    services.checklist.add_item(officer, shift.id, OneOffItem(label="Follow up with X. Nunez"))
    services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.MENTORING,
            school_id=school,
            occurred_at=clock.now - timedelta(minutes=10),
            minutes=15,
            student_ids=[maria],
            topics="Tommy, NÚÑEZ",
            text="maria said Tommy Reyes and Xochitl were teasing her; lopez family called.",
        ),
    )
    referral = services.referrals.create(
        officer,
        ReferralCreate(
            student_id=maria, program_code="ANGER", reason="Conflict with Tommy", referred_on=TODAY
        ),
    )
    services.referrals.move(
        officer,
        referral.id,
        ReferralMove(
            to_status=ReferralStatus.CONTACTED, on=TODAY, note="Left a message for T. Reyes's dad"
        ),
    )


def test_daily_report_replaces_juveniles_names_in_what_was_typed(
    services: Services, officer: Actor, clock: Clock
) -> None:
    _day(services, officer, clock)
    report = services.reports.daily(officer, day=TODAY)
    details = {e.title: e.detail for e in report.entries}
    notes = [e for e in report.entries if e.kind == "note"]
    assert notes[0].detail == (
        "15 min; 1 student; topics: [JUVENILE 1], [JUVENILE 2]\n"
        "[JUVENILE 3] said [JUVENILE 1] and [JUVENILE 2] were teasing her; "
        "[JUVENILE 3] family called."
    )
    checklist = [e for e in report.entries if e.kind == "checklist"]
    # Numbered as the report reads (the note came first): Tommy is 1 all day.
    assert checklist[0].detail == "[JUVENILE 1] at the gate"
    assert checklist[1].detail == "Skipped: Called about [JUVENILE 1]"
    assert "Follow up with [JUVENILE 2]" in details
    moved = next(e for e in report.entries if e.title.startswith("Referral moved"))
    assert moved.detail == "referred -> contacted; Left a message for [JUVENILE 1]'s dad"
    for text in (
        report.model_dump_json(),
        render_markdown(report),
        render_csv(report),
        render_json(report),
    ):
        for name in NAMES:
            assert name not in text, name


def test_sro_report_daily_prints_no_student_name(
    services: Services, officer: Actor, clock: Clock, db_url: str, run_cli: RunCli
) -> None:
    _day(services, officer, clock)
    result = run_cli(
        "--db", db_url, "report", "daily", "--officer", "1001", "--date", TODAY.isoformat(),
        "--as", "1001", "--password-stdin", stdin=TEST_PASSWORD,
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "\\[JUVENILE 1\\] at the gate" in result.out  # Markdown escapes the brackets
    for name in NAMES:
        assert name not in result.out, name


async def test_the_apps_daily_report_shows_no_student_name(
    services: Services, officer: Actor, clock: Clock
) -> None:
    """Reports (F8), d: the daily report on screen, as printed."""
    from sro_tui.ui.screens.report_view import ReportView
    from sro_tui.ui.screens.reports import ReportsScreen

    from .ui_shell_support import make_app, settle, sign_in

    _day(services, officer, clock)
    app = make_app(services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot, "1001")
        await pilot.press("f8")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReportsScreen)
        shown = screen.query_one("#report-md", ReportView).source
        assert "JUVENILE 1\\] at the gate" in shown
        for name in NAMES:
            assert name not in shown, name
