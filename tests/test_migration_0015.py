"""Migration 0015 moves existing outcomes forward (both backends): each comma-separated value
of incident_people.outcomes becomes a row of incident_person_outcomes, in its order (text
written another way is read too), the column goes, and incidents get initiated_by (NULL: not
recorded); one person cannot hold an outcome twice; going back down writes the text again."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to

OLD = {
    "two": "arrest,citation",
    "one": "referral to services",
    "none": "",
    "spaces": "warning mediation",
    "comma-space": "resolved by officer, handled by school",
    "twice": "arrest,arrest",
}


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def _outcomes(connection, person: int) -> list[tuple[str, int]]:
    rows = connection.execute(
        text(
            "SELECT outcome, position FROM incident_person_outcomes "
            "WHERE person_id = :p ORDER BY position"
        ),
        {"p": person},
    )
    return [tuple(r) for r in rows]


def test_0015_moves_outcomes_to_rows_and_back(db: Database) -> None:
    _to(db, "0014")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        location = _row(connection, "locations", code="HALLWAY")
        incident = _row(
            connection,
            "incidents",
            number="SRO-2026-000001",
            status="approved",
            school_id=school,
            officer_id=officer,
            location_id=location,
            approved_by_id=None,
        )
        people = {}
        for key, stored in OLD.items():
            connection.execute(
                text(
                    "INSERT INTO incident_people (incident_id, role, name, juvenile, outcomes, "
                    "custodial) VALUES (:i, 'suspect', :n, false, :o, false)"
                ),
                {"i": incident, "n": f"Person {key}", "o": stored},
            )
            people[key] = connection.scalar(
                text("SELECT id FROM incident_people WHERE name = :n"), {"n": f"Person {key}"}
            )
    _to(db, "0015")
    with db.engine.begin() as connection:
        assert _outcomes(connection, people["two"]) == [("arrest", 0), ("citation", 1)]
        assert _outcomes(connection, people["one"]) == [("referral to services", 0)]
        assert _outcomes(connection, people["none"]) == []
        assert _outcomes(connection, people["spaces"]) == [("warning", 0), ("mediation", 1)]
        assert _outcomes(connection, people["comma-space"]) == [
            ("resolved by officer", 0),
            ("handled by school", 1),
        ]
        assert _outcomes(connection, people["twice"]) == [("arrest", 0)]
        columns = {c["name"] for c in inspect(connection).get_columns("incident_people")}
        assert "outcomes" not in columns
        assert (
            connection.scalar(
                text("SELECT initiated_by FROM incidents WHERE id = :i"), {"i": incident}
            )
            is None
        )
        connection.execute(
            text("UPDATE incidents SET initiated_by = 'school official' WHERE id = :i"),
            {"i": incident},
        )
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO incident_person_outcomes (person_id, outcome, position) "
                "VALUES (:p, 'arrest', 5)"
            ),
            {"p": people["two"]},
        )
    _to(db, "0014", down=True)
    with db.engine.begin() as connection:
        back = dict(
            (r[0], r[1])
            for r in connection.execute(text("SELECT id, outcomes FROM incident_people"))
        )
        assert back[people["two"]] == "arrest,citation"
        assert back[people["none"]] == ""
        assert back[people["spaces"]] == "warning,mediation"
        assert back[people["comma-space"]] == "resolved by officer,handled by school"
        columns = {c["name"] for c in inspect(connection).get_columns("incidents")}
        assert "initiated_by" not in columns
