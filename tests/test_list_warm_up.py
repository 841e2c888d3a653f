"""A list's first page prepared without reading (issue 16): its statement runs for no rows,
so the officer's first real page finds it compiled. Nothing is read, so nothing is audited,
not even a refusal of a scope the actor may not list; the real page still lists and audits
as before. On SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from sro_tui.domain.incidents import IncidentCreate, OffenseIn
from sro_tui.domain.mentoring import NoteCreate
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate
from sro_tui.services.registry import Services


def audit_ids(services: Services) -> list[int]:
    return [e.id for e in services.audit.recent(limit=500)]


def some_records(services: Services, officer: Actor) -> None:
    vhs = services.reference.school_by_code("VHS").id
    student = services.students.create(
        officer,
        StudentCreate(district_id="S-9", first_name="Ana", last_name="Ruiz", school_id=vhs),
    ).id
    services.incidents.create(
        officer,
        IncidentCreate(
            school_id=vhs,
            occurred_at=datetime(2026, 9, 14, 15, tzinfo=UTC),
            location_code="HALLWAY",
            offenses=[OffenseIn(category_code="FIGHT")],
        ),
    )
    services.notes.create(
        officer, NoteCreate(student_ids=[student], occurred_at=datetime(2026, 9, 14, tzinfo=UTC))
    )


def test_warming_the_first_pages_reads_and_audits_nothing(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    some_records(services, officer)
    before = audit_ids(services)
    for actor, scopes in ((officer, ("own", "school", "all")), (supervisor, ("own", "all"))):
        for scope in scopes:
            assert services.incidents.warm_first_page(actor, scope=scope) is None
            if scope != "school":
                assert services.notes.warm_first_page(actor, scope=scope) is None
    assert audit_ids(services) == before  # no read, and no refusal of "all" for the officer

    # The real pages after it: listed and audited as before.
    assert len(services.incidents.page(officer).items) == 1
    assert len(services.notes.page(officer).items) == 1
    actions = [e.action for e in services.audit.recent(limit=2)]
    assert sorted(actions) == ["incident.list", "note.list"]
