"""Test stores made from a template: migrate and seed once per test process, copy per test.

Running the Alembic migrations 0001→head and seeding the reference data costs a second or more
under load; copying a ready store costs milliseconds. Every test still gets its own real store
(a SQLite file of its own, or a PostgreSQL database of its own), exactly as `sro init
--sample-schools` leaves it (the four sample high schools the tests use), with its own store
id. The migrations themselves stay tested from empty to head in
``test_migrations.py``.
"""

from __future__ import annotations

import itertools
import os
import shutil
import sqlite3
import uuid
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from sro_tui.services.registry import prepare_store
from sro_tui.store.db import Database

STORE_ID_KEY = "store_id"  # written by migration 0004; every store has its own


def worker_name() -> str:
    """``gw0``, ``gw1``… under pytest-xdist, ``main`` without it."""
    return os.environ.get("PYTEST_XDIST_WORKER", "main")


# --- SQLite ------------------------------------------------------------------------------------


def build_sqlite_template(path: Path, fill: Callable[[Database], None] | None = None) -> Path:
    """A migrated, seeded store at ``path``, its write-ahead log folded in, ready to copy."""
    database = Database(str(path))
    try:
        prepare_store(database, sample_schools=True)
        if fill is not None:
            fill(database)
        with database.engine.connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        database.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


def copy_sqlite_store(template: Path, target: Path) -> Path:
    """A copy of the template with an id of its own, as a new store would have."""
    shutil.copyfile(template, target)
    connection = sqlite3.connect(target, isolation_level=None)
    try:
        connection.execute(
            "UPDATE settings SET value = ? WHERE key = ?", (uuid.uuid4().hex, STORE_ID_KEY)
        )
    finally:
        connection.close()
    return target


# --- PostgreSQL --------------------------------------------------------------------------------


class PostgresStores:
    """Databases on the test server: one template per test process, one copy per test.

    ``CREATE DATABASE … TEMPLATE`` copies a migrated store in tens of milliseconds. Names start
    with the test database's own name, so ``.ci/run`` can drop whatever a killed run left.
    """

    def __init__(self, base_url: str) -> None:
        self.base = make_url(base_url).set(drivername="postgresql+psycopg")
        assert self.base.database, "SRO_TEST_DATABASE_URL must name a database"
        self.prefix = f"{self.base.database}_{worker_name()}"[:40]
        self.admin: Engine = create_engine(self.base, isolation_level="AUTOCOMMIT")
        self.template = f"{self.prefix}_template"
        self._counter = itertools.count(1)
        self._template_ready = False

    def url(self, name: str) -> str:
        return self.base.set(database=name).render_as_string(hide_password=False)

    def _create(self, name: str, template: str = "template0") -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))

    def drop(self, name: str) -> None:
        with self.admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

    def _ensure_template(self) -> None:
        if self._template_ready:
            return
        self._create(self.template)
        database = Database(self.url(self.template))
        try:
            prepare_store(database, sample_schools=True)
        finally:
            database.dispose()  # a template must have no connections when it is copied
        self._template_ready = True

    def new_database(self, *, prepared: bool) -> str:
        """The name of a new database: a copy of the template, or empty."""
        name = f"{self.prefix}_{next(self._counter)}"
        if prepared:
            self._ensure_template()
            self._create(name, self.template)
            engine = create_engine(self.base.set(database=name))
            try:
                with engine.begin() as connection:
                    connection.execute(
                        text("UPDATE settings SET value = :v WHERE key = :k"),
                        {"v": uuid.uuid4().hex, "k": STORE_ID_KEY},
                    )
            finally:
                engine.dispose()
        else:
            self._create(name)
        return name

    def close(self) -> None:
        if self._template_ready:
            self.drop(self.template)
        self.admin.dispose()
