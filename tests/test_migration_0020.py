"""Migration 0020 (issue 11): checklist items get a kind, set once from the label's words on
an existing store (template items and the shifts' items alike); checklist_done_days (0018)
is counted per kind too and its triggers follow a kind changed with SQL; down to 0019 and
back up carries the counts. Both backends."""

from __future__ import annotations

from datetime import date

from sqlalchemy import inspect, text

from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to

LABELS = (
    ("Perimeter and gate check", "done", "security"),
    ("Walk the fence line", "done", "other"),  # no word of a kind: other, until set
    ("Classroom instruction", "done", "instruction"),
    ("Staff training", "pending", "training"),
    ("Liaison contacts", "done", "mentoring"),
    ("Meet the parent at the gate", "done", "other"),  # a gate, but a meeting
)
COUNTED = (
    "SELECT s.shift_date, s.school_id, i.label, i.kind, count(*) FROM checklist_items i "
    "JOIN shifts s ON s.id = i.shift_id WHERE i.status = 'done' "
    "GROUP BY s.shift_date, s.school_id, i.label, i.kind"
)
KEPT = "SELECT shift_date, school_id, label, kind, done FROM checklist_done_days WHERE done <> 0"


def _set(db: Database, sql: str) -> set[tuple[str, ...]]:
    with db.engine.connect() as connection:
        return {tuple(str(v) for v in row) for row in connection.execute(text(sql))}


def test_0020_gives_existing_items_a_kind_once_and_goes_back(empty_db: Database) -> None:
    db = empty_db
    _to(db, "0019")
    day = date(2026, 9, 14)
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        shift = _row(connection, "shifts", officer_id=officer, school_id=school, shift_date=day)
        for n, (label, status, _kind) in enumerate(LABELS):
            _row(connection, "checklist_template_items", position=n, label=label, active=True)
            _row(
                connection,
                "checklist_items",
                shift_id=shift,
                position=n,
                label=label,
                status=status,
            )
    _to(db, "0020")
    expected = {label: kind for label, _status, kind in LABELS}
    for table in ("checklist_template_items", "checklist_items"):
        kinds = dict(_set(db, f"SELECT label, kind FROM {table}"))  # type: ignore[arg-type]
        assert kinds == expected
    assert _set(db, KEPT) == _set(db, COUNTED)
    assert (str(day), str(school), "Perimeter and gate check", "security", "1") in _set(db, KEPT)

    # From here on the kind is the administrator's; the daily counts follow it, by SQL too.
    with db.engine.begin() as connection:
        connection.execute(
            text("UPDATE checklist_items SET kind = 'security' WHERE label = 'Walk the fence line'")
        )
        connection.execute(
            text("UPDATE checklist_items SET status = 'done' WHERE label = 'Staff training'")
        )
    kept = _set(db, KEPT)
    assert kept == _set(db, COUNTED)
    assert (str(day), str(school), "Walk the fence line", "security", "1") in kept
    assert not any(row[2:4] == ("Walk the fence line", "other") for row in kept)

    _to(db, "0019", down=True)
    with db.engine.connect() as connection:
        for table in ("checklist_template_items", "checklist_items", "checklist_done_days"):
            columns = {c["name"] for c in inspect(connection).get_columns(table)}
            assert "kind" not in columns
    by_label = (
        "SELECT s.shift_date, s.school_id, i.label, count(*) FROM checklist_items i "
        "JOIN shifts s ON s.id = i.shift_id WHERE i.status = 'done' "
        "GROUP BY s.shift_date, s.school_id, i.label"
    )
    kept_0019 = "SELECT shift_date, school_id, label, done FROM checklist_done_days WHERE done <> 0"
    assert _set(db, kept_0019) == _set(db, by_label)
    with db.engine.begin() as connection:  # 0018's triggers are back
        connection.execute(text("UPDATE checklist_items SET status = 'pending'"))
    assert _set(db, kept_0019) == set()
    _to(db, "0020")
    assert _set(db, KEPT) == set()
    kinds = dict(_set(db, "SELECT label, kind FROM checklist_items"))  # type: ignore[arg-type]
    assert kinds == expected  # set again from the words (the hand-set kind went with 0019)
