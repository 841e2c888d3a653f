"""Migration 0011 moves existing data forward (both backends): schools keep their rows, ids and
officers' assignments and have no district number yet; existing checklist template items stay
on every school's checklist (no school); two schools cannot share a district number; going
back down keeps the schools."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def test_0011_moves_schools_and_templates_forward_and_back(db: Database) -> None:
    _to(db, "0010")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="CMS", level="middle")
        connection.execute(
            text("UPDATE schools SET name = 'Cabrillo Middle' WHERE id = :id"), {"id": school}
        )
        officer = _row(connection, "officers", badge="1001")
        connection.execute(
            text("INSERT INTO officer_schools (officer_id, school_id) VALUES (:o, :s)"),
            {"o": officer, "s": school},
        )
        item = _row(connection, "checklist_template_items", position=1, label="Gate check")
    _to(db, "0011")
    with db.engine.begin() as connection:
        row = connection.execute(
            text("SELECT code, name, level, district_number FROM schools WHERE id = :id"),
            {"id": school},
        ).one()
        assert tuple(row) == ("CMS", "Cabrillo Middle", "middle", None)
        assigned = connection.scalar(
            text("SELECT school_id FROM officer_schools WHERE officer_id = :o"), {"o": officer}
        )
        assert assigned == school
        template = connection.execute(
            text("SELECT label, school_id FROM checklist_template_items WHERE id = :id"),
            {"id": item},
        ).one()
        assert tuple(template) == ("Gate check", None)
        connection.execute(
            text("UPDATE schools SET district_number = '0412' WHERE id = :id"), {"id": school}
        )
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _row(connection, "schools", code="OTHER", district_number="0412")
    _to(db, "0010", down=True)
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT code FROM schools WHERE id = :id"), {"id": school})
        assert connection.scalar(text("SELECT count(*) FROM checklist_template_items")) == 1
