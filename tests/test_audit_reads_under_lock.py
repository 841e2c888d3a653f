"""Audited reads do not queue behind writers (issue 13 item 7).

While another terminal holds the write lock (SQLite: BEGIN IMMEDIATE; PostgreSQL: the audit
advisory lock every write takes), a list's first page and an opened report still come back:
the read runs in a read transaction, and its audit event, which cannot be appended yet, is
kept durably in this terminal's pending-read file. Once the lock is free the events land in
the chain, in order, with the time of the read, and the chain verifies. A read whose event
can be neither appended nor kept is not shown. Both backends.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.domain.officers import Actor
from sro_tui.domain.search import ALL_KINDS
from sro_tui.services.audit import AUDIT_ADVISORY_LOCK
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import BUSY_MESSAGE, READ_ONLY_MESSAGE, Database, ServerWaits
from sro_tui.store.models import AuditEvent
from tests.conftest import TEST_AUDIT_KEY, Clock, make_officer
from tests.test_incidents import new_incident, submitted


@contextmanager
def write_lock_held(url: str) -> Iterator[None]:
    """Another terminal in the middle of a save, holding the lock every write needs."""
    other = Database(url)
    try:
        with other.write() as session:
            if not other.is_sqlite:
                session.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_ADVISORY_LOCK}
                )
            yield
    finally:
        other.dispose()


def events(services: Services) -> list[tuple[str, str, str]]:
    with services.db.read() as session:
        rows = session.execute(
            select(AuditEvent.action, AuditEvent.badge, AuditEvent.detail).order_by(AuditEvent.id)
        )
        return [tuple(r) for r in rows]  # type: ignore[misc]


def count(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


@pytest.fixture
def pending(services: Services, tmp_path: Path) -> Path:
    folder = tmp_path / "audit-pending"
    services.audit.pending_folder = folder
    return folder


def test_reads_return_while_another_terminal_holds_the_write_lock(
    services: Services,
    officer: Actor,
    supervisor: Actor,
    db_url: str,
    pending: Path,
    clock: Clock,
) -> None:
    incident_id = submitted(services, officer)
    found = len(services.search.search(officer, "fought"))  # nothing holds the lock
    before = count(services)
    with write_lock_held(db_url):
        clock.advance(seconds=1)
        page = services.incidents.page(officer)
        opened = services.incidents.get(officer, incident_id)
        queue = services.incidents.review_queue(supervisor)
        notes = services.notes.page(officer)
        hits = services.search.search(officer, "fought")
        # Every read came back with its rows while the lock was held...
        assert [i.id for i in page.items] == [incident_id]
        assert opened.id == incident_id
        assert [i.id for i in queue.items] == [incident_id]
        assert notes.items == []
        assert len(hits) == found
        # ...and none of their events is in the chain yet: they wait, kept on disk.
        assert count(services) == before
        kept = [json.loads(line) for f in pending.rglob("*.jsonl") for line in f.open()]
        assert len(kept) == 5
    read_at = clock()
    # The lock is free: the next audited read appends the waiting events first, in order.
    clock.advance(seconds=5)
    services.incidents.page(officer)
    assert events(services)[before:] == [
        ("incident.list", "1001", "scope own, 1 rows"),
        ("incident.read", "1001", ""),
        ("incident.list", "2001", "review queue, 1 rows"),
        ("note.list", "1001", "scope own, 0 rows"),
        ("search.run", "1001", f"{found} hits; kinds: {','.join(sorted(ALL_KINDS))}"),
        ("incident.list", "1001", "scope own, 1 rows"),
    ]
    with services.db.read() as session:
        times = list(
            session.scalars(
                select(AuditEvent.at).where(AuditEvent.id > before).order_by(AuditEvent.id)
            )
        )
    assert all(t.timestamp() == pytest.approx(read_at.timestamp(), abs=0.02) for t in times[:5])
    assert times[5].timestamp() == pytest.approx(read_at.timestamp() + 5, abs=0.02)
    assert services.audit.check_chain().ok
    assert not [line for f in pending.rglob("*.jsonl") for line in f.open()]


def test_waiting_events_are_appended_by_flush_and_by_the_next_terminal(
    services: Services, officer: Actor, db_url: str, pending: Path, clock: Clock
) -> None:
    before = count(services)
    with write_lock_held(db_url):
        services.incidents.page(officer)
        assert services.audit.flush_pending() is False  # still busy: they keep waiting
    # This terminal ends without appending them (a crash): its file stays behind.
    own = services.audit.pending_reads()
    assert own is not None and own._file is not None
    own._file.close()  # what the process's end does to its lock
    own._file = None
    later = build_services(
        Database(db_url), audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest-2"
    )
    try:
        later.audit.pending_folder = pending
        assert later.audit.flush_pending() is True
        assert [e[0] for e in events(later)[before:]] == ["incident.list"]
        assert not list(pending.rglob("*.jsonl"))
        assert later.audit.check_chain().ok
    finally:
        later.db.dispose()


def test_an_edited_waiting_event_is_reported_not_appended(
    services: Services, officer: Actor, db_url: str, pending: Path
) -> None:
    before = count(services)
    with write_lock_held(db_url):
        services.incidents.page(officer)
    (kept,) = pending.rglob("*.jsonl")
    kept.write_text(kept.read_text().replace("1001", "9999"))
    services.audit.flush_pending()
    assert [(a, b) for a, b, _ in events(services)[before:]] == [("audit.pending", "")]


def test_a_read_whose_event_can_be_neither_appended_nor_kept_is_not_shown(
    db_url: str, officer: Actor, services: Services, tmp_path: Path, clock: Clock
) -> None:
    submitted(services, officer)
    brief = build_services(
        Database(db_url, waits=ServerWaits(lock=0.5)),
        audit_key=TEST_AUDIT_KEY,
        clock=clock,
        terminal="pytest",
    )
    try:
        blocker = tmp_path / "not-a-folder"
        blocker.write_text("")
        brief.audit.pending_folder = blocker / "audit-pending"  # cannot be made
        before = count(brief)
        with write_lock_held(db_url), pytest.raises(StoreUnreachable) as caught:
            brief.incidents.page(officer)
        assert str(caught.value) == BUSY_MESSAGE
        assert count(brief) == before
    finally:
        brief.db.dispose()


def test_a_read_only_store_refuses_reads_and_keeps_nothing_aside(
    sqlite_services: Services, sqlite_url: str, tmp_path: Path, clock: Clock
) -> None:
    officer = make_officer(sqlite_services, "1001")
    sqlite_services.incidents.create(officer, new_incident(sqlite_services))
    read_only = build_services(
        Database(f"sqlite:///{sqlite_url}?mode=ro"),
        audit_key=TEST_AUDIT_KEY,
        clock=clock,
        terminal="pytest",
    )
    try:
        read_only.audit.pending_folder = tmp_path / "audit-pending"
        with pytest.raises(StoreUnreachable) as caught:
            read_only.incidents.page(officer)
        assert str(caught.value) == READ_ONLY_MESSAGE
        assert "open it read-write" in READ_ONLY_MESSAGE
        assert not (tmp_path / "audit-pending").exists()
        # The trail itself is still checked, without writing.
        assert read_only.audit.check_chain().ok
    finally:
        read_only.db.dispose()
