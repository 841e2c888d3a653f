"""The save path (issue 16: a save in one transaction, nothing read back that was just
written, the audit append without extra round trips), on a real store: the statements a
create and a narrative update send, the record they return, and the seals they leave."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from sro_tui.domain.enums import OutcomeKind, PersonRole
from sro_tui.domain.incidents import IncidentUpdate, PersonIn
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services

from .test_incidents import new_incident


@contextmanager
def statements(services: Services) -> Iterator[list[str]]:
    sent: list[str] = []

    def keep(_conn: object, _cursor: object, sql: str, *_rest: object) -> None:
        if not sql.lstrip().upper().startswith(("PRAGMA", "SET ", "SELECT PG_ADVISORY")):
            sent.append(" ".join(sql.split()))

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", keep)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", keep)


def reads_of(sent: list[str], table: str) -> int:
    return sum(1 for sql in sent if sql.startswith("SELECT") and f" FROM {table} " in f"{sql} ")


def test_create_reads_back_nothing_it_wrote(services: Services, officer: Actor) -> None:
    data = new_incident(services, narrative="A vape pen found in the gym.")
    services.incidents.create(officer, data)  # the first: the key check and the store's id
    with statements(services) as sent:
        created = services.incidents.create(officer, data)
    # A new report has no supplements, reviews or versions: read once, by its seal only.
    for table in ("incident_supplements", "incident_reviews", "incident_versions"):
        assert reads_of(sent, table) == 1, (table, sent)
    assert reads_of(sent, "record_seals") == 0  # sealed by one upsert
    assert reads_of(sent, "schools") <= 2  # the check, then the names in one statement
    assert sum(sql.startswith("INSERT INTO audit_events") for sql in sent) == 1
    assert created.school_name and created.location_name and created.officer_name
    assert (created.revision, created.revisions, created.correction_pending) == (1, 1, False)
    assert (created.voided_at, created.voided_by_name, created.void_reason) == (None, "", "")
    assert created.supplements == () and created.reviews == ()
    assert services.incidents.get(officer, created.id) == created


def test_update_seals_without_reading_the_old_seal(services: Services, officer: Actor) -> None:
    person = PersonIn(role=PersonRole.SUSPECT, name="A visitor", outcomes=[OutcomeKind.ARREST])
    created = services.incidents.create(officer, new_incident(services, people=[person]))
    with statements(services) as sent:
        saved = services.incidents.update(
            officer, created.id, IncidentUpdate(version=created.version, narrative="Changed.")
        )
    assert reads_of(sent, "record_seals") == 0
    assert sum(sql.startswith("INSERT INTO record_seals") for sql in sent) == 1
    assert saved.narrative == "Changed." and saved.version == created.version + 1
    assert [p.outcomes for p in saved.people] == [p.outcomes for p in created.people]
    assert saved.location_name == created.location_name
    assert services.incidents.get(officer, created.id) == saved


def test_seals_written_by_upsert_verify(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    created = services.incidents.create(officer, new_incident(services))
    version = created.version
    for n in range(3):
        version = services.incidents.update(
            officer, created.id, IncidentUpdate(version=version, narrative=f"Take {n}.")
        ).version
    report = services.audit.verify_records(supervisor)
    assert report.ok, report.problems
    assert services.audit.verify(supervisor).ok
