"""Where a PostgreSQL store lives, recorded beside its store id, so that a copy knows it is
one (issue 12).

A SQLite copy is told apart by its file (the checkpoints name the file each store id was
written in). A PostgreSQL store is reached under many URLs (host names, addresses, a pooler),
so it records its own place instead: the server's system identifier (``pg_control_system()``,
where the role may read it) and the database name, with the store id they belong to. A dump
restored under another database name, or on another server, or a ``CREATE DATABASE …
TEMPLATE`` copy, finds another place than the one recorded for its store id: it is a copy,
and takes an id of its own at its first write (``AuditTrail._own_identity_if_copy``).
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from ..store.models import Setting

STORE_PLACE_SETTING = "store_place"
"""``<store id> <system identifier>/<database name>``: the store id's own database."""


def pg_place(session: Session) -> str:
    """This database's place: ``<system identifier>/<database name>`` (the identifier is
    empty when the role may not read it)."""
    may_read = "SELECT has_function_privilege('pg_control_system()', 'EXECUTE')"
    system = None
    if session.scalar(text(may_read)):
        system = session.scalar(text("SELECT system_identifier::text FROM pg_control_system()"))
    name = session.scalar(text("SELECT current_database()"))
    return f"{system or ''}/{name}"


def record_place(session: Session, store_id: str, place: str) -> None:
    row = session.get(Setting, STORE_PLACE_SETTING)
    value = f"{store_id} {place}"
    if row is None:
        session.add(Setting(key=STORE_PLACE_SETTING, value=value))
    elif row.value != value:
        row.value = value
    session.flush()


def copied_from(session: Session, store_id: str) -> tuple[str, str] | None:
    """(where the original is, where this copy is) when this database is a copy of the
    store ``store_id`` recorded elsewhere; None otherwise. A place not yet recorded for
    this store id (a store made before this check, or given a new id on purpose) is
    recorded here, in the caller's write transaction."""
    here = pg_place(session)
    row = session.get(Setting, STORE_PLACE_SETTING)
    recorded_id, _, recorded_place = (row.value if row else "").partition(" ")
    if recorded_id != store_id:
        record_place(session, store_id, here)
        return None
    if recorded_place == here:
        return None
    return recorded_place, here
