"""Migration 0017 (threat assessment cases) moves an existing store forward on both backends:
its rows stay, the new tables take rows that refer to them, and going back down drops only the
new tables."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to

NEW_TABLES = {
    "threat_cases",
    "threat_case_members",
    "threat_case_events",
    "threat_follow_ups",
    "threat_case_links",
}


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def test_0017_adds_the_tables_and_keeps_the_store(db: Database) -> None:
    _to(db, "0016")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        student = _row(connection, "students", district_id="100200", school_id=school)
    assert NEW_TABLES.isdisjoint(inspect(db.engine).get_table_names())
    _to(db, "0017")
    assert set(inspect(db.engine).get_table_names()) >= NEW_TABLES
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT code FROM schools WHERE id = :i"), {"i": school})
        case = _row(
            connection,
            "threat_cases",
            student_id=student,
            school_id=school,
            incident_id=None,
            lead_id=officer,
            closed_at=None,
        )
        assert connection.scalar(
            text("SELECT version FROM threat_cases WHERE id = :i"), {"i": case}
        )
        connection.execute(
            text("INSERT INTO threat_case_members (case_id, officer_id) VALUES (:c, :o)"),
            {"c": case, "o": officer},
        )
        connection.execute(
            text("INSERT INTO threat_case_links (case_id, kind, record_id) VALUES (:c, 'note', 9)"),
            {"c": case},
        )
        _row(connection, "threat_case_events", case_id=case, by_id=officer, from_stage=None)
        _row(connection, "threat_follow_ups", case_id=case, officer_id=officer, done_at=None)
    _to(db, "0016", down=True)
    assert NEW_TABLES.isdisjoint(inspect(db.engine).get_table_names())
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT badge FROM officers WHERE id = :i"), {"i": officer})
        assert connection.scalar(
            text("SELECT district_id FROM students WHERE id = :i"), {"i": student}
        )
