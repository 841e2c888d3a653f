"""The read rule as one SQL predicate per record kind (services/read_rules.py) agrees with
the Python rule (domain/permissions.py) for every actor Hypothesis makes up, on a store that
holds every combination of owner, school and status; and the read paths use it (issue 12:
`sro note show ID --as 1001` printed another school's officer's note, the timeline too)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from sro_tui.domain.enums import ContactKind, IncidentStatus, Role
from sro_tui.domain.errors import NotFound
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.permissions import may_read_incident, may_read_note, may_read_referral
from sro_tui.domain.students import StudentCreate
from sro_tui.services.read_rules import incident_readable, note_readable, referral_readable
from sro_tui.services.registry import Services
from sro_tui.store.models import (
    Incident,
    Location,
    Note,
    NoteStudent,
    Referral,
    ReferralProgram,
    School,
    Student,
)

from .conftest import TEST_PASSWORD, RunCli, make_officer

AT = datetime(2026, 9, 14, 15, 30, tzinfo=UTC)


@dataclass(frozen=True)
class Store:
    officer_ids: tuple[int, ...]
    school_ids: tuple[int, ...]
    incidents: dict[int, tuple[int, int, IncidentStatus]]  # id: officer, school, status
    notes: dict[int, tuple[int, int | None, frozenset[int]]]  # author, school, pupils' schools
    referrals: dict[int, tuple[int, int | None]]  # id: referred by, school


def fill(services: Services) -> Store:
    """Two officers' records at three schools (and none), in every status."""
    officers = tuple(
        make_officer(services, badge, "officer", ()).officer_id or 0 for badge in ("1001", "1002")
    )
    store_incidents: dict[int, tuple[int, int, IncidentStatus]] = {}
    store_notes: dict[int, tuple[int, int | None, frozenset[int]]] = {}
    store_referrals: dict[int, tuple[int, int | None]] = {}
    with services.db.write() as session:
        schools = tuple(session.scalars(select(School.id).order_by(School.id).limit(3)))
        location = session.scalars(select(Location.id)).first()
        program = session.scalars(select(ReferralProgram.id)).first()
        students = [
            Student(
                district_id=f"R-{n}",
                first_name="Ana",
                last_name="Ruiz",
                search_name="ruiz ana",
                school_id=school,
                created_at=AT,
                updated_at=AT,
            )
            for n, school in enumerate((*schools, None))
        ]
        session.add_all(students)
        session.flush()
        student = students[0]
        # Which students a note names: none, one, one with a school and one without.
        named = ([], [students[0]], [students[1], students[3]], [students[2]], [students[3]])
        for n, (officer, school, status) in enumerate(
            itertools.product(officers, schools, IncidentStatus)
        ):
            incident = Incident(
                number=f"T-{n}", status=status.value, school_id=school, school_year="2026-27",
                officer_id=officer, location_id=location, occurred_at=AT, entered_at=AT,
                updated_at=AT,
            )  # fmt: skip
            session.add(incident)
            session.flush()
            store_incidents[incident.id] = (officer, school, status)
        for officer, school, pupils in itertools.product(officers, (*schools, None), named):
            note = Note(
                kind=ContactKind.MENTORING.value, officer_id=officer, school_id=school,
                occurred_at=AT, created_at=AT, updated_at=AT,
                students=[NoteStudent(student_id=p.id) for p in pupils],
            )  # fmt: skip
            session.add(note)
            session.flush()
            pupil_schools = frozenset(p.school_id for p in pupils if p.school_id is not None)
            store_notes[note.id] = (officer, school, pupil_schools)
        for officer, school in itertools.product(officers, (*schools, None)):
            referral = Referral(
                student_id=student.id, program_id=program, school_id=school, reason="r",
                referred_by_id=officer, referred_on=date(2026, 9, 14), created_at=AT,
                updated_at=AT,
            )  # fmt: skip
            session.add(referral)
            session.flush()
            store_referrals[referral.id] = (officer, school)
    return Store(officers, schools, store_incidents, store_notes, store_referrals)


