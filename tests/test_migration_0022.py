"""Migration 0022 (PostgreSQL): each searchable table gains a stored tsvector column, kept by
the server as rows are written and changed, with a GIN index on it; the expression indexes
it replaces are gone, and going back down restores them. SQLite is unchanged by it."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def _indexes(db: Database) -> set[str]:
    with db.engine.begin() as connection:
        query = (
            "SELECT indexname FROM pg_indexes "
            "WHERE indexname LIKE 'ix_%_fts' OR indexname LIKE 'ix_%_search_vector'"
        )
        return set(connection.scalars(text(query)))


def _found(db: Database, word: str) -> list[int]:
    with db.engine.begin() as connection:
        query = (
            "SELECT id FROM incidents WHERE search_vector @@ to_tsquery('simple', :w) ORDER BY id"
        )
        return list(connection.scalars(text(query), {"w": word}))


def test_0022_stores_each_tables_vector_and_keeps_it(db: Database) -> None:
    if db.engine.dialect.name == "sqlite":
        pytest.skip("PostgreSQL only: SQLite searches its FTS5 tables")
    _to(db, "0021")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        location = _row(connection, "locations", code="GYM")
        incident = _row(
            connection,
            "incidents",
            officer_id=officer,
            school_id=school,
            location_id=location,
            narrative="Encontró una navaja en la mochila",
        )
    before = _indexes(db)
    assert "ix_incidents_narrative_fts" in before
    _to(db, "0022")
    after = _indexes(db)
    tables = (
        "incidents",
        "notes",
        "referrals",
        "students",
        "trespass_warnings",
        "calls_for_service",
        "threat_cases",
    )
    assert after == {f"ix_{table}_search_vector" for table in tables}
    assert _found(db, "encontro") == [incident]  # accents folded, existing rows indexed
    with db.engine.begin() as connection:  # a change is indexed as it is written
        connection.execute(
            text("UPDATE incidents SET narrative = 'A vape pen by the gym' WHERE id = :i"),
            {"i": incident},
        )
    assert _found(db, "navaja") == []
    assert _found(db, "vape") == [incident]
    _to(db, "0021", down=True)
    assert _indexes(db) == before
