"""Migration 0013 (trespass warnings, calls for service) moves an existing store forward on
both backends: its rows stay, the new tables take rows that refer to them, and going back
down drops only the new tables."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to

NEW_TABLES = {
    "trespass_warnings",
    "trespass_warning_schools",
    "trespass_violations",
    "calls_for_service",
}


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def test_0013_adds_the_tables_and_keeps_the_store(db: Database) -> None:
    _to(db, "0012")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
    assert NEW_TABLES.isdisjoint(inspect(db.engine).get_table_names())
    _to(db, "0013")
    assert set(inspect(db.engine).get_table_names()) >= NEW_TABLES
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT code FROM schools WHERE id = :i"), {"i": school})
        warning = _row(
            connection, "trespass_warnings", officer_id=officer, student_id=None, incident_id=None
        )
        connection.execute(
            text("INSERT INTO trespass_warning_schools (warning_id, school_id) VALUES (:w, :s)"),
            {"w": warning, "s": school},
        )
        _row(connection, "calls_for_service", officer_id=officer, school_id=school)
    _to(db, "0012", down=True)
    assert NEW_TABLES.isdisjoint(inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT badge FROM officers WHERE id = :i"), {"i": officer})
