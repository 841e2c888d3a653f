"""Schema migrations (Alembic), run from code: `sro db upgrade`, and on every open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

from ..domain.errors import StoreUnavailable
from .db import WRITE_OPTION, Database, friendly_store_error

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(db: Database) -> str | None:
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except Exception:
        return False


# Any constant shared by every terminal: it names the lock that serialises upgrades.
MIGRATION_ADVISORY_LOCK = 0x5_12_0_D1B0


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the store to ``revision``. Refuses a store made by a newer sro-tui, and a
    database holding someone else's tables.

    Several terminals may open a new store at the same moment: the check and the upgrade run
    in one transaction that holds the write lock from its start (SQLite: BEGIN IMMEDIATE;
    PostgreSQL: an advisory lock), so the second terminal waits, then finds the schema
    already current instead of failing half-way through creating it.
    """
    engine = db.engine.execution_options(**{WRITE_OPTION: True})  # SQLite: BEGIN IMMEDIATE
    try:
        with engine.begin() as connection:
            if not db.is_sqlite:
                # An upgrade of a large store may run long statements (an index on every
                # row): only its lock waits stay bounded.
                connection.execute(text("SET LOCAL statement_timeout = 0"))
                connection.execute(
                    text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_ADVISORY_LOCK}
                )
            current = MigrationContext.configure(connection).get_current_revision()
            if current is not None and not is_known_revision(current):
                raise StoreUnavailable(
                    f"This store was made by a newer sro-tui (schema {current}); "
                    "update the app first"
                )
            if not current:
                _refuse_foreign_database(connection, sqlite=db.is_sqlite)
            if revision == "head" and current == head_revision():
                return
            config = alembic_config()
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
    except (OperationalError, DBAPIError) as exc:
        raise StoreUnavailable(friendly_store_error(exc)) from exc


def _refuse_foreign_database(connection: Connection, *, sqlite: bool) -> None:
    """Never migrate into a database that already holds someone else's tables."""
    if sqlite:
        rows = connection.execute(text("SELECT name FROM sqlite_master WHERE type='table'")).all()
    else:
        rows = connection.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        ).all()
    names = {row[0] for row in rows} - {"alembic_version"}
    if names:
        raise StoreUnavailable(
            "That database holds other tables and is not an sro-tui store; choose another"
        )


def is_current(db: Database) -> bool:
    return current_revision(db) == head_revision()
