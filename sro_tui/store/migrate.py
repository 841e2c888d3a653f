"""Schema migrations (Alembic), run from code: `sro db upgrade`, and on every open.

Opening a store that is already current imports no Alembic (with Mako and Pygments, about
12 MiB and a few hundred milliseconds of a terminal's start, issue 16): the stored revision
is read with one query and the head from the version files' text; anything else (a new, older
or unknown store) goes through Alembic as before.
"""

from __future__ import annotations

import re
import sys
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError, OperationalError

from ..domain.errors import StoreUnreachable
from .db import WRITE_OPTION, Database, friendly_store_error

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    from alembic.config import Config

    # Alembic's default stdout is the one at its import (a default argument): under pytest a
    # capture long closed, which made `command.check` fail to print "no new operations".
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    if len(heads) != 1:
        raise RuntimeError(f"migrations have {len(heads)} heads: {heads}")
    return heads[0]


def current_revision(db: Database) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def is_known_revision(revision: str) -> bool:
    """Whether ``revision`` is one of this app's migrations. One of the version files' plain
    chain answers without Alembic (a backup's check at the first sign-in of the day imported
    Alembic, Mako and Pygments for good: some 12 MiB of the app's peak, issue 16); anything
    else (a newer store's revision, files that are not a plain chain) asks Alembic."""
    chain = _quick_chain()
    if chain is not None and quick_head() is not None and revision in chain:
        return True
    from alembic.script import ScriptDirectory

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
            if revision == "head" and _stored_revision(connection) == quick_head():
                return  # current: no Alembic imported
            from alembic import command
            from alembic.runtime.migration import MigrationContext

            current = MigrationContext.configure(connection).get_current_revision()
            if current is not None and not is_known_revision(current):
                raise StoreUnreachable(
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
        raise StoreUnreachable(friendly_store_error(exc)) from exc


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
        raise StoreUnreachable(
            "That database holds other tables and is not an sro-tui store; choose another"
        )


def is_current(db: Database) -> bool:
    with db.engine.connect() as connection:
        if _stored_revision(connection) == quick_head():
            return True
    return current_revision(db) == head_revision()


_REVISION = re.compile(r"^revision(?:\s*:[^=]*)?\s*=\s*[\"']([^\"']+)[\"']", re.MULTILINE)
_DOWN = re.compile(r"^down_revision(?:\s*:[^=]*)?\s*=\s*(?:None|[\"']([^\"']+)[\"'])", re.MULTILINE)


@cache
def _quick_chain() -> dict[str, str | None] | None:
    """Each revision and the one before it, read from the version files' text
    (``revision = "0020"``, ``down_revision = "0019"``) without importing Alembic; None when
    a file does not say both plainly (Alembic decides then)."""
    chain: dict[str, str | None] = {}
    for path in sorted((MIGRATIONS / "versions").glob("*.py")):
        source = path.read_text(encoding="utf-8")
        revision, down = _REVISION.search(source), _DOWN.search(source)
        if revision is None or down is None or revision.group(1) in chain:
            return None
        chain[revision.group(1)] = down.group(1)
    return chain


@cache
def quick_head() -> str | None:
    """The head revision of the version files' text (:func:`_quick_chain`); None when the
    files are not a single plain chain (Alembic decides then)."""
    chain = _quick_chain()
    if chain is None:
        return None
    heads = set(chain) - set(chain.values())
    return heads.pop() if len(heads) == 1 else None


def _stored_revision(connection: Connection) -> str | None:
    """The one revision in the store's ``alembic_version`` table; None when there is no
    table or not exactly one row (Alembic decides then). Nothing fails inside the
    transaction: the table is looked for first."""
    if connection.dialect.name == "sqlite":
        found = connection.execute(
            text("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'alembic_version'")
        ).first()
    else:
        found = connection.execute(text("SELECT to_regclass('alembic_version')")).scalar()
    if not found:
        return None
    rows = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    return str(rows[0][0]) if len(rows) == 1 else None
