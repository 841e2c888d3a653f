"""PostgreSQL: every wait is bounded (issue 13, item 1). A terminal frozen while it holds the
audit lock (every write takes it) leaves the others with "busy, try again" within the
configured bound, not an endless wait; a session left idle inside a transaction is ended by
the server, which frees its locks. Run on a real server (SRO_TEST_DATABASE_URL)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sro_tui.bootstrap import OpenedStore, open_store
from sro_tui.config import Settings
from sro_tui.domain.errors import StoreUnreachable
from sro_tui.services.audit import AUDIT_ADVISORY_LOCK
from sro_tui.store.db import BUSY_MESSAGE, Database, ServerWaits
from tests.conftest import make_officer

BOUND = 1.0  # seconds: the lock timeout these tests set


@pytest.fixture
def pg_url(db_url: str, cli_home: Path) -> str:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only (SQLite has its busy timeout)")
    return db_url


@pytest.fixture
def terminal(pg_url: str) -> Iterator[OpenedStore]:
    """A terminal opened as the app opens one, with a short lock bound from the settings."""
    settings = Settings(database_url=pg_url, pg_lock_timeout_seconds=BOUND)
    store = open_store(settings, create=False)
    try:
        yield store
    finally:
        store.close()


def test_the_bounds_are_set_on_every_connection(terminal: OpenedStore) -> None:
    with terminal.services.db.read() as session:
        shown = {
            name: session.scalar(text(f"SHOW {name}"))
            for name in (
                "lock_timeout",
                "statement_timeout",
                "idle_in_transaction_session_timeout",
                "tcp_keepalives_idle",
                "jit",
            )
        }
    assert shown == {
        "lock_timeout": "1s",
        "statement_timeout": "1min",
        "idle_in_transaction_session_timeout": "1min",
        "tcp_keepalives_idle": "30",
        "jit": "off",
    }


def test_a_frozen_terminal_holding_the_audit_lock_makes_others_busy_within_the_bound(
    terminal: OpenedStore, pg_url: str
) -> None:
    officer = make_officer(terminal.services, "1001")
    frozen = Database(pg_url)  # another terminal, stopped in the middle of a save
    try:
        with frozen.write() as held:
            held.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_ADVISORY_LOCK})
            # An audited read no longer waits for this lock: its event waits in the
            # terminal's pending-read file (issue 13 item 7, test_audit_reads_under_lock.py).
            terminal.services.incidents.page(officer)
            for attempt in (lambda: make_officer(terminal.services, "1002"),):  # a save
                started = time.monotonic()
                with pytest.raises(StoreUnreachable) as caught:
                    attempt()
                waited = time.monotonic() - started
                assert str(caught.value) == BUSY_MESSAGE
                assert BOUND <= waited < BOUND + 3
    finally:
        frozen.dispose()
    # The lock is free again: the same save goes through.
    make_officer(terminal.services, "1002")


def test_a_session_idle_inside_a_transaction_is_ended_and_frees_the_lock(
    terminal: OpenedStore, pg_url: str
) -> None:
    make_officer(terminal.services, "1001")
    frozen = Database(pg_url, waits=ServerWaits(idle_in_transaction=1))
    try:
        with pytest.raises(StoreUnreachable, match="try again"), frozen.write() as held:
            held.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": AUDIT_ADVISORY_LOCK})
            time.sleep(2)  # frozen: the server ends this session after 1 s
            # The other terminal is no longer held up...
            started = time.monotonic()
            make_officer(terminal.services, "1002")
            assert time.monotonic() - started < BOUND
            # ...and the frozen one learns that its save did not happen.
            held.execute(text("SELECT 1"))
    finally:
        frozen.dispose()
