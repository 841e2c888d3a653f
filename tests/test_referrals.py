"""Referrals: every status move (table-driven over domain.workflow), consent, follow-ups,
who may see and change what, and linked records."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime

import pytest

from sro_tui.domain.enums import ConsentStatus, ReferralStatus
from sro_tui.domain.errors import InvalidTransition, NotFound, PermissionDenied, SroError
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.referrals import ConsentUpdate, ReferralCreate, ReferralMove
from sro_tui.domain.students import StudentCreate
from sro_tui.domain.workflow import (
    REFERRAL_OPEN,
    REFERRAL_TRANSITIONS,
    next_referral_status,
    referral_move_problem,
)
from sro_tui.services.registry import Services

from .conftest import Clock, make_officer
from .test_timeline import add_incident

DAY = date(2026, 9, 1)
S = ReferralStatus
# A legal way from "referred" to each status.
ROUTE = {
    S.REFERRED: [],
    S.CONTACTED: [S.CONTACTED],
    S.ENROLLED: [S.CONTACTED, S.ENROLLED],
    S.ATTENDING: [S.CONTACTED, S.ENROLLED, S.ATTENDING],
    S.COMPLETED: [S.CONTACTED, S.ENROLLED, S.COMPLETED],
    S.DECLINED: [S.DECLINED],
    S.NO_SHOW: [S.CONTACTED, S.NO_SHOW],
    S.CLOSED: [S.CLOSED],
}


def new_student(services: Services, actor: Actor, district_id: str = "S1") -> int:
    vhs = services.reference.school_by_code("VHS").id
    return services.students.create(
        actor,
        StudentCreate(district_id=district_id, first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id


def refer(services: Services, actor: Actor, student_id: int, program: str = "ANGER", **kw):
    data = {"reason": "Fights at lunch", "referred_on": DAY, **kw}
    return services.referrals.create(
        actor, ReferralCreate(student_id=student_id, program_code=program, **data)
    )


def walk(services: Services, actor: Actor, referral_id: int, route: list[S]) -> None:
    for step in route:
        services.referrals.move(actor, referral_id, ReferralMove(to_status=step, on=DAY))


def test_create_starts_with_a_referred_event(
    services: Services, officer: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    referral = refer(services, officer, sid, program="pal")
    assert referral.status is S.REFERRED
    assert referral.program_name == "Police Activities League (PAL)"
    assert referral.student_name == "Ruiz, Ana"
    assert referral.next_follow_up_on == date(2026, 9, 15)  # two weeks by default
    assert [(e.from_status, e.to_status, e.on) for e in referral.events] == [
        (None, S.REFERRED, DAY)
    ]
    assert referral.events[0].by_name == "Officer 1001"
    with pytest.raises(NotFound) as info:
        refer(services, officer, sid, program="NOPE")
    assert info.value.field == "program_code"
    with pytest.raises(NotFound) as info:
        refer(services, officer, 999)
    assert info.value.field == "student_id"
    with pytest.raises(SroError) as info:
        refer(services, officer, sid, referred_on=date(2026, 9, 30))
    assert info.value.field == "referred_on"


@pytest.mark.parametrize("current", list(S), ids=lambda s: s.value)
def test_every_move_from(services: Services, officer: Actor, current: S) -> None:
    """From each status, each target is allowed exactly when the workflow says so."""
    sid = new_student(services, officer)
    for target in S:
        referral = refer(
            services, officer, sid, consent=ConsentStatus.YES, consent_on=DAY, program="ANGER"
        )
        walk(services, officer, referral.id, ROUTE[current])
        move = ReferralMove(to_status=target, on=date(2026, 9, 2), note=f"to {target.value}")
        if target in REFERRAL_TRANSITIONS[current]:
            moved = services.referrals.move(officer, referral.id, move)
            assert moved.status is target
            last = moved.events[-1]
            assert (last.from_status, last.to_status, last.note) == (
                current,
                target,
                f"to {target.value}",
            )
            assert len(moved.events) == len(ROUTE[current]) + 2
        else:
            with pytest.raises(InvalidTransition) as info:
                services.referrals.move(officer, referral.id, move)
            assert info.value.field == "to_status"
            assert str(info.value) == referral_move_problem(
                current, target, consent_required=True, consent_given=True
            )
            assert services.referrals.get(officer, referral.id).status is current


@pytest.mark.parametrize("current", list(S), ids=lambda s: s.value)
def test_advance_follows_the_path(services: Services, officer: Actor, current: S) -> None:
    sid = new_student(services, officer)
    referral = refer(services, officer, sid, consent=ConsentStatus.YES, consent_on=DAY)
    walk(services, officer, referral.id, ROUTE[current])
    target = next_referral_status(current)
    if target is None:
        with pytest.raises(InvalidTransition):
            services.referrals.advance(officer, referral.id)
    else:
        moved = services.referrals.advance(officer, referral.id, note="next", on=date(2026, 9, 3))
        assert moved.status is target and moved.events[-1].on == date(2026, 9, 3)


def test_consent_is_needed_before_enrolment(
    services: Services, officer: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    needs = refer(services, officer, sid, program="ANGER")
    walk(services, officer, needs.id, [S.CONTACTED])
    with pytest.raises(InvalidTransition, match="consent"):
        services.referrals.move(officer, needs.id, ReferralMove(to_status=S.ENROLLED, on=DAY))
    services.referrals.set_consent(
        officer, needs.id, ConsentUpdate(consent=ConsentStatus.NO, consent_on=DAY)
    )
    with pytest.raises(InvalidTransition, match="consent"):
        services.referrals.move(officer, needs.id, ReferralMove(to_status=S.ENROLLED, on=DAY))
    given = services.referrals.set_consent(
        officer, needs.id, ConsentUpdate(consent=ConsentStatus.YES, consent_on=DAY)
    )
    assert (given.consent, given.consent_on) == (ConsentStatus.YES, DAY)
    enrolled = services.referrals.move(
        officer, needs.id, ReferralMove(to_status=S.ENROLLED, on=DAY)
    )
    assert enrolled.status is S.ENROLLED
    # A program that needs no consent enrols without it.
    free = refer(services, officer, sid, program="DIVERSION")
    walk(services, officer, free.id, [S.CONTACTED, S.ENROLLED])
    assert services.referrals.get(officer, free.id).consent is ConsentStatus.PENDING


def test_follow_up_dates(services: Services, officer: Actor, clock: Clock) -> None:
    sid = new_student(services, officer)
    referral = refer(services, officer, sid, program="SOCIAL")
    moved = services.referrals.move(
        officer, referral.id, ReferralMove(to_status=S.CONTACTED, on=date(2026, 9, 5))
    )
    assert moved.next_follow_up_on == date(2026, 9, 19)
    moved = services.referrals.move(
        officer,
        referral.id,
        ReferralMove(to_status=S.ENROLLED, on=date(2026, 9, 6), next_follow_up_on=date(2026, 9, 8)),
    )
    assert moved.next_follow_up_on == date(2026, 9, 8)
    with pytest.raises(SroError) as info:
        services.referrals.move(
            officer, referral.id, ReferralMove(to_status=S.ATTENDING, on=date(2026, 8, 1))
        )
    assert info.value.field == "on"
    with pytest.raises(SroError) as info:
        services.referrals.move(
            officer, referral.id, ReferralMove(to_status=S.ATTENDING, on=date(2026, 9, 20))
        )
    assert info.value.field == "on"  # in the future (today is 2026-09-14)
    done = services.referrals.move(
        officer, referral.id, ReferralMove(to_status=S.COMPLETED, on=date(2026, 9, 10))
    )
    assert done.next_follow_up_on is None
    with pytest.raises(SroError):
        services.referrals.set_follow_up(officer, referral.id, date(2026, 10, 1))


def test_who_sees_and_changes(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    referral = refer(services, officer, sid)
    contacted = ReferralMove(to_status=S.CONTACTED, on=DAY)
    with pytest.raises(PermissionDenied):
        services.referrals.move(other_officer, referral.id, contacted)
    with pytest.raises(PermissionDenied):
        services.referrals.set_consent(
            other_officer, referral.id, ConsentUpdate(consent=ConsentStatus.YES, consent_on=DAY)
        )
    assert services.audit.recent()[0].outcome == "denied"
    assert services.referrals.get(other_officer, referral.id).id == referral.id  # same school
    assert services.referrals.move(supervisor, referral.id, contacted).status is S.CONTACTED
    bhs_officer = make_officer(services, "1003", "officer", ("BHS",))
    with pytest.raises(PermissionDenied):
        services.referrals.get(bhs_officer, referral.id)
    assert services.referrals.page(other_officer).items == []
    with pytest.raises(PermissionDenied):
        services.referrals.page(other_officer, scope="all")
    assert [r.id for r in services.referrals.page(supervisor, scope="all").items] == [referral.id]


def test_due_lists_overdue_first(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    today = date(2026, 9, 14)
    late = refer(services, officer, sid, next_follow_up_on=date(2026, 9, 3))
    due = refer(services, officer, sid, next_follow_up_on=today)
    refer(services, officer, sid, next_follow_up_on=date(2026, 9, 15))
    closed = refer(services, officer, sid, next_follow_up_on=date(2026, 9, 2))
    walk(services, officer, closed.id, [S.CLOSED])
    theirs = refer(services, other_officer, sid, next_follow_up_on=date(2026, 9, 1))
    assert [r.id for r in services.referrals.due(officer, today)] == [late.id, due.id]
    assert [r.id for r in services.referrals.due(officer)] == [late.id, due.id]
    assert [r.id for r in services.referrals.due(supervisor, today)] == [
        theirs.id,
        late.id,
        due.id,
    ]
    assert services.referrals.due(officer, today, limit=1)[0].overdue(today)


def test_list_pages_by_follow_up_with_filters(
    services: Services, officer: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    other_sid = new_student(services, officer, "S2")
    made = []
    for n in range(9):
        made.append(
            refer(
                services,
                officer,
                sid if n % 2 else other_sid,
                program="SOCIAL",
                next_follow_up_on=date(2026, 9, 20 - n % 3),
            )
        )
    for r in made[:3]:
        walk(services, officer, r.id, [S.DECLINED])
    seen, cursor = [], None
    while True:
        page = services.referrals.page(officer, cursor=cursor, limit=2)
        assert len(page.items) <= 2
        seen += page.items
        if not (cursor := page.next_cursor):
            break
    assert len(seen) == 9 and len({r.id for r in seen}) == 9
    dates = [r.next_follow_up_on for r in seen]
    open_dates = [d for d in dates if d is not None]
    assert open_dates == sorted(open_dates) and dates[-3:] == [None, None, None]
    assert all(r.events == () for r in seen)
    open_ones = services.referrals.page(officer, open_only=True).items
    assert {r.id for r in open_ones} == {r.id for r in made[3:]}
    assert all(r.status in REFERRAL_OPEN for r in open_ones)
    declined = services.referrals.page(officer, status=S.DECLINED).items
    assert [r.id for r in declined] == [r.id for r in made[:3]]
    mine = services.referrals.page(officer, student_id=sid).items
    assert {r.student_id for r in mine} == {sid} and len(mine) == 4


def test_linked_incident_and_note_are_checked(
    services: Services, officer: Actor, other_officer: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    someone_else = new_student(services, officer, "S2")
    at = datetime(2026, 9, 1, 18, tzinfo=UTC)
    incident = add_incident(services, officer, sid, occurred_at=at)
    linked = refer(services, officer, sid, incident_id=incident)
    assert linked.incident_id == incident
    with pytest.raises(SroError, match="not named") as info:
        refer(services, officer, someone_else, incident_id=incident)
    assert info.value.field == "incident_id"
    with pytest.raises(NotFound):
        refer(services, officer, sid, incident_id=9999)
    draft = add_incident(services, other_officer, sid, occurred_at=at, status="draft")
    with pytest.raises(NotFound):  # another officer's draft is not visible
        refer(services, officer, sid, incident_id=draft)

    note = services.notes.create(officer, NoteCreate(occurred_at=at, student_ids=[sid]))
    assert refer(services, officer, sid, note_id=note.id).note_id == note.id
    with pytest.raises(SroError, match="not named") as info:
        refer(services, officer, someone_else, note_id=note.id)
    assert info.value.field == "note_id"
    secret = services.notes.create(
        other_officer, NoteCreate(occurred_at=at, student_ids=[sid], confidential=True)
    )
    with pytest.raises(PermissionDenied):
        refer(services, officer, sid, note_id=secret.id)
    with pytest.raises(NotFound):
        refer(services, officer, sid, note_id=9999)


def test_two_terminals_moving_at_once_make_one_change(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    sid = new_student(services, officer)
    referral = refer(services, officer, sid, program="SOCIAL")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def move(actor: Actor) -> None:
        barrier.wait()
        try:
            services.referrals.move(actor, referral.id, ReferralMove(to_status=S.CONTACTED, on=DAY))
            outcomes.append("moved")
        except InvalidTransition:
            outcomes.append("refused")

    threads = [threading.Thread(target=move, args=(a,)) for a in (officer, supervisor)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["moved", "refused"]
    events = services.referrals.get(officer, referral.id).events
    assert [e.to_status for e in events] == [S.REFERRED, S.CONTACTED]
