"""Migration 0021 (search over threat assessment cases) indexes the cases a store already
holds, on both backends, and going back down removes only its index."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sro_tui.domain.search import pg_vector
from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def _objects(db: Database) -> set[str]:
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            query = "SELECT name FROM sqlite_master WHERE name LIKE 'threat_cases_fts%'"
        else:
            query = "SELECT indexname FROM pg_indexes WHERE indexname = 'ix_threat_cases_fts'"
        return set(connection.scalars(text(query)))


def _found(db: Database, word: str) -> list[int]:
    with db.engine.begin() as connection:
        if db.engine.dialect.name == "sqlite":
            query = (
                "SELECT rowid FROM threat_cases_fts WHERE threat_cases_fts MATCH :w ORDER BY rowid"
            )
            return list(connection.scalars(text(query), {"w": f'"{word}"'}))
        vector = pg_vector("threat_cases.summary")  # the expression 0021 indexed
        query = (
            f"SELECT id FROM threat_cases WHERE {vector} @@ to_tsquery('simple', :w) ORDER BY id"
        )
        return list(connection.scalars(text(query), {"w": word}))


def test_0021_indexes_existing_threat_cases(db: Database) -> None:
    _to(db, "0020")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        student = _row(connection, "students", district_id="S1", school_id=school)
        case = _row(
            connection,
            "threat_cases",
            student_id=student,
            school_id=school,
            incident_id=None,
            lead_id=officer,
            closed_at=None,
            summary="Amenazó con traer un cuchillo al rally",
        )
    assert _objects(db) == set()
    _to(db, "0021")
    assert _objects(db) >= (
        {"threat_cases_fts"} if db.engine.dialect.name == "sqlite" else {"ix_threat_cases_fts"}
    )
    assert _found(db, "amenazo") == [case]  # accents folded
    assert _found(db, "cuchillo") == [case]
    # New cases are indexed as they are written (SQLite: the triggers).
    with db.engine.begin() as connection:
        later = _row(
            connection,
            "threat_cases",
            student_id=student,
            school_id=school,
            incident_id=None,
            lead_id=officer,
            closed_at=None,
            summary="Threat posted online",
        )
    assert _found(db, "online") == [later]
    _to(db, "0020", down=True)
    assert _objects(db) == set()
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM threat_cases")) == 2
