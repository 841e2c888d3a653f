"""Drafts on a real store: upsert by (officer, form, key), lists, discard, privacy."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from sro_tui.domain.drafts import DraftSave
from sro_tui.domain.errors import NotFound, PermissionDenied, SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.services.registry import Services

from .conftest import Clock


def test_save_upserts_and_audits_only_the_first_save(
    services: Services, officer: Actor, clock: Clock
) -> None:
    first = services.drafts.save(
        officer, DraftSave(form="incident", title="Fight", payload={"narrative": "Two st"})
    )
    for text in ("Two stu", "Two students", "Two students fought"):
        clock.advance(seconds=2)
        latest = services.drafts.save(
            officer, DraftSave(form="incident", title="Fight", payload={"narrative": text})
        )
    assert latest.id == first.id
    assert latest.payload == {"narrative": "Two students fought"}
    assert latest.updated_at == clock.now
    assert services.drafts.get(officer, first.id) == latest
    assert services.drafts.find(officer, "incident", "") == latest
    assert services.drafts.find(officer, "incident", "12") is None
    created = [e for e in services.audit.recent() if e.action.startswith("draft.")]
    assert [(e.action, e.record_id, e.detail) for e in created] == [
        ("draft.create", str(first.id), "incident")
    ]


def test_keys_make_separate_drafts_listed_newest_first(
    services: Services, officer: Actor, clock: Clock
) -> None:
    a = services.drafts.save(officer, DraftSave(form="incident", key="7", payload={"n": 1}))
    clock.advance(seconds=5)
    b = services.drafts.save(officer, DraftSave(form="quick_incident", payload={"n": 2}))
    clock.advance(seconds=5)
    c = services.drafts.save(officer, DraftSave(form="incident", key="8", payload={"n": 3}))
    assert [d.id for d in services.drafts.for_actor(officer)] == [c.id, b.id, a.id]
    clock.advance(seconds=5)
    services.drafts.save(officer, DraftSave(form="incident", key="7", payload={"n": 4}))
    assert [d.id for d in services.drafts.for_actor(officer)] == [a.id, c.id, b.id]


def test_payload_values_json_lacks_are_kept_as_text(services: Services, officer: Actor) -> None:
    moment = datetime(2026, 9, 14, 10, 40, tzinfo=UTC)
    saved = services.drafts.save(
        officer,
        DraftSave(form="incident", payload={"when": moment, "people": [{"id": 3, "ok": True}]}),
    )
    assert saved.payload == {"when": str(moment), "people": [{"id": 3, "ok": True}]}


def test_discard(services: Services, officer: Actor) -> None:
    draft = services.drafts.save(officer, DraftSave(form="incident", payload={"x": 1}))
    services.drafts.discard(officer, draft.id)
    assert services.drafts.for_actor(officer) == []
    with pytest.raises(NotFound):
        services.drafts.get(officer, draft.id)
    services.drafts.discard(officer, draft.id)  # already gone: nothing to do
    assert services.audit.recent(limit=1)[0].action == "draft.discard"
    again = services.drafts.save(officer, DraftSave(form="incident", payload={"x": 2}))
    assert again.payload == {"x": 2}
    creates = [e for e in services.audit.recent() if e.action == "draft.create"]
    assert len(creates) == 2  # a new draft after a discard is a new draft


def test_drafts_are_private(
    services: Services, officer: Actor, other_officer: Actor, supervisor: Actor
) -> None:
    mine = services.drafts.save(officer, DraftSave(form="incident", payload={"mine": True}))
    theirs = services.drafts.save(other_officer, DraftSave(form="incident", payload={"t": 1}))
    assert theirs.id != mine.id
    assert [d.id for d in services.drafts.for_actor(officer)] == [mine.id]
    assert [d.id for d in services.drafts.for_actor(other_officer)] == [theirs.id]
    assert services.drafts.find(other_officer, "incident", "") == theirs
    for intruder in (other_officer, supervisor):
        with pytest.raises(PermissionDenied):
            services.drafts.get(intruder, mine.id)
        with pytest.raises(PermissionDenied):
            services.drafts.discard(intruder, mine.id)
    assert services.audit.recent(limit=1)[0].outcome == "denied"
    assert services.drafts.get(officer, mine.id).payload == {"mine": True}
    with pytest.raises(SroError):
        services.drafts.save(SYSTEM_ACTOR, DraftSave(form="incident"))
    assert services.drafts.for_actor(SYSTEM_ACTOR) == []


def test_first_saves_at_once_make_one_draft(services: Services, officer: Actor) -> None:
    barrier = threading.Barrier(4)

    def save(n: int) -> int:
        barrier.wait(timeout=30)
        return services.drafts.save(officer, DraftSave(form="incident", payload={"n": n})).id

    with ThreadPoolExecutor(max_workers=4) as pool:
        ids = list(pool.map(save, range(4)))
    assert len(set(ids)) == 1
    [draft] = services.drafts.for_actor(officer)
    assert draft.payload["n"] in range(4)
    creates = [e for e in services.audit.recent() if e.action == "draft.create"]
    assert len(creates) == 1
