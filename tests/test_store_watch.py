"""Change notification between terminals (issue 13 item 9), on SQLite and PostgreSQL.

Two Database objects on one store, as two terminals: a change saved through one makes the
other's watcher name the kind of record that changed; reads (themselves audited) and
refusals do not, so one terminal's reload never sets off another's.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from sro_tui.domain.officers import Actor
from sro_tui.services.registry import Services
from sro_tui.store.db import Database
from sro_tui.store.watch import ChangeWatcher
from tests.test_incidents import new_incident


@pytest.fixture
def other_terminal(db_url: str) -> Iterator[Database]:
    other = Database(db_url)
    try:
        yield other
    finally:
        other.dispose()


def heard(watcher: ChangeWatcher, seconds: float = 5.0) -> set[str]:
    """What the watcher reports, polling as the app does until something comes (or not)."""
    deadline = time.monotonic() + seconds
    found: set[str] = set()
    while not found and time.monotonic() < deadline:
        found = watcher.poll(timeout=0.2)
        if not found:
            time.sleep(0.05)
    return found


def test_a_change_through_one_terminal_fires_the_other_terminals_watcher(
    services: Services, officer: Actor, other_terminal: Database
) -> None:
    watcher = other_terminal.changes()
    assert watcher.poll() == set()  # the watch starts
    incident = services.incidents.create(officer, new_incident(services))
    assert heard(watcher) == {"incident"}
    assert watcher.poll() == set()  # told once
    services.incidents.submit(officer, incident.id)
    assert heard(watcher) == {"incident"}


def test_reads_do_not_fire_the_watcher(
    services: Services, officer: Actor, other_terminal: Database
) -> None:
    services.incidents.create(officer, new_incident(services))
    watcher = other_terminal.changes()
    watcher.poll()
    services.incidents.page(officer)  # an audited read: an audit event, no change
    services.notes.page(officer)
    assert heard(watcher, seconds=1.0) == set()


def test_a_watch_after_the_store_was_closed_and_opened_again(
    services: Services, officer: Actor, db_url: str
) -> None:
    first = Database(db_url)
    try:
        watcher = first.changes()
        watcher.poll()
        services.incidents.create(officer, new_incident(services))
        assert heard(watcher) == {"incident"}
    finally:
        first.dispose()  # closes the watcher's connection with the store
    assert watcher._connection is None


def test_a_terminal_is_not_told_of_its_own_changes(services: Services, officer: Actor) -> None:
    watcher = services.db.changes()
    watcher.poll()
    services.incidents.create(officer, new_incident(services))  # this terminal's own save
    assert heard(watcher, seconds=1.0) == set()
