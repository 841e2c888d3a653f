"""Migration 0019 (search over trespass warnings and calls for service) indexes what a store
already holds, on both backends, and going back down removes only its indexes."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sro_tui.domain.search import pg_vector
from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to

INDEXES = ("ix_trespass_warnings_fts", "ix_calls_for_service_fts")
FTS_TABLES = ("trespass_warnings_fts", "calls_for_service_fts")
VECTORS_0019 = {
    "trespass_warnings": pg_vector(
        "trespass_warnings.person_name || ' ' || trespass_warnings.description"
    ),
    "calls_for_service": pg_vector(
        "calls_for_service.caller || ' ' || calls_for_service.what || ' ' "
        "|| calls_for_service.location"
    ),
}


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def _objects(db: Database) -> set[str]:
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE name LIKE '%_fts%'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE indexname LIKE '%_fts'"
        return set(connection.scalars(text(query)))


def _found(db: Database, table: str, word: str) -> list[int]:
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            fts = f"{table}_fts"
            query = f"SELECT rowid FROM {fts} WHERE {fts} MATCH :w ORDER BY rowid"
            return list(connection.scalars(text(query), {"w": f'"{word}"'}))
        vector = VECTORS_0019[table]  # the expressions 0019 indexed
        query = f"SELECT id FROM {table} WHERE {vector} @@ to_tsquery('simple', :w) ORDER BY id"
        return list(connection.scalars(text(query), {"w": word}))


def test_0019_indexes_existing_warnings_and_calls(db: Database) -> None:
    _to(db, "0018")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        warning = _row(
            connection,
            "trespass_warnings",
            officer_id=officer,
            student_id=None,
            incident_id=None,
            person_name="Jonás Fencewalker",
            description="grey hoodie",
        )
        call = _row(
            connection,
            "calls_for_service",
            officer_id=officer,
            school_id=school,
            caller="Ms. Lee",
            what="Loose dog",
            location="north field",
        )
    before = _objects(db)
    _to(db, "0019")
    assert _objects(db) - before >= (
        {f for f in FTS_TABLES} if db.engine.dialect.name == "sqlite" else set(INDEXES)
    )
    assert _found(db, "trespass_warnings", "jonas") == [warning]  # accents folded
    assert _found(db, "trespass_warnings", "hoodie") == [warning]
    for word in ("lee", "dog", "north"):
        assert _found(db, "calls_for_service", word) == [call]
    _to(db, "0018", down=True)
    assert _objects(db) == before
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM trespass_warnings")) == 1