def actors(store: Store) -> st.SearchStrategy[Actor]:
    return st.builds(
        lambda role, officer_id, schools: Actor(
            officer_id=officer_id, badge="X", name="X", role=role, school_ids=tuple(schools)
        ),
        st.sampled_from(list(Role)),
        st.sampled_from([*store.officer_ids, 999_999, None]),
        st.lists(st.sampled_from(store.school_ids), unique=True, max_size=3),
    )


def test_each_predicate_is_its_python_rule(services: Services) -> None:
    store = fill(services)

    @given(actor=actors(store))
    def agree(actor: Actor) -> None:
        with services.db.read() as session:
            incidents = set(session.scalars(select(Incident.id).where(incident_readable(actor))))
            notes = set(session.scalars(select(Note.id).where(note_readable(actor))))
            referrals = set(session.scalars(select(Referral.id).where(referral_readable(actor))))
        assert incidents == {
            i
            for i, (officer, school, status) in store.incidents.items()
            if may_read_incident(actor, officer_id=officer, school_id=school, status=status)
        }
        assert notes == {
            i
            for i, (author, school, pupils) in store.notes.items()
            if may_read_note(actor, author_id=author, school_id=school, student_school_ids=pupils)
        }
        assert referrals == {
            i
            for i, (by, school) in store.referrals.items()
            if may_read_referral(actor, referred_by_id=by, school_id=school)
        }

    agree()


# -- the read paths use it --------------------------------------------------------------------


def note_at(services: Services, author: Actor, school_code: str, student_ids: list[int]) -> int:
    school = services.reference.school_by_code(school_code).id
    note = services.notes.create(
        author,
        NoteCreate(
            kind=ContactKind.MENTORING,
            school_id=school,
            occurred_at=AT,
            minutes=15,
            student_ids=student_ids,
            text="Talked about the bus stop dispute.",
        ),
    )
    return note.id


def pupil(services: Services, actor: Actor, district_id: str, school_code: str) -> int:
    school = services.reference.school_by_code(school_code).id
    data = StudentCreate(district_id=district_id, first_name="Bo", last_name="Li", school_id=school)
    return services.students.create(actor, data).id


def test_a_note_of_another_school_is_not_shown(services: Services) -> None:
    """Not by its id, in the timeline, the list or search; a colleague's note at one's own
    school is."""
    vhs = make_officer(services, "1001", "officer", ("VHS",))
    vhs_colleague = make_officer(services, "1003", "officer", ("VHS",))
    bhs = make_officer(services, "1002", "officer", ("BHS",))
    student = pupil(services, vhs, "S1", "VHS")
    other_school = note_at(services, bhs, "BHS", [student])
    same_school = note_at(services, vhs_colleague, "VHS", [student])
    with pytest.raises(NotFound):
        services.notes.get(vhs, other_school)
    denied = services.audit.recent(limit=1)[0]
    assert (denied.action, denied.outcome) == ("note.read", "denied")
    assert services.notes.get(vhs, same_school).text.startswith("Talked")
    assert services.notes.get(bhs, other_school).text.startswith("Talked")
    timeline = [e.record_id for e in services.students.timeline(vhs, student) if e.kind == "note"]
    assert timeline == [same_school]
    hits = services.search.search(vhs, "bus stop")
    assert {h.record_id for h in hits if h.kind.value == "note"} == {same_school}


def test_cli_note_show_of_another_school(services: Services, db_url: str, run_cli: RunCli) -> None:
    """The issue's reproduction: `sro note show ID --as 1001`."""
    vhs = make_officer(services, "1001", "officer", ("VHS",))
    bhs = make_officer(services, "1002", "officer", ("BHS",))
    note_id = note_at(services, bhs, "BHS", [pupil(services, vhs, "S2", "BHS")])
    show = ("--db", db_url, "note", "show", str(note_id), "--password-stdin")
    result = run_cli(*show, "--as", "1001", stdin=TEST_PASSWORD + "\n")
    assert result.code == 2
    assert "bus stop" not in result.out
    result = run_cli(*show, "--as", "1002", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0, result.err
    assert "bus stop" in result.out
