"""Mentoring notes: writing, confidentiality (service and CLI), lists and follow-ups."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from sro_tui.domain.enums import ContactKind, LectureTopic
from sro_tui.domain.errors import NotFound, PermissionDenied, SroError
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services import store_settings
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, Clock, RunCli

SECRET = "Talked about the fight at home; very private"


def student(services: Services, actor: Actor, district_id: str = "S1") -> int:
    vhs = services.reference.school_by_code("VHS").id
    return services.students.create(
        actor,
        StudentCreate(district_id=district_id, first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id


def note_data(student_id: int, clock: Clock, **kwargs) -> NoteCreate:
    values = {
        "occurred_at": clock.now - timedelta(hours=1),
        "minutes": 20,
        "student_ids": [student_id],
        "topics": "family",
        "text": SECRET,
    }
    values.update(kwargs)
    return NoteCreate(**values)


def test_create_and_read_back(services: Services, officer: Actor, clock: Clock) -> None:
    sid = student(services, officer)
    note = services.notes.create(officer, note_data(sid, clock, follow_up_on=date(2026, 9, 20)))
    assert note.officer_name == "Officer 1001"
    assert note.school_id == services.reference.school_by_code("VHS").id  # from the student
    got = services.notes.get(officer, note.id)
    assert got == note
    assert (got.text, got.student_ids, got.redacted) == (SECRET, (sid,), False)


def test_kinds_are_checked(services: Services, officer: Actor, clock: Clock) -> None:
    lecture = services.notes.create(
        officer,
        NoteCreate(
            kind=ContactKind.CLASSROOM,
            occurred_at=clock.now,
            class_name="Health 3",
            lecture_topic=LectureTopic.DRUG_RESISTANCE,
            head_count=31,
        ),
    )
    assert lecture.head_count == 31 and lecture.student_ids == ()
    with pytest.raises(NotFound) as info:
        services.notes.create(officer, note_data(999, clock))
    assert info.value.field == "student_ids"
    sid = student(services, officer)
    with pytest.raises(SroError) as info:
        services.notes.create(officer, note_data(sid, clock, occurred_at=clock.now + timedelta(1)))
    assert info.value.field == "occurred_at"
    with pytest.raises(PermissionDenied):
        services.notes.create(SYSTEM_ACTOR, note_data(sid, clock))


def confidential_note(services: Services, officer: Actor, clock: Clock) -> int:
    sid = student(services, officer)
    return services.notes.create(officer, note_data(sid, clock, confidential=True)).id


def assert_redacted(note) -> None:
    assert note.redacted and note.confidential
    assert (note.text, note.topics, note.student_ids) == ("", "", ())
    assert note.officer_name == "Officer 1001"


def test_confidential_note_is_redacted_for_another_officer(
    services: Services, officer: Actor, other_officer: Actor, clock: Clock
) -> None:
    note_id = confidential_note(services, officer, clock)
    assert services.notes.get(officer, note_id).text == SECRET
    assert_redacted(services.notes.get(other_officer, note_id))
    last = services.audit.recent()[0]
    assert (last.action, last.outcome, last.badge) == ("note.read", "denied", "1002")
    assert SECRET not in last.detail


@pytest.mark.parametrize("policy", [False, True])
def test_supervisors_read_confidential_only_by_policy(
    services: Services,
    officer: Actor,
    supervisor: Actor,
    admin: Actor,
    clock: Clock,
    policy: bool,
) -> None:
    note_id = confidential_note(services, officer, clock)
    services.settings.set(
        admin, store_settings.SUPERVISORS_READ_CONFIDENTIAL, "1" if policy else "0"
    )
    got = services.notes.get(supervisor, note_id)
    if policy:
        assert got.text == SECRET and not got.redacted
    else:
        assert_redacted(got)
    listed = services.notes.page(supervisor, scope="all").items
    assert [n.redacted for n in listed] == [not policy]


def test_only_the_author_edits(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    sid = student(services, officer)
    note = services.notes.create(officer, note_data(sid, clock))
    changed = services.notes.update(
        officer, note.id, note_data(sid, clock, text="Better"), version=note.version
    )
    assert changed.text == "Better"
    for intruder in (other_officer, supervisor):
        with pytest.raises(PermissionDenied):
            services.notes.update(
                intruder, note.id, note_data(sid, clock, text="Mine now"), version=changed.version
            )
    assert services.notes.get(officer, note.id).text == "Better"
    assert services.audit.recent()[1].outcome == "denied"


def test_lists_page_newest_first_with_filters(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    sid = student(services, officer)
    other_sid = student(services, officer, "S2")
    base = datetime(2026, 9, 1, 17, 0, tzinfo=UTC)
    made = []
    for n in range(12):
        kind = ContactKind.MENTORING if n % 3 else ContactKind.PARENT
        made.append(
            services.notes.create(
                officer,
                note_data(
                    sid if n % 2 else other_sid,
                    clock,
                    kind=kind,
                    occurred_at=base + timedelta(days=n),
                    confidential=n == 5,
                ),
            ).id
        )
    services.notes.create(other_officer, note_data(sid, clock))
    seen, cursor = [], None
    while True:
        page = services.notes.page(officer, cursor=cursor, limit=5)
        seen += [n.id for n in page.items]
        if not (cursor := page.next_cursor):
            break
    assert seen == list(reversed(made))
    parents = services.notes.page(officer, kind=ContactKind.PARENT).items
    assert {n.kind for n in parents} == {ContactKind.PARENT} and len(parents) == 4
    of_sid = services.notes.page(officer, student_id=sid).items
    assert len(of_sid) == 6 and all(n.student_ids == (sid,) for n in of_sid)
    # Local days: Sept 3 and 4 in Ventura (17:00 UTC is 10:00 local).
    window = services.notes.page(officer, since=date(2026, 9, 3), until=date(2026, 9, 4)).items
    assert [n.id for n in window] == [made[3], made[2]]
    assert len(services.notes.page(officer, since=date.min, until=date.max, limit=50).items) == 12
    everyone = services.notes.page(supervisor, scope="all", limit=100).items
    assert len(everyone) == 13
    assert [n.redacted for n in everyone if n.confidential] == [True]
    with pytest.raises(PermissionDenied):
        services.notes.page(officer, scope="all")
    with pytest.raises(SroError):
        services.notes.page(officer, scope="mine")


def test_follow_ups_due(
    services: Services, officer: Actor, other_officer: Actor, clock: Clock
) -> None:
    sid = student(services, officer)
    today = date(2026, 9, 14)
    late = services.notes.create(officer, note_data(sid, clock, follow_up_on=date(2026, 9, 10)))
    due = services.notes.create(officer, note_data(sid, clock, follow_up_on=today))
    services.notes.create(officer, note_data(sid, clock, follow_up_on=date(2026, 9, 15)))
    services.notes.create(other_officer, note_data(sid, clock, follow_up_on=date(2026, 9, 1)))
    assert [n.id for n in services.notes.follow_ups_due(officer, today)] == [late.id, due.id]
    assert [n.id for n in services.notes.follow_ups_due(officer)] == [late.id, due.id]
    with pytest.raises(PermissionDenied):
        services.notes.complete_follow_up(other_officer, late.id)
    services.notes.complete_follow_up(officer, late.id)
    assert [n.id for n in services.notes.follow_ups_due(officer, today)] == [due.id]


# -- the CLI shows the same redaction -------------------------------------------------------


def test_cli_note_show_redacts_for_another_officer(
    services: Services,
    db_url: str,
    officer: Actor,
    other_officer: Actor,
    clock: Clock,
    run_cli: RunCli,
) -> None:
    note_id = confidential_note(services, officer, clock)
    args = ("--db", db_url, "note", "show", str(note_id), "--password-stdin", "--as")
    result = run_cli(*args, "1002", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    shown = result.out
    assert "by Officer 1001" in shown and "withheld" in shown
    assert SECRET not in shown and "family" not in shown
    result = run_cli(*args, "1001", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    assert SECRET in result.out
    result = run_cli(*args, "1002", stdin="wrong password\n")
    assert result.code == 2
    assert "not right" in result.err
