"""Schema migrations (Alembic), run from code: `sro db upgrade`, and on every open."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from ..domain.errors import StoreUnavailable
from .db import Database

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


def upgrade(db: Database, revision: str = "head") -> None:
    """Bring the store to ``revision``. Refuses a store made by a newer sro-tui."""
    current = current_revision(db)
    if current is not None and not is_known_revision(current):
        raise StoreUnavailable(
            f"This store was made by a newer sro-tui (schema {current}); update the app first"
        )
    if not current:
        _refuse_foreign_database(db)
    config = alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


def _refuse_foreign_database(db: Database) -> None:
    """Never migrate into a database that already holds someone else's tables."""
    with db.engine.connect() as connection:
        if db.is_sqlite:
            rows = connection.execute(
                text("SELECT name FROM sqlite_master WHERE type='table'")
            ).all()
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
