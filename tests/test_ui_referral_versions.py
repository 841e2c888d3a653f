"""A referral changed on another terminal (issue 13 item 3), on real stores (SQLite and, with
SRO_TEST_DATABASE_URL, PostgreSQL): two Database objects on one store are two terminals. The
referral screen makes each change against the version it shows; one refused as saved elsewhere
reloads the referral, asks again with the typed note kept and says why under it, and the
officer's second Enter moves the referral on from what the other terminal saved."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
from textual.widgets import Input, OptionList, Static

from sro_tui.domain.enums import ConsentStatus, ReferralStatus
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ConsentUpdate, ReferralCreate, ReferralRead
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.ui.screens.referral_actions import CHANGED_ELSEWHERE
from sro_tui.ui.screens.referral_detail import ReferralScreen
from sro_tui.ui.screens.referrals import ReferralListScreen
from sro_tui.ui.widgets.prompt import PromptScreen

from .conftest import TEST_AUDIT_KEY, Clock, make_officer
from .test_ui_checklist_versions import WriteGate
from .ui_shell_support import make_app, settle, sign_in, type_text


@pytest.fixture
def laptop(db_url: str, services: Services, clock: Clock) -> Iterator[Services]:
    """The officer's second terminal on the same store."""
    database = Database(db_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="laptop")
    finally:
        database.dispose()


def _referral(services: Services, officer: Actor, today: date) -> ReferralRead:
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        officer,
        StudentCreate(district_id="S-100", first_name="Maria", last_name="Garcia", school_id=vhs),
    )
    return services.referrals.create(
        officer,
        ReferralCreate(
            student_id=student.id, program_code="PAL", reason="Idle after school", referred_on=today
        ),
    )


def _text(screen: ReferralScreen) -> str:
    return str(screen.query_one("#referral-text", Static).content)


async def test_a_move_refused_as_changed_elsewhere_reloads_and_keeps_the_typed_note(
    services: Services, laptop: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    today = clock.now.astimezone(services.ctx.tz).date()
    referral = _referral(services, officer, today)
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await sign_in(pilot)
        screen = ReferralScreen(referral.id)
        app.push_screen(screen)
        await settle(pilot)
        assert "Status:         referred" in _text(screen)
        # The laptop marks the mother called while this screen still shows "referred".
        laptop.referrals.advance(officer, referral.id, note="Called mother", on=today)
        await pilot.press("x")
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("declined")
        await pilot.press("enter")
        await settle(pilot)
        await type_text(pilot, "Family moved away")
        await pilot.press("enter")
        await settle(pilot)
        # Refused: nothing written over the laptop's step; asked again, the note kept.
        stored = services.referrals.get(officer, referral.id)
        assert stored.status is ReferralStatus.CONTACTED
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "Family moved away"
        error = str(prompt.query_one("#prompt-error", Static).content)
        assert CHANGED_ELSEWHERE in error and "contacted now" in error
        assert "Status:         contacted" in _text(screen)  # reloaded behind the prompt
        assert "Called mother" in _text(screen)
        await pilot.press("enter")  # checked: declined it is, from contacted
        await settle(pilot)
        assert app.screen is screen
    final = services.referrals.get(officer, referral.id)
    assert final.status is ReferralStatus.DECLINED
    assert [(e.to_status, e.note) for e in final.events][1:] == [
        (ReferralStatus.CONTACTED, "Called mother"),
        (ReferralStatus.DECLINED, "Family moved away"),
    ]


async def test_consent_refused_as_changed_elsewhere_keeps_the_other_terminals_answer(
    services: Services, laptop: Services, clock: Clock
) -> None:
    officer = make_officer(services, "1001")
    today = clock.now.astimezone(services.ctx.tz).date()
    referral = _referral(services, officer, today)
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(pilot)
        screen = ReferralScreen(referral.id)
        app.push_screen(screen)
        await settle(pilot)
        laptop.referrals.set_consent(
            officer, referral.id, ConsentUpdate(consent=ConsentStatus.NO, consent_on=today)
        )
        await pilot.press("c")
        await settle(pilot)
        await pilot.press("enter")  # "Yes, consent given today", as this screen still shows pending
        await settle(pilot)
        assert services.referrals.get(officer, referral.id).consent is ConsentStatus.NO
        assert app.screen is screen
        assert "Parent consent: no" in _text(screen)
        messages = [n.message for n in app._notifications]
        assert any(CHANGED_ELSEWHERE in m for m in messages), messages


async def test_consent_given_while_a_step_is_saving_goes_after_it_without_a_conflict(
    services: Services, clock: Clock, monkeypatch: pytest.MonkeyPatch
) -> None:
    officer = make_officer(services, "1001")
    today = clock.now.astimezone(services.ctx.tz).date()
    referral = _referral(services, officer, today)
    gate = WriteGate(services, monkeypatch)
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(pilot)
        screen = ReferralScreen(referral.id)
        app.push_screen(screen)
        await settle(pilot)
        gate.open.clear()
        await pilot.press("a", "enter")  # next status: its save waits at the gate
        await pilot.pause()
        assert gate.waiting >= 1
        await pilot.press("c", "enter")  # consent yes, made against the version shown
        await pilot.pause()
        gate.open.set()
        await settle(pilot)
        await settle(pilot)
        messages = [n.message for n in app._notifications]
        assert not any(CHANGED_ELSEWHERE in m for m in messages), messages
        assert app.screen is screen
    final = services.referrals.get(officer, referral.id)
    assert (final.status, final.consent) == (ReferralStatus.CONTACTED, ConsentStatus.YES)
    assert final.version == 3


async def test_the_list_moves_a_referral_against_the_version_its_row_shows(
    services: Services, laptop: Services, clock: Clock
) -> None:
    """a and c in the referral list (F6) name the version of the highlighted row: a step
    taken meanwhile on the laptop is not skipped over but reported, the typed note kept."""
    officer = make_officer(services, "1001")
    today = clock.now.astimezone(services.ctx.tz).date()
    referral = _referral(services, officer, today)
    app = make_app(services, clock)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await sign_in(pilot)
        app.push_screen(ReferralListScreen())
        await settle(pilot)
        listing = app.screen
        assert isinstance(listing, ReferralListScreen)
        assert listing.highlighted_id() == referral.id
        laptop.referrals.advance(officer, referral.id, note="Called mother", on=today)
        await pilot.press("a")  # the row still says "referred"
        await type_text(pilot, "Left a message")
        await pilot.press("enter")
        await settle(pilot)
        stored = services.referrals.get(officer, referral.id)
        assert stored.status is ReferralStatus.CONTACTED  # the laptop's step only
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value == "Left a message"
        error = str(prompt.query_one("#prompt-error", Static).content)
        assert CHANGED_ELSEWHERE in error and "contacted now" in error
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is listing
        assert str(listing.paged_table().get_row(str(referral.id))[1]) == "contacted"
        laptop.referrals.set_consent(
            officer, referral.id, ConsentUpdate(consent=ConsentStatus.NO, consent_on=today)
        )
        await pilot.press("c", "enter")  # "yes", against the row's version: refused
        await settle(pilot)
        assert services.referrals.get(officer, referral.id).consent is ConsentStatus.NO
        messages = [n.message for n in app._notifications]
        assert any(CHANGED_ELSEWHERE in m for m in messages), messages
