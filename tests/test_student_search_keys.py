"""Issue 11 item 9: student search by name key (domain.names), on both backends.

"obrien" finds O'Brien, "dang" finds Đặng, "garcia jr" finds "Garcia, Jr.", a first name alone
finds students; results come in the same order (name key, then id) on SQLite and PostgreSQL;
migration 0012 recomputes the keys of students made before it."""

from __future__ import annotations

from typing import Any

import pytest
from alembic import command
from sqlalchemy import MetaData, Table, insert, select, text

from sro_tui.domain.names import name_key
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate, StudentUpdate
from sro_tui.services.registry import Services
from sro_tui.store import migrate
from sro_tui.store.db import Database

# (district ID, first, last): punctuation, accents, letters NFKD keeps, suffixes, first names
PEOPLE = [
    ("K01", "Sean", "O'Brien"),
    ("K02", "Mary", "O\u2019Brien"),
    ("K03", "Thi", "Đặng"),
    ("K04", "Minh", "Dang"),
    ("K05", "Luis", "Garcia, Jr."),
    ("K06", "Luis", "Garcia"),
    ("K07", "Maria", "Núñez"),
    ("K08", "Maria", "Smith-Jones"),
    ("K09", "Ana", "de la Cruz"),
    ("K10", "Søren", "Østergård"),
    ("K11", "Jr", "Abbott"),
    ("K12", "Zoë", "Obrien"),
]

EXPECTED = {
    "obrien": ["K02", "K01", "K12"],
    "o'brien": ["K02", "K01", "K12"],
    "O\u2019BRIEN mary": ["K02"],
    "dang": ["K04", "K03"],  # equal keys "dang minh" < "dang thi"
    "đặng": ["K04", "K03"],
    "garcia jr": ["K05"],
    "garcia, jr.": ["K05"],
    "jr": ["K11", "K05"],
    "luis garcia": ["K05", "K06"],
    "maria": ["K07", "K08"],
    "mar": ["K07", "K02", "K08"],
    "jones": ["K08"],
    "cruz ana": ["K09"],
    "soren": ["K10"],
    "ostergard": ["K10"],
    "zoe": ["K12"],
    "nunez maria": ["K07"],
    "sean o": ["K01"],
    "x": [],
}


def add_people(services: Services, actor: Actor) -> dict[str, int]:
    return {
        district_id: services.students.create(
            actor, StudentCreate(district_id=district_id, first_name=first, last_name=last)
        ).id
        for district_id, first, last in PEOPLE
    }


def found(services: Services, actor: Actor, typed: str, **kwargs: Any) -> list[str]:
    return [s.district_id for s in services.students.search(actor, typed, **kwargs).items]


def test_name_key() -> None:
    assert name_key("O'Brien") == "obrien"
    assert name_key("Đặng Thị") == "dang thi"
    assert name_key("Garcia, Jr.") == "garcia jr"
    assert name_key("  Smith-Jones\tMaría ") == "smith jones maria"
    assert name_key("Østergård Straße") == "ostergard strasse"
    assert name_key("李 小龙") == "李 小龙"


@pytest.mark.parametrize(("typed", "expected"), sorted(EXPECTED.items()))
def test_search_finds_names_as_typed(
    services: Services, officer: Actor, typed: str, expected: list[str]
) -> None:
    add_people(services, officer)
    assert found(services, officer, typed) == expected


def test_every_search_in_key_order_and_pages_alike(services: Services, officer: Actor) -> None:
    """The whole list and one-at-a-time pages agree, ordered by (key, id): byte-wise, as
    Python orders strings, so SQLite and PostgreSQL give one order."""
    ids = add_people(services, officer)
    everyone = services.students.search(officer, "", limit=50).items
    assert [(name_key(f"{s.last_name} {s.first_name}"), s.id) for s in everyone] == sorted(
        (name_key(f"{last} {first}"), ids[d]) for d, first, last in PEOPLE
    )
    for typed in ["", *EXPECTED]:
        paged: list[str] = []
        cursor = None
        while True:
            page = services.students.search(officer, typed, cursor=cursor, limit=1)
            paged.extend(s.district_id for s in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert paged == found(services, officer, typed, limit=50)


def test_a_renamed_student_is_found_by_the_new_name(services: Services, officer: Actor) -> None:
    ids = add_people(services, officer)
    services.students.update(officer, ids["K06"], StudentUpdate(last_name="D'Angelo"))
    assert found(services, officer, "dangelo") == ["K06"]
    assert "K06" not in found(services, officer, "garcia")


def _to(db: Database, revision: str, *, down: bool = False) -> None:
    config = migrate.alembic_config()
    with db.engine.begin() as connection:
        config.attributes["connection"] = connection
        (command.downgrade if down else command.upgrade)(config, revision)


def test_0012_rekeys_existing_students_and_back(empty_db: Database) -> None:
    _to(empty_db, "0011")
    with empty_db.engine.begin() as connection:
        students = Table("students", MetaData(), autoload_with=connection)
        old_key = "o'brien sean"  # as 0011's code wrote it
        base: dict[str, Any] = {
            c.name: 1
            for c in students.columns
            if not c.nullable and not c.primary_key and c.server_default is None
        }
        for column in ("created_at", "updated_at"):
            if column in base:
                base[column] = text("CURRENT_TIMESTAMP")
        connection.execute(
            insert(students).values(
                {
                    **base,
                    "district_id": "K01",
                    "first_name": "Sean",
                    "last_name": "O'Brien",
                    "search_name": old_key,
                }
            )
        )
    _to(empty_db, "0012")
    with empty_db.engine.connect() as connection:
        assert connection.scalar(text("SELECT search_name FROM students")) == "obrien sean"
        if connection.dialect.name == "postgresql":
            collation = connection.scalar(
                text(
                    "SELECT collation_name FROM information_schema.columns "
                    "WHERE table_name = 'students' AND column_name = 'search_name'"
                )
            )
            assert collation == "C"
    _to(empty_db, "0011", down=True)
    with empty_db.engine.connect() as connection:
        assert connection.scalar(select(text("search_name")).select_from(text("students"))) == (
            old_key
        )
