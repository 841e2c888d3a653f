"""Migration 0009 moves existing data forward (both backends): students, referrals and
checklist items made before it get version 1; drafts kept before it get the terminal ""
(every terminal of their officer still finds them); two terminals' drafts of one record can
then be kept; going back down keeps the newest draft of each record."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest
from alembic import command
from sqlalchemy import Boolean, Date, DateTime, Integer, MetaData, Table, insert, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from sro_tui.store import migrate
from sro_tui.store.db import Database

NOW = datetime(2026, 9, 14, 15, 0, tzinfo=UTC)


@pytest.fixture
def db(empty_db: Database) -> Database:
    return empty_db


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def _row(connection: Connection, name: str, **values: Any) -> int:
    """Insert a row as the schema is now, every required column not given a plain value."""
    table = Table(name, MetaData(), autoload_with=connection)
    for column in table.columns:
        if column.name in values or column.primary_key or column.nullable:
            continue
        if column.server_default is not None:
            continue
        if isinstance(column.type, Boolean):
            values[column.name] = False
        elif isinstance(column.type, Integer):
            values[column.name] = 1
        elif isinstance(column.type, DateTime):
            values[column.name] = NOW.replace(tzinfo=None)
        elif isinstance(column.type, Date):
            values[column.name] = date(2026, 9, 14)
        elif column.name == "payload":
            values[column.name] = {}
        else:
            values[column.name] = f"{name[:3]}{len(values)}"
    result = connection.execute(insert(table).values(**values).returning(table.c.id))
    return int(result.scalar_one())


def test_0009_moves_existing_rows_forward_and_back(db: Database) -> None:
    _to(db, "0008")
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        student = _row(connection, "students", district_id="S1", school_id=school)
        program = _row(connection, "referral_programs", code="ANGER")
        referral = _row(
            connection,
            "referrals",
            student_id=student,
            program_id=program,
            referred_by_id=officer,
            school_id=school,
        )
        shift = _row(connection, "shifts", officer_id=officer, school_id=school)
        item = _row(connection, "checklist_items", shift_id=shift)
        draft = _row(connection, "drafts", officer_id=officer, form="incident", key="7")
    _to(db, "0009")
    with db.engine.begin() as connection:
        for table, row_id in (
            ("students", student),
            ("referrals", referral),
            ("checklist_items", item),
        ):
            version = connection.scalar(
                text(f"SELECT version FROM {table} WHERE id = :id"), {"id": row_id}
            )
            assert version == 1, table
        assert (
            connection.scalar(text("SELECT terminal FROM drafts WHERE id = :id"), {"id": draft})
            == ""
        )
        # Now a terminal's own draft of the same record sits beside the old one ...
        newer = _row(
            connection, "drafts", officer_id=officer, form="incident", key="7", terminal="laptop"
        )
    # ... but not two of one terminal.
    with pytest.raises(IntegrityError), db.engine.begin() as connection:
        _row(connection, "drafts", officer_id=officer, form="incident", key="7", terminal="laptop")
    _to(db, "0008", down=True)
    with db.engine.begin() as connection:
        table = Table("drafts", MetaData(), autoload_with=connection)
        assert "terminal" not in table.columns
        assert [r.id for r in connection.execute(select(table.c.id))] == [newer]
