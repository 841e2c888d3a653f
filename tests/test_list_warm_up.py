"""A list's first page prepared without reading (issue 16): its statement runs for no rows,
so the officer's first real page finds it compiled. Nothing is read, so nothing is audited,
not even a refusal of a scope the actor may not list; the real page still lists and audits
as before. On SQLite and PostgreSQL."""

from __future__ import annotations

from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services

from .conftest import Clock
from .test_ui_list_loading import _one_of_each


def audit_ids(services: Services) -> list[int]:
    return [e.id for e in services.audit.recent(limit=500)]


def test_warming_the_first_pages_reads_and_audits_nothing(
    services: Services, officer: Actor, supervisor: Actor, clock: Clock
) -> None:
    _one_of_each(services, officer, clock)  # a report, a note, a student, a referral
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
