"""Today: what waits for the officer, each row opening its record."""

from __future__ import annotations

import threading

from textual.widgets import OptionList

from sro_tui.domain.incidents import ReviewDecision
from sro_tui.domain.today import TODAY_ROWS
from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.checklist import ChecklistScreen
from sro_tui.ui.screens.incident_form import IncidentFormScreen
from sro_tui.ui.screens.note_view import NoteViewScreen
from sro_tui.ui.screens.referral_detail import ReferralScreen
from sro_tui.ui.screens.today import Row, TodayScreen, sections_of
from sro_tui.ui.widgets.confirm import LeaveFormScreen

from .conftest import Clock, make_officer
from .test_today import fill_day
from .ui_shell_support import make_app, settle, sign_in


def rows_of(screen: TodayScreen, record: str) -> list[tuple[str, Row]]:
    return [(row_id, row) for row_id, row in screen.rows.items() if row.record == record]


async def go_to(pilot, app: SroApp, row_id: str) -> None:  # type: ignore[no-untyped-def]
    options = app.screen.query_one("#today-list", OptionList)
    options.focus()
    options.highlighted = options.get_option_index(row_id)
    await pilot.press("enter")
    await settle(pilot)


def test_sections_show_the_summary(sqlite_services: Services, clock: Clock) -> None:
    services = sqlite_services
    actor = make_officer(services, "1001")
    boss = make_officer(services, "2001", "supervisor", ("VHS",))
    made = fill_day(services, actor, clock)
    vhs = services.reference.school_by_code("VHS")
    tz = services.ctx.tz
    sections = {s.title: s for s in sections_of(services.today.summary(actor, vhs.id), tz, False)}
    assert "Review queue" not in sections  # an officer has none
    (shift,) = sections["Today's shift"].rows
    assert "not started" in shift.text and shift.record == "checklist"
    assert [r.record_id for r in sections["My open incidents"].rows] == [made.incident.id]
    assert [r.record_id for r in sections["Drafts waiting"].rows] == [made.draft.id]
    (referral,) = sections["Referral follow-ups due"].rows
    assert referral.record_id == made.referral.id and referral.late and "overdue" in referral.text
    assert [r.record_id for r in sections["Mentoring follow-ups due"].rows] == [made.note.id]
    services.incidents.submit(actor, made.incident.id)
    queue = {s.title: s for s in sections_of(services.today.summary(boss, None), tz, True)}
    (line,) = queue["Review queue"].rows
    assert line.text.startswith("1 report") and line.opens
    services.incidents.return_for_changes(boss, made.incident.id, ReviewDecision(comment="when?"))
    again = {s.title: s for s in sections_of(services.today.summary(actor, None), tz, False)}
    (returned,) = again["Needs attention"].rows
    assert returned.text.endswith(": when?") and returned.late


def test_a_long_section_ends_in_how_many_more(sqlite_services: Services, clock: Clock) -> None:
    from sro_tui.domain.drafts import DraftSave

    actor = make_officer(sqlite_services, "1001")
    for number in range(TODAY_ROWS + 2):
        sqlite_services.drafts.save(actor, DraftSave(form="note", key=str(number)))
    summary = sqlite_services.today.summary(actor, None)
    sections = {s.title: s for s in sections_of(summary, sqlite_services.ctx.tz, False)}
    drafts = sections["Drafts waiting"]
    assert drafts.total == TODAY_ROWS + 2 and len(drafts.rows) == TODAY_ROWS + 1
    assert drafts.rows[-1].text == "… 2 more" and not drafts.rows[-1].opens


async def test_today_rows_open_their_records(sqlite_services: Services, clock: Clock) -> None:
    actor = make_officer(sqlite_services, "1001")
    made = fill_day(sqlite_services, actor, clock)
    app = make_app(sqlite_services, clock)
    posted: list[tuple[str, int]] = []
    async with app.run_test(size=(100, 30), message_hook=_watch(posted)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        # The cursor starts on the first row one can open.
        options = screen.query_one("#today-list", OptionList)
        assert options.highlighted is not None
        assert options.get_option_at_index(options.highlighted).id in screen.rows
        # An incident row asks the app for the incident: the incident form opens on it.
        ((row_id, _row),) = rows_of(screen, "incident")
        await go_to(pilot, app, row_id)
        assert ("incident", made.incident.id) in posted
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.incident_id == made.incident.id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        # The referral and the note open their own screens.
        for record, kind in (("referral", ReferralScreen), ("note", NoteViewScreen)):
            ((row_id, _row),) = rows_of(screen, record)
            await go_to(pilot, app, row_id)
            assert isinstance(app.screen, kind), record
            await pilot.press("escape")
            await settle(pilot)
            assert isinstance(app.screen, TodayScreen)
        # The draft row opens the form on that draft.
        ((row_id, _row),) = rows_of(screen, "draft")
        await go_to(pilot, app, row_id)
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.draft_id == made.draft.id
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LeaveFormScreen)  # a draft is unsaved work
        await pilot.press("k")
        await settle(pilot)
        # The shift row opens the checklist (and so starts the shift).
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        ((row_id, _row),) = rows_of(screen, "checklist")
        await go_to(pilot, app, row_id)
        assert isinstance(app.screen, ChecklistScreen)
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        ((_row_id, row),) = rows_of(screen, "checklist")
        assert "1 of 12 settled" in row.text
    assert len(sqlite_services.checklist.shifts_on(actor)) == 1


