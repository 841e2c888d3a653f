"""Referrals (F6): refer a student with keys, move the referral along with one key and a
dated note, refused moves explained; each checked in the store."""

from __future__ import annotations

from datetime import timedelta

from textual.widgets import DataTable, Select, Static

from sro_tui.domain.enums import ConsentStatus, ReferralStatus
from sro_tui.domain.referrals import ReferralCreate
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services
from sro_tui.ui.forms.referral_form import ReferralFormScreen
from sro_tui.ui.messages import OpenRecord
from sro_tui.ui.screens.referral_detail import ReferralScreen
from sro_tui.ui.screens.referrals import ReferralListScreen

from .conftest import Clock, make_officer
from .ui_shell_support import make_app, settle, sign_in, type_text


def add_student(services: Services, actor, district_id: str = "S-100"):
    vhs = services.reference.school_by_code("VHS").id
    return services.students.create(
        actor,
        StudentCreate(
            district_id=district_id, first_name="Maria", last_name="Garcia", school_id=vhs
        ),
    )


async def test_refer_to_pal_with_consent_then_enrol(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    student = add_student(sqlite_services, officer)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        assert isinstance(app.screen, ReferralListScreen)
        await pilot.press("n")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralFormScreen)
        await type_text(pilot, "garcia")
        await settle(pilot)
        await pilot.press("enter")  # take Maria from the suggestions
        await settle(pilot)
        assert form.student.value == student.id
        form.program.value = "PAL"
        form.reason.focus()
        await type_text(pilot, "Wants something to do after school")
        form.consent.value = "yes"
        form.consent_on.value = "today"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, ReferralListScreen)
        page = sqlite_services.referrals.page(officer)
        assert len(page.items) == 1
        referral = page.items[0]
        assert (referral.program_code, referral.consent) == ("PAL", ConsentStatus.YES)
        today = clock.now.astimezone(sqlite_services.ctx.tz).date()
        assert referral.next_follow_up_on == today + timedelta(days=14)
        assert app.screen.query_one(DataTable).row_count == 1
        # a: contacted, with a note; a again: enrolled (consent is there).
        await pilot.press("a")
        await settle(pilot)
        await type_text(pilot, "Called mother")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("a", "enter")
        await settle(pilot)
        moved = sqlite_services.referrals.get(officer, referral.id)
        assert moved.status is ReferralStatus.ENROLLED
        assert [e.to_status for e in moved.events] == [
            ReferralStatus.REFERRED,
            ReferralStatus.CONTACTED,
            ReferralStatus.ENROLLED,
        ]
        assert moved.events[1].note == "Called mother"
        assert moved.events[1].on == today
        # Enter opens the referral with its history.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ReferralScreen)
        text = str(app.screen.query_one("#referral-text", Static).content)
        assert "Police Activities League" in text and "Called mother" in text


async def test_enrolment_without_consent_is_refused_with_the_reason(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    student = add_student(sqlite_services, officer)
    today = clock.now.astimezone(sqlite_services.ctx.tz).date()
    referral = sqlite_services.referrals.create(
        officer,
        ReferralCreate(
            student_id=student.id, program_code="PAL", reason="Idle after school", referred_on=today
        ),
    )
    app = make_app(
        sqlite_services,
        clock,
    )
    async with app.run_test(notifications=True) as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        await pilot.press("a", "enter")  # contacted
        await settle(pilot)
        await pilot.press("a", "enter")  # enrolled: refused, no consent
        await settle(pilot)
        assert (
            sqlite_services.referrals.get(officer, referral.id).status is ReferralStatus.CONTACTED
        )
        messages = [n.message for n in app._notifications]
        assert any("consent" in m for m in messages)
        # x: another status from the allowed ones; declined ends it.
        await pilot.press("x")
        await settle(pilot)
        options = app.screen.query_one("OptionList")
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        assert ids == ["closed", "declined", "enrolled", "no-show"]
        options.highlighted = ids.index("declined")
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Family moved")
        await pilot.press("enter")
        await settle(pilot)
        final = sqlite_services.referrals.get(officer, referral.id)
        assert final.status is ReferralStatus.DECLINED
        assert final.next_follow_up_on is None


async def test_form_errors_name_the_field_and_keep_the_text(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    add_student(sqlite_services, officer)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        app.open_new_referral({})
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralFormScreen)
        form.reason.focus()
        await type_text(pilot, "Fighting twice this month")
        form.follow_up.value = "next week"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form
        assert "Student is required" in form.query_one("#referral-student").error  # type: ignore[attr-defined]
        assert "date" in form.query_one("#field-next_follow_up_on").error  # type: ignore[attr-defined]
        assert "Program is required" in form.query_one("#field-program_code").error  # type: ignore[attr-defined]
        assert form.reason.text == "Fighting twice this month"
        assert form.program.value is Select.NULL
    assert sqlite_services.referrals.page(officer).items == []


async def test_refer_from_a_student_timeline_prefills_the_student(
    sqlite_services: Services, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    student = add_student(sqlite_services, officer)
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f7")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("enter")  # Maria's timeline
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralFormScreen)
        assert form.student.value == student.id


async def test_refer_from_an_incident_with_one_key(sqlite_services: Services, clock: Clock) -> None:
    from sro_tui.domain.incidents import IncidentCreate, OffenseIn, PersonIn

    officer = make_officer(sqlite_services, "1001")
    student = add_student(sqlite_services, officer)
    vhs = sqlite_services.reference.school_by_code("VHS").id
    incident = sqlite_services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=clock.now - timedelta(hours=1),
            location_code="GYM",
            offenses=[OffenseIn(category_code="FIGHT")],
            people=[PersonIn(role="suspect", student_id=student.id)],
            narrative="Fight in the gym.",
        ),
    )
    app = make_app(sqlite_services, clock)
    async with app.run_test(size=(100, 30)) as pilot:
        await sign_in(pilot)
        app.post_message(OpenRecord("incident", incident.id))
        await settle(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        form = app.screen
        assert isinstance(form, ReferralFormScreen)
        assert form.student.value == student.id
        assert form.incident.value == incident.number
        form.program.value = "ANGER"
        form.reason.focus()
        await type_text(pilot, "Second fight this term")
        await pilot.press("ctrl+s")
        await settle(pilot)
    referral = sqlite_services.referrals.page(officer).items[0]
    assert (referral.student_id, referral.incident_id) == (student.id, incident.id)


async def test_t_shows_one_status_at_a_time(sqlite_services: Services, clock: Clock) -> None:
    officer = make_officer(sqlite_services, "1001")
    today = clock.now.astimezone(sqlite_services.ctx.tz).date()
    ids = []
    for n in range(3):
        student = add_student(sqlite_services, officer, f"S-{n}")
        ids.append(
            sqlite_services.referrals.create(
                officer,
                ReferralCreate(
                    student_id=student.id, program_code="SOCIAL", reason="Needs", referred_on=today
                ),
            ).id
        )
    sqlite_services.referrals.advance(officer, ids[1])  # contacted
    app = make_app(sqlite_services, clock)
    async with app.run_test() as pilot:
        await sign_in(pilot)
        await pilot.press("f6")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        assert table.row_count == 3
        await pilot.press("t")  # referred only
        await settle(pilot)
        assert table.row_count == 2
        assert "referred only" in str(app.screen.query_one("#referral-title", Static).content)
        await pilot.press("t")  # contacted only
        await settle(pilot)
        assert [table.get_row_at(i)[1] for i in range(table.row_count)] == ["contacted"]
