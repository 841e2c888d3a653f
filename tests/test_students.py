"""Students: records, district-ID uniqueness and type-ahead search, on a real store."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from sro_tui.domain.errors import Conflict, NotFound, SroError
from sro_tui.domain.officers import Actor
from sro_tui.domain.students import StudentCreate, StudentUpdate
from sro_tui.services.registry import Services

PEOPLE = [
    ("S1001", "Maria", "Garcia"),
    ("S1002", "Mario", "Garcia"),
    ("S1003", "Ana", "Garcia Lopez"),
    ("S1004", "Luis", "Garza"),
    ("S1005", "Maria", "Gomez"),
    ("S1006", "Jose", "García"),
    ("S2001", "Garcia", "Martin"),
    ("T1001", "Maya", "Ng"),
]


def add_people(services: Services, actor: Actor) -> dict[str, int]:
    vhs = services.reference.school_by_code("VHS").id
    ids = {}
    for district_id, first, last in PEOPLE:
        student = services.students.create(
            actor,
            StudentCreate(
                district_id=district_id, first_name=first, last_name=last, school_id=vhs, grade=10
            ),
        )
        ids[district_id] = student.id
    return ids


def found(services: Services, actor: Actor, text_: str, **kwargs) -> list[str]:
    return [s.district_id for s in services.students.search(actor, text_, **kwargs).items]


def test_create_get_update(services: Services, officer: Actor) -> None:
    created = services.students.create(
        officer, StudentCreate(district_id=" s-100 ", first_name="Ana", last_name="Ruiz", grade=0)
    )
    assert created.district_id == "S-100"
    got = services.students.get(officer, created.id)
    assert got == created
    assert services.audit.recent()[0].action == "student.read"
    updated = services.students.update(officer, created.id, StudentUpdate(last_name="Ruiz Soto"))
    assert (updated.first_name, updated.last_name, updated.grade) == ("Ana", "Ruiz Soto", 0)
    assert found(services, officer, "ruiz s") == ["S-100"]
    assert services.students.by_district_id(officer, "s-100").id == created.id
    for wrong in ("S-101", "S\x00100", ""):
        with pytest.raises(NotFound):
            services.students.by_district_id(officer, wrong)


def test_district_id_is_unique(services: Services, officer: Actor) -> None:
    data = StudentCreate(district_id="S1", first_name="A", last_name="B")
    services.students.create(officer, data)
    with pytest.raises(Conflict) as info:
        services.students.create(officer, data)
    assert info.value.field == "district_id"


def test_unknown_student_and_school(services: Services, officer: Actor) -> None:
    with pytest.raises(NotFound):
        services.students.get(officer, 999)
    with pytest.raises(NotFound) as info:
        services.students.create(
            officer, StudentCreate(district_id="S1", first_name="A", last_name="B", school_id=999)
        )
    assert info.value.field == "school_id"


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("gar", ["S1006", "S1003", "S1001", "S1002", "S1004", "S2001"]),  # first names too
        ("GARCIA", ["S1006", "S1003", "S1001", "S1002", "S2001"]),
        ("garcia m", ["S1001", "S1002", "S2001"]),  # last-first and first-last
        ("garcia  maria", ["S1001"]),
        ("maria gar", ["S1001"]),
        ("maria g", ["S1001", "S1005"]),
        ("garcia l", ["S1003"]),
        ("ana garcia l", ["S1003"]),
        ("garcía", ["S1006", "S1003", "S1001", "S1002", "S2001"]),
        ("s100", ["S1001", "S1002", "S1003", "S1004", "S1005", "S1006"]),
        ("S2", ["S2001"]),
        ("t1001", ["T1001"]),
        ("martin", ["S2001"]),
        ("zz", []),
        ("100%", []),
        ("g_r", []),
        ("gar\x00\ud800", ["S1006", "S1003", "S1001", "S1002", "S1004", "S2001"]),
        ("zz\U0010ffff", []),
    ],
)
def test_search_by_prefix(services: Services, officer: Actor, typed: str, expected) -> None:
    add_people(services, officer)
    assert found(services, officer, typed) == expected


def test_empty_search_lists_everyone_by_name(services: Services, officer: Actor) -> None:
    add_people(services, officer)
    names = [s.last_name for s in services.students.search(officer, "  ", limit=3).items]
    assert names == ["García", "Garcia Lopez", "Garcia"]


def test_search_pages_without_gaps_or_repeats(services: Services, officer: Actor) -> None:
    for n in range(23):
        services.students.create(
            officer,
            StudentCreate(district_id=f"P{n:03}", first_name=f"Kid{n % 4}", last_name="Perez"),
        )
    for typed in ("perez", "p0", ""):
        seen: list[str] = []
        cursor = None
        while True:
            page = services.students.search(officer, typed, cursor=cursor, limit=5)
            assert len(page.items) <= 5
            seen.extend(s.district_id for s in page.items)
            cursor = page.next_cursor
            if cursor is None:
                break
        assert len(seen) == 23 and len(set(seen)) == 23
    names = [
        (s.first_name, s.id) for s in services.students.search(officer, "perez", limit=50).items
    ]
    assert names == sorted(names)


def test_a_cursor_of_another_search_is_refused(services: Services, officer: Actor) -> None:
    for n in range(3):
        services.students.create(
            officer, StudentCreate(district_id=f"P{n}", first_name="A", last_name="Perez")
        )
    cursor = services.students.search(officer, "perez", limit=1).next_cursor
    assert cursor is not None
    with pytest.raises(SroError):
        services.students.search(officer, "p0", cursor=cursor)
    with pytest.raises(SroError):
        services.students.search(officer, "perez", cursor="not a cursor")


def test_search_uses_the_name_index_not_a_scan(sqlite_services: Services) -> None:
    """The range predicate the service builds is served by ix_students_search_name."""
    engine = sqlite_services.db.engine
    with engine.connect() as conn:
        plan = conn.execute(
            text(
                "EXPLAIN QUERY PLAN SELECT * FROM students WHERE search_name >= :a "
                "AND search_name < :b AND search_name LIKE :p ESCAPE '\\' "
                "ORDER BY search_name, id LIMIT 21"
            ),
            {"a": "gar", "b": "gas", "p": "gar% m%"},
        ).all()
    details = " ".join(str(row[-1]) for row in plan)
    assert "ix_students_search_name" in details
    assert "search_name>? AND search_name<?" in details
    assert "SCAN students" not in details


def test_display_names_label_rows_in_one_look_up(services: Services, officer) -> None:
    ids = [
        services.students.create(
            officer, StudentCreate(district_id=f"N-{n}", first_name=f"F{n}", last_name=f"L{n}")
        ).id
        for n in range(3)
    ]
    before = len(services.audit.recent(limit=500))
    names = services.students.display_names(officer, [ids[2], ids[0], 999_999, ids[2]])
    assert names == {ids[2]: "L2, F2", ids[0]: "L0, F0"}
    assert len(services.audit.recent(limit=500)) == before  # labels are not record reads
    assert services.students.display_names(officer, []) == {}