def _watch(posted: list[tuple[str, int]]):  # type: ignore[no-untyped-def]
    def hook(message: object) -> None:
        if isinstance(message, OpenRecord):
            posted.append((message.kind, message.record_id))

    return hook


def test_a_draft_typed_on_another_terminal_says_where(
    sqlite_services: Services, clock: Clock
) -> None:
    """Drafts are kept per terminal (issue 13): Today names the terminal of one typed elsewhere,
    so the officer knows why opening it here may offer a merge."""
    from sro_tui.domain.drafts import DraftSave

    actor = make_officer(sqlite_services, "1001")
    sqlite_services.drafts.save(actor, DraftSave(form="note", key="1", title="Talk with M."))
    summary = sqlite_services.today.summary(actor, None)
    here = sqlite_services.ctx.terminal
    tz = sqlite_services.ctx.tz

    def draft_line(terminal: str) -> str:
        sections = {s.title: s for s in sections_of(summary, tz, False, terminal)}
        (line,) = sections["Drafts waiting"].rows
        return line.text

    assert draft_line(here).startswith("Talk with M.  (saved ")
    assert f" on {here})" not in draft_line(here)
    assert draft_line("office-2").endswith(f" on {here})")


def _held(app: SroApp) -> bool:
    return bool(app._batch_count)  # Textual's count of paused repaints


async def _to_today_with_summary_gated(
    pilot, app: SroApp, services: Services, monkeypatch, gate: threading.Event
) -> None:  # type: ignore[no-untyped-def]
    summary = services.today.summary

    def gated(*args: object, **kwargs: object) -> object:
        gate.wait(10)
        return summary(*args, **kwargs)  # type: ignore[arg-type]

    await sign_in(pilot, confirm_school=False)
    monkeypatch.setattr(services.today, "summary", gated)
    await pilot.press("enter")  # the school: Today opens, its summary not in yet
    for _ in range(10):
        await pilot.pause()
    assert isinstance(app.screen, TodayScreen)


def _day_waiting(
    services: Services, clock: Clock, monkeypatch, wait: float
) -> tuple[SroApp, threading.Event]:  # type: ignore[no-untyped-def]
    """An officer with a day of work, Today's first showing waiting ``wait`` seconds at most
    for its summary, and the gate that will hold the summary back."""
    actor = make_officer(services, "1001")
    fill_day(services, actor, clock)
    monkeypatch.setattr(TodayScreen, "FIRST_ANSWER_WAIT", wait)
    return make_app(services, clock), threading.Event()


async def test_todays_first_showing_is_drawn_once_its_lines_are_in(
    sqlite_services: Services, clock: Clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    """Not "Loading…" and then the lines: the first frame waits for the day's summary (here
    gated, the wait made longer than the test, so only the answer can end it)."""
    app, gate = _day_waiting(sqlite_services, clock, monkeypatch, wait=600.0)
    async with app.run_test(size=(100, 30)) as pilot:
        await _to_today_with_summary_gated(pilot, app, sqlite_services, monkeypatch, gate)
        assert _held(app) and not app.screen.rows
        gate.set()
        await settle(pilot)
        assert not _held(app)
        assert rows_of(app.screen, "incident")  # drawn with its lines
        await pilot.press("f3")  # and later showings are not held
        await settle(pilot)
        await pilot.press("f2")
        assert not _held(app)


async def test_todays_first_showing_waits_only_briefly(
    sqlite_services: Services, clock: Clock, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    app, gate = _day_waiting(sqlite_services, clock, monkeypatch, wait=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        try:
            await _to_today_with_summary_gated(pilot, app, sqlite_services, monkeypatch, gate)
            await pilot.pause(0.3)
            assert not _held(app)  # drawn with "Loading…" while the store is slow
            assert "Loading" in str(app.screen.query_one("#today-summary").render())
        finally:
            gate.set()
        await settle(pilot)
        assert rows_of(app.screen, "incident")
