"""A `Database` for the commands that do not open the store through ``open_store`` (a check
that must not upgrade it, a restore that must not open it first, the audit key's
fingerprint): the same limits as the app, so a stalled PostgreSQL terminal gives them the
same "busy, try again" within SRO_PG_LOCK_TIMEOUT_SECONDS instead of an endless wait.
SQLite's busy timeout is the store's own (``store.db.BUSY_TIMEOUT_SECONDS``) everywhere."""

from __future__ import annotations

from ..bootstrap import read_sqlcipher_key
from ..config import Settings
from ..store.db import Database, ServerWaits


def server_waits(settings: Settings) -> ServerWaits:
    """The PostgreSQL wait limits from the settings (SRO_PG_*), as the app uses them."""
    return ServerWaits(
        lock=settings.pg_lock_timeout_seconds,
        statement=settings.pg_statement_timeout_seconds,
        idle_in_transaction=settings.pg_idle_in_transaction_seconds,
    )


def settings_database(settings: Settings, *, with_key: bool = True) -> Database:
    """The store the settings point at, not yet connected, with the app's wait limits
    (and its SQLCipher key unless ``with_key`` is False)."""
    key = read_sqlcipher_key(settings) if with_key else None
    return Database(settings.store_location(), sqlcipher_key=key, waits=server_waits(settings))
