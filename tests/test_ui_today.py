"""Today: what waits for the officer, each row opening its record."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import OptionList

from sro_tui.domain.drafts import DraftSave
from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.app import SroApp
from sro_tui.ui.screens.checklist import ChecklistScreen
from sro_tui.ui.screens.today import Row, TodayScreen, load_today
from sro_tui.ui.widgets.confirm import LeaveFormScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in


def fill_day(services: Services, actor: Actor, clock: Clock) -> dict[str, object]:
    """An incident, a draft, a referral follow-up overdue, a mentoring follow-up today."""
    vhs = services.reference.school_by_code("VHS")
    incident = services.incidents.create(
        actor,
        IncidentCreate(
            school_id=vhs.id,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="PARKING",
            offenses=[OffenseIn(category_code=services.reference.categories()[0].code)],
            narrative="Adult in the lot without a visitor pass.",
        ),
    )
    draft = services.drafts.save(
        actor, DraftSave(form="incident", title="Incident: fight by the gym", payload={"a": 1})
    )
    student = services.students.create(
        actor,
        StudentCreate(district_id="S-1001", first_name="Ana", last_name="Ruiz", school_id=vhs.id),
    )
    today = clock.now.astimezone(services.ctx.tz).date()
    referral = services.referrals.create(
        actor,
        ReferralCreate(
            student_id=student.id,
            program_code=services.reference.programs()[0].code,
            reason="Anger after a fight",
            referred_on=today - timedelta(days=14),
            next_follow_up_on=today - timedelta(days=1),
        ),
    )
    note = services.notes.create(
        actor,
        NoteCreate(
            school_id=vhs.id,
            occurred_at=clock.now - timedelta(days=7),
            student_ids=[student.id],
            topics="grades",
            follow_up_on=today,
        ),
    )
    return {"incident": incident, "draft": draft, "referral": referral, "note": note}


def rows_of(screen: TodayScreen, kind: str) -> list[tuple[str, Row]]:
    return [(row_id, row) for row_id, row in screen.rows.items() if row.kind == kind]


async def go_to(pilot, app: SroApp, row_id: str) -> None:  # type: ignore[no-untyped-def]
    options = app.screen.query_one("#today-list", OptionList)
    options.focus()
    options.highlighted = options.get_option_index(row_id)
    await pilot.press("enter")
    await settle(pilot)


def test_load_today_reads_every_part(services: Services, clock: Clock) -> None:
    """On every backend (the Today screen's reading, without the screen)."""
    sqlite_services = services
    actor = make_officer(sqlite_services, "1001")
    made = fill_day(sqlite_services, actor, clock)
    vhs = sqlite_services.reference.school_by_code("VHS")
    sections = {
        s.title: s for s in load_today(sqlite_services, actor, vhs, sqlite_services.ctx.today())
    }
    assert all(not s.problem for s in sections.values()), {
        k: s.problem for k, s in sections.items()
    }
    assert [r.ref for r in sections["My open incidents"].rows] == [made["incident"].id]
    assert [r.ref.id for r in sections["Drafts waiting"].rows] == [made["draft"].id]
    referral_rows = sections["Referral follow-ups due"].rows
    assert [r.ref for r in referral_rows] == [made["referral"].id]
    assert referral_rows[0].late and "overdue" in referral_rows[0].text
    assert [r.ref for r in sections["Mentoring follow-ups due"].rows] == [made["note"].id]
    assert "Review queue" not in sections  # an officer has none
    shift = sections["Today's shift"].rows
    assert len(shift) == 1 and "not started" in shift[0].text


def test_supervisor_sees_the_review_queue(services: Services, clock: Clock) -> None:
    sqlite_services = services
    actor = make_officer(sqlite_services, "1001")
    boss = make_officer(sqlite_services, "2001", "supervisor", ("VHS",))
    made = fill_day(sqlite_services, actor, clock)
    sqlite_services.incidents.submit(actor, made["incident"].id)  # type: ignore[attr-defined]
    sections = {
        s.title: s for s in load_today(sqlite_services, boss, None, sqlite_services.ctx.today())
    }
    queue = sections["Review queue"].rows
    assert len(queue) == 1 and queue[0].text.startswith("1 report")


async def test_today_rows_open_their_records(sqlite_services: Services, clock: Clock) -> None:
    actor = make_officer(sqlite_services, "1001")
    made = fill_day(sqlite_services, actor, clock)
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        screen = app.screen
        assert isinstance(screen, TodayScreen)
        # The cursor starts on the first row one can open.
        options = screen.query_one("#today-list", OptionList)
        assert options.highlighted is not None
        assert options.get_option_at_index(options.highlighted).id in screen.rows
        # An incident row opens the incident form on that incident.
        ((row_id, _row),) = rows_of(screen, "incident")
        await go_to(pilot, app, row_id)
        from sro_tui.ui.screens.incident_form import IncidentFormScreen

        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.incident_id == made["incident"].id  # type: ignore[attr-defined]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, TodayScreen)
        # The draft row opens the form on that draft.
        ((row_id, _row),) = rows_of(screen, "draft")
        await go_to(pilot, app, row_id)
        assert isinstance(app.screen, IncidentFormScreen)
        assert app.screen.draft_id == made["draft"].id  # type: ignore[attr-defined]
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
