"""Change notification: which kinds of record other terminals changed, asked for cheaply.

Every change to a record is audited, and the audit event names the record's type. A screen's
open list asks :meth:`ChangeWatcher.poll` about once a second (off the UI thread) and reloads
when a kind it shows has changed.

* SQLite: ``PRAGMA data_version`` on a connection of the watcher's own (it changes when any
  other connection commits); only then are the audit events newer than the last one seen
  read, by their primary key (a range on the index, never a table scan).
* PostgreSQL: the services' commit path NOTIFYs the channel ``sro_changes`` with the record's
  type (:func:`notify`, delivered at commit, never for a rolled-back change); the watcher
  LISTENs on a connection of its own and polls it without a round trip.

Reads are audited too, but they change nothing a list shows: their events are left out (else
every terminal's reload, itself an audited read, would make every other terminal reload).
Changes this Database made itself are left out too (the screen that made them reloads on its
own): SQLite by the ids of the events it appended (:meth:`ChangeWatcher.mine`), PostgreSQL by
a token of this Database in each notification's payload.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.orm import Session

from ..domain.changes import EVERYTHING

__all__ = ["CHANNEL", "EVERYTHING", "ChangeWatcher", "is_change", "notify"]

log = logging.getLogger(__name__)

CHANNEL = "sro_changes"
_READ_SUFFIXES = (".read", ".list", ".timeline", ".run", ".verify", ".verify_records", ".export")
_READ_ACTIONS = frozenset({"audit.pending"})


def is_change(action: str, outcome: str = "success") -> bool:
    """Whether an audit event records a change to a record (not a read, not a refusal)."""
    if outcome != "success":
        return False
    return action not in _READ_ACTIONS and not action.endswith(_READ_SUFFIXES)


def notify(
    session: Session,
    watcher: ChangeWatcher,
    event_id: int,
    action: str,
    record_type: str,
    outcome: str,
) -> None:
    """The audit event ``event_id`` was appended in ``session``: on PostgreSQL, tell the
    watchers of other terminals (at commit) that a record of ``record_type`` changed; on
    SQLite, tell this store's own watcher to leave the event out (it is this terminal's)."""
    if not (record_type and is_change(action, outcome)):
        return
    if watcher.is_sqlite:
        watcher.mine(event_id)
    else:
        payload = f"{record_type} {watcher.token}"
        session.execute(text("SELECT pg_notify(:c, :k)"), {"c": CHANNEL, "k": payload})


class ChangeWatcher:
    """One store's change watcher (one connection of its own, opened at the first poll)."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.is_sqlite = engine.dialect.name == "sqlite"
        self._lock = threading.Lock()
        self._connection: Any = None  # the pool's DBAPI connection, kept for the watch
        self._data_version: int | None = None
        self._last_id = 0
        self._watched_before = False
        self.token = uuid.uuid4().hex[:12]
        """Names this Database in its PostgreSQL notifications (its own are left out)."""
        self._mine: set[int] = set()

    def poll(self, timeout: float = 0.0) -> set[str]:
        """The record types changed by others since the last poll (``EVERYTHING`` after the
        watch was re-established). Waits up to ``timeout`` seconds on PostgreSQL for a first
        notification; on SQLite, one pragma when nothing changed."""
        with self._lock:
            try:
                if self._connection is None:
                    self._open()
                    # A first watch starts now (nothing is new to it); a watch taken up again
                    # after a dropped connection may have missed changes: reload everything.
                    again, self._watched_before = self._watched_before, True
                    return {EVERYTHING} if again else set()
                return self._sqlite_poll() if self.is_sqlite else self._pg_poll(timeout)
            except Exception as exc:  # a dropped connection: watch again at the next poll
                log.info("change watch interrupted: %s", type(exc).__name__)
                self._close()
                return set()

    def _open(self) -> None:
        connection = self.engine.raw_connection()
        try:
            if self.is_sqlite:
                cursor = connection.cursor()
                try:
                    self._data_version = int(cursor.execute("PRAGMA data_version").fetchone()[0])
                    newest = cursor.execute("SELECT max(id) FROM audit_events").fetchone()[0]
                    self._last_id = int(newest or 0)
                finally:
                    cursor.close()
            else:
                driver = connection.driver_connection
                assert driver is not None
                driver.rollback()
                driver.autocommit = True
                driver.execute(f"LISTEN {CHANNEL}")
        except BaseException:
            connection.invalidate()
            raise
        self._connection = connection

    def _sqlite_poll(self) -> set[str]:
        cursor = self._connection.cursor()
        try:
            version = int(cursor.execute("PRAGMA data_version").fetchone()[0])
            if version == self._data_version:
                return set()
            self._data_version = version
            rows = cursor.execute(
                "SELECT id, action, record_type, outcome FROM audit_events "
                "WHERE id > ? ORDER BY id",
                (self._last_id,),
            ).fetchall()
        finally:
            cursor.close()
        kinds: set[str] = set()
        for event_id, action, record_type, outcome in rows:
            self._last_id = max(self._last_id, int(event_id))
            if event_id in self._mine:
                continue
            if record_type and is_change(action, outcome):
                kinds.add(record_type)
        self._mine = {i for i in self._mine if i > self._last_id}
        return kinds

    def mine(self, event_id: int) -> None:
        """The event ``event_id`` records a change this Database made (SQLite): not news.
        (Kept only while a watch runs, and only until a poll has passed it.)"""
        with self._lock:
            if self._connection is not None:
                self._mine.add(event_id)

    def _pg_poll(self, timeout: float) -> set[str]:
        driver = self._connection.driver_connection
        payloads = [n.payload for n in driver.notifies(timeout=timeout, stop_after=1)]
        if payloads:  # the rest of what has arrived, without waiting again
            payloads += [n.payload for n in driver.notifies(timeout=0)]
        kinds: set[str] = set()
        for payload in payloads:
            kind, _, token = payload.partition(" ")
            if token != self.token:
                kinds.add(kind)
        return kinds

    def close(self) -> None:
        with self._lock:
            self._close()

    def _close(self) -> None:
        if self._connection is not None:
            with contextlib.suppress(Exception):
                if not self.is_sqlite:
                    self._connection.driver_connection.execute("UNLISTEN *")
                self._connection.invalidate()  # never handed to a session afterwards
            self._connection = None
