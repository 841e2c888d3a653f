"""Shared fixtures: a fresh real store per test (SQLite file always; PostgreSQL too when
SRO_TEST_DATABASE_URL is set), a clock the test controls, and signed-in actors."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from sro_tui.domain.officers import SYSTEM_ACTOR, Actor, OfficerCreate
from sro_tui.services.registry import Services, build_services, prepare_store
from sro_tui.store.db import Database

PG_URL = os.environ.get("SRO_TEST_DATABASE_URL", "")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
TEST_AUDIT_KEY = b"test-audit-key-0123456789abcdef!"
TEST_PASSWORD = "correct horse battery"


class Clock:
    """A clock the test moves by hand. Starts on a school day morning (Pacific time)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 9, 14, 15, 30, tzinfo=UTC)  # 08:30 in Ventura

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> datetime:
        self.now += timedelta(**kwargs)
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return str(tmp_path / "store.db")


@pytest.fixture
def pg_schema_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL server, dropped afterwards."""
    if not PG_URL:
        pytest.skip("SRO_TEST_DATABASE_URL is not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(make_url(PG_URL).set(drivername="postgresql+psycopg"))
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = (
        make_url(PG_URL)
        .set(drivername="postgresql+psycopg")
        .update_query_dict({"options": f"-csearch_path={schema}"})
    )
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return str(tmp_path / "store.db")
    return request.getfixturevalue("pg_schema_url")


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    try:
        yield database
    finally:
        database.dispose()


@pytest.fixture
def services(db: Database, clock: Clock) -> Services:
    """Services over a migrated store with reference data, on every backend."""
    prepare_store(db)
    return build_services(db, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest")


@pytest.fixture
def sqlite_services(sqlite_url: str, clock: Clock) -> Iterator[Services]:
    """Services over a SQLite file only (UI tests and anything SQLite-specific)."""
    database = Database(sqlite_url)
    prepare_store(database)
    try:
        yield build_services(database, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="pytest")
    finally:
        database.dispose()


def make_officer(
    services: Services, badge: str, role: str = "officer", school_codes: tuple[str, ...] = ("VHS",)
) -> Actor:
    """Create an officer assigned to the given schools and sign them in."""
    school_ids = [services.reference.school_by_code(code).id for code in school_codes]
    services.officers.create(
        SYSTEM_ACTOR,
        OfficerCreate(badge=badge, name=f"Officer {badge}", role=role, school_ids=school_ids),
        TEST_PASSWORD,
    )
    return services.officers.authenticate(badge, TEST_PASSWORD)


@pytest.fixture
def officer(services: Services) -> Actor:
    return make_officer(services, "1001", "officer")


@pytest.fixture
def other_officer(services: Services) -> Actor:
    return make_officer(services, "1002", "officer")


@pytest.fixture
def supervisor(services: Services) -> Actor:
    return make_officer(services, "2001", "supervisor", ("VHS", "BHS", "PHS", "FTHS"))


@pytest.fixture
def admin(services: Services) -> Actor:
    return make_officer(services, "3001", "admin", ())
