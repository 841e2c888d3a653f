"""Version checks on every editable record (issue 13 item 3): referrals, students and
checklist items carry a version (migration 0009) that every change moves on; a change named
against an older version is refused as "saved elsewhere" at the field "version" and writes
nothing. Real stores: SQLite and, with SRO_TEST_DATABASE_URL, PostgreSQL; two Database
objects on one store are two terminals."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from sro_tui.domain.checklist import ItemNote
from sro_tui.domain.enums import ConsentStatus, ReferralStatus
from sro_tui.domain.errors import Conflict
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ConsentUpdate, ReferralMove
from sro_tui.domain.students import StudentUpdate
from sro_tui.services import record_seals
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, Clock
from .test_referrals import DAY, new_student, refer

SAVED_ELSEWHERE = "saved elsewhere"


@pytest.fixture
def laptop(db_url: str, services: Services, clock: Clock) -> Iterator[Services]:
    database = Database(db_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="laptop")
    finally:
        database.dispose()


def _refused(call: Callable[[], object]) -> None:
    with pytest.raises(Conflict, match=SAVED_ELSEWHERE) as caught:
        call()
    assert caught.value.field == "version"


def test_a_referral_change_names_its_version(
    services: Services, laptop: Services, officer: Actor
) -> None:
    referral = refer(services, officer, new_student(services, officer))
    assert referral.version == 1
    moved = laptop.referrals.move(
        officer,
        referral.id,
        ReferralMove(to_status=ReferralStatus.CONTACTED, on=DAY),
        version=1,
    )
    assert moved.version == 2
    # This terminal still shows version 1: its consent, follow-up and next step are refused.
    consent = ConsentUpdate(consent=ConsentStatus.YES, consent_on=DAY)
    _refused(lambda: services.referrals.set_consent(officer, referral.id, consent, version=1))
    _refused(lambda: services.referrals.set_follow_up(officer, referral.id, DAY, version=1))
    _refused(lambda: services.referrals.advance(officer, referral.id, on=DAY, version=1))
    stored = services.referrals.get(officer, referral.id)
    assert (stored.status, stored.consent, stored.version) == (
        ReferralStatus.CONTACTED,
        ConsentStatus.PENDING,
        2,
    )
    # Against the version it now shows, each goes through and moves the version on.
    after = services.referrals.set_consent(officer, referral.id, consent, version=2)
    assert (after.consent, after.version) == (ConsentStatus.YES, 3)
    assert services.referrals.set_follow_up(officer, referral.id, None).version == 4


def test_a_student_change_names_its_version(
    services: Services, laptop: Services, officer: Actor
) -> None:
    student_id = new_student(services, officer)
    assert services.students.get(officer, student_id).version == 1
    laptop.students.update(officer, student_id, StudentUpdate(grade=10), version=1)
    _refused(
        lambda: services.students.update(
            officer, student_id, StudentUpdate(first_name="Anna"), version=1
        )
    )
    stored = services.students.get(officer, student_id)
    assert (stored.first_name, stored.grade, stored.version) == ("Ana", 10, 2)
    changed = services.students.update(
        officer, student_id, StudentUpdate(first_name="Anna"), version=2
    )
    assert (changed.first_name, changed.grade, changed.version) == ("Anna", 10, 3)


def test_a_checklist_item_change_names_its_version(
    services: Services, laptop: Services, officer: Actor
) -> None:
    vhs = services.reference.school_by_code("VHS").id
    item = services.checklist.open_shift(officer, vhs).items[0]
    assert item.version == 1
    done = laptop.checklist.mark_done(officer, item.id, version=1)
    assert done.version == 2
    _refused(lambda: services.checklist.reset(officer, item.id, version=1))
    _refused(lambda: services.checklist.set_note(officer, item.id, ItemNote(note="x"), version=1))
    noted = services.checklist.set_note(officer, item.id, ItemNote(note="gate 3 open"), version=2)
    assert (noted.status.value, noted.note, noted.version) == ("done", "gate 3 open", 3)


def test_two_terminals_changing_a_student_at_once_one_wins(
    services: Services, laptop: Services, officer: Actor
) -> None:
    student_id = new_student(services, officer)
    start = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def change(name: str, terminal: Services) -> None:
        start.wait()
        try:
            outcomes[name] = terminal.students.update(
                officer, student_id, StudentUpdate(last_name=f"From {name}"), version=1
            )
        except Exception as exc:  # recorded for the asserts below
            outcomes[name] = exc

    threads = [
        threading.Thread(target=change, args=(name, terminal))
        for name, terminal in (("A", services), ("B", laptop))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    refused = [o for o in outcomes.values() if isinstance(o, Conflict)]
    saved = [o for o in outcomes.values() if not isinstance(o, Exception)]
    assert len(saved) == 1 and len(refused) == 1, outcomes
    assert services.students.get(officer, student_id).version == 2


def test_seals_do_not_cover_the_new_versions(
    services: Services, officer: Actor, db: Database
) -> None:
    """Records sealed before migration 0009 had no version: their seals must still match."""
    student_id = new_student(services, officer)
    referral = refer(services, officer, student_id)
    vhs = services.reference.school_by_code("VHS").id
    item = services.checklist.open_shift(officer, vhs).items[0]
    services.checklist.mark_done(officer, item.id)
    with db.engine.begin() as connection:
        for table, row_id in (
            ("students", student_id),
            ("referrals", referral.id),
            ("checklist_items", item.id),
        ):
            connection.execute(
                text(f"UPDATE {table} SET version = 9 WHERE id = :id"), {"id": row_id}
            )
    with db.read() as session:
        assert record_seals.check_records(session, services.ctx.audit_key).ok


async def test_the_student_form_refuses_a_change_made_against_an_older_version(
    services: Services, laptop: Services, officer: Actor
) -> None:
    from sro_tui.ui.forms.student_form import StudentFormScreen

    from .test_ui_forms import FormHost
    from .ui_shell_support import settle

    student_id = new_student(services, officer)
    app = FormHost(services, officer, first=lambda: StudentFormScreen(student_id=student_id))
    async with app.run_test() as pilot:
        await settle(pilot)
        form = app.screen
        assert isinstance(form, StudentFormScreen) and form.version == 1
        laptop.students.update(officer, student_id, StudentUpdate(last_name="Ruiz-Soto"), version=1)
        form.first_name.value = "Anna"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is form and form.first_name.value == "Anna"  # the typing stays
        assert SAVED_ELSEWHERE in str(form.query_one(".form-message").render())
    stored = services.students.get(officer, student_id)
    assert (stored.first_name, stored.last_name) == ("Ana", "Ruiz-Soto")
