"""Drafts per terminal (issue 13 item 3): two terminals of one officer typing into the same
record keep a draft each, and a terminal opening the record learns of a newer draft typed on
another one. Two Database objects on one store are the two terminals (SQLite and, with
SRO_TEST_DATABASE_URL, PostgreSQL)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from sro_tui.domain.drafts import DraftSave
from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, Clock


@pytest.fixture
def terminal_b(db_url: str, services: Services, clock: Clock) -> Iterator[Services]:
    """A second terminal on the same store as ``services`` (terminal "pytest")."""
    database = Database(db_url)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="laptop")
    finally:
        database.dispose()


def test_two_terminals_keep_a_draft_each_of_the_same_record(
    services: Services, terminal_b: Services, officer: Actor, clock: Clock
) -> None:
    a = services.drafts.save(officer, DraftSave(form="incident", key="7", payload={"n": "A"}))
    clock.advance(seconds=5)
    b = terminal_b.drafts.save(officer, DraftSave(form="incident", key="7", payload={"n": "B"}))
    clock.advance(seconds=5)
    # A keeps typing: its own draft moves on, B's stays as B left it.
    a2 = services.drafts.save(officer, DraftSave(form="incident", key="7", payload={"n": "A2"}))
    assert a2.id == a.id and b.id != a.id
    assert (a2.terminal, b.terminal) == ("pytest", "laptop")
    assert services.drafts.find(officer, "incident", "7").payload == {"n": "A2"}
    assert terminal_b.drafts.find(officer, "incident", "7").payload == {"n": "B"}
    kept = {d.terminal: d.payload for d in services.drafts.for_actor(officer)}
    assert kept == {"pytest": {"n": "A2"}, "laptop": {"n": "B"}}


def test_a_newer_draft_on_another_terminal_is_found(
    services: Services, terminal_b: Services, officer: Actor, clock: Clock
) -> None:
    assert services.drafts.elsewhere(officer, "note", "note-3") is None
    mine = services.drafts.save(officer, DraftSave(form="note", key="note-3", payload={"t": 1}))
    assert services.drafts.elsewhere(officer, "note", "note-3") is None  # only its own
    clock.advance(minutes=2)
    theirs = terminal_b.drafts.save(officer, DraftSave(form="note", key="note-3", payload={"t": 2}))
    found = services.drafts.elsewhere(officer, "note", "note-3", newer_than=mine.updated_at)
    assert found is not None and (found.id, found.payload) == (theirs.id, {"t": 2})
    assert found.terminal == "laptop"
    # From B's side, A's draft is older than B's own: nothing to say.
    assert (
        terminal_b.drafts.elsewhere(officer, "note", "note-3", newer_than=theirs.updated_at) is None
    )
    assert services.drafts.elsewhere(officer, "note", "note-4") is None  # another record


def test_another_officers_draft_is_never_offered(
    services: Services, terminal_b: Services, officer: Actor, other_officer: Actor
) -> None:
    terminal_b.drafts.save(other_officer, DraftSave(form="incident", key="9", payload={"x": 1}))
    assert services.drafts.elsewhere(officer, "incident", "9") is None
    assert services.drafts.find(officer, "incident", "9") is None


def test_a_draft_kept_before_terminals_is_taken_by_every_terminal(
    services: Services, terminal_b: Services, officer: Actor, db: Database
) -> None:
    old = services.drafts.save(officer, DraftSave(form="incident", key="5", payload={"o": 1}))
    with db.engine.begin() as connection:  # as migration 0009 leaves an older draft
        connection.execute(text("UPDATE drafts SET terminal = '' WHERE id = :id"), {"id": old.id})
    assert terminal_b.drafts.find(officer, "incident", "5").id == old.id
    assert terminal_b.drafts.elsewhere(officer, "incident", "5") is None
