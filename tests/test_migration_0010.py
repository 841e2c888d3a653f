"""Migration 0010 moves existing data forward (both backends): an incident filed before it is
not voided, is at version 1 with no history rows, and is still found by full-text search
(on SQLite the migration must not copy the incidents table, which would drop the triggers
that keep its search index); no student is sealed; going back down keeps the incident."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def _triggers(db: Database) -> set[str]:
    if db.engine.dialect.name != "sqlite":
        return set()
    with db.engine.connect() as connection:
        return set(
            connection.scalars(
                text("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = :t"),
                {"t": "incidents"},
            )
        )


def test_0010_moves_existing_incidents_forward_and_back(db: Database) -> None:
    _to(db, "0009")
    triggers = _triggers(db)
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        location = _row(connection, "locations", code="HALL")
        incident = _row(
            connection,
            "incidents",
            number="SRO-2026-000001",
            school_id=school,
            officer_id=officer,
            location_id=location,
            status="approved",
            narrative="A zeppelin landed on the field",
        )
    _to(db, "0010")
    assert _triggers(db) == triggers
    with db.engine.begin() as connection:
        row = connection.execute(
            text(
                "SELECT voided_at, voided_by_id, void_reason, revision FROM incidents "
                "WHERE id = :id"
            ),
            {"id": incident},
        ).one()
        assert tuple(row) == (None, None, "", 1)
        assert connection.scalar(text("SELECT count(*) FROM incident_versions")) == 0
        assert connection.scalar(text("SELECT count(*) FROM student_seals")) == 0
        if db.engine.dialect.name == "sqlite":
            connection.execute(
                text("UPDATE incidents SET narrative = 'A blimp landed' WHERE id = :id"),
                {"id": incident},
            )
            found = connection.scalars(
                text("SELECT rowid FROM incidents_fts WHERE incidents_fts MATCH 'blimp'")
            ).all()
            assert found == [incident]
    _to(db, "0009", down=True)
    assert _triggers(db) == triggers
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT count(*) FROM incidents")) == 1
