"""checklist_done_days (migration 0018, issue 16): the done checklist items counted per day,
school and label, kept by triggers in the same statement as each change, whoever makes it
(the services, SQL by hand), so the monthly report reads a few rows per day. Both backends:
after every kind of change the counts equal a GROUP BY over the items themselves; a store
at 0017 is counted at the upgrade; the monthly report's campus checks equal the items'."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import Connection, inspect, text

from sro_tui.domain.checklist import OneOffItem, SkipItem
from sro_tui.domain.officers import Actor
from sro_tui.domain.reports import is_security_check
from sro_tui.services.registry import Services
from sro_tui.store.db import Database

from .test_migration_0009 import _row, _to

FROM_ITEMS = (
    "SELECT s.shift_date, s.school_id, i.label, count(*) FROM checklist_items i "
    "JOIN shifts s ON s.id = i.shift_id WHERE i.status = 'done' "
    "GROUP BY s.shift_date, s.school_id, i.label"
)
KEPT = "SELECT shift_date, school_id, label, done FROM checklist_done_days WHERE done <> 0"


def _as_set(connection: Connection, sql: str) -> set[tuple[str, int, str, int]]:
    rows = connection.execute(text(sql))
    return {(str(d), int(s), str(label), int(n)) for d, s, label, n in rows}


def assert_kept(db: Database) -> set[tuple[str, int, str, int]]:
    with db.engine.connect() as connection:
        expected = _as_set(connection, FROM_ITEMS)
        assert _as_set(connection, KEPT) == expected
        negative = connection.execute(
            text("SELECT count(*) FROM checklist_done_days WHERE done < 0")
        ).scalar()
    assert negative == 0
    return expected


def test_counts_follow_every_change(services: Services, officer: Actor) -> None:
    db = services.db
    school = services.reference.school_by_code("VHS").id
    shift = services.checklist.open_shift(officer, school)
    items = shift.items
    assert len(items) >= 3
    assert_kept(db)  # opened: all pending, nothing counted
    for item in items:
        services.checklist.mark_done(officer, item.id)
    assert sum(n for *_key, n in assert_kept(db)) == len(items)
    services.checklist.skip(officer, items[0].id, SkipItem(reason="Gate under repair"))
    services.checklist.reset(officer, items[1].id)
    extra = services.checklist.add_item(officer, shift.id, OneOffItem(label=items[2].label))
    services.checklist.mark_done(officer, extra.id)  # a second item of the same label
    counted = assert_kept(db)
    assert (str(shift.shift_date), school, items[2].label, 2) in counted
    with db.engine.begin() as connection:  # changes made with SQL are counted too
        connection.execute(
            text("UPDATE checklist_items SET label = 'Renamed by hand' WHERE id = :i"),
            {"i": items[2].id},
        )
        connection.execute(text("DELETE FROM checklist_items WHERE id = :i"), {"i": extra.id})
        connection.execute(
            text("UPDATE checklist_items SET status = 'done' WHERE id = :i"), {"i": items[0].id}
        )
    assert_kept(db)
    other = services.reference.school_by_code("BHS").id
    with db.engine.begin() as connection:  # the shift moved to another day and school
        connection.execute(
            text("UPDATE shifts SET shift_date = :d, school_id = :s WHERE id = :i"),
            {"d": shift.shift_date - timedelta(days=1), "s": other, "i": shift.id},
        )
    moved = assert_kept(db)
    assert {key[:2] for key in moved} == {(str(shift.shift_date - timedelta(days=1)), other)}


def test_monthly_campus_checks_equal_the_items(
    services: Services, officer: Actor, supervisor: Actor
) -> None:
    school = services.reference.school_by_code("VHS").id
    shift = services.checklist.open_shift(officer, school)
    for item in shift.items:
        services.checklist.mark_done(officer, item.id)
    security = sum(1 for item in shift.items if is_security_check(item.label))
    month = shift.shift_date.strftime("%Y-%m")
    for report in (
        services.reports.monthly(supervisor, month=month),
        services.reports.monthly(supervisor, month=month, school_code="VHS"),
        services.reports.monthly(supervisor, month=month, officer_badge=officer.badge),
    ):
        figures = {f.measure: f.current for f in report.figures}
        assert figures["Campus checks (security checks done)"] == security


def test_0018_counts_what_a_store_holds_and_goes_back(empty_db: Database) -> None:
    db = empty_db
    _to(db, "0017")
    day = date(2026, 9, 14)
    with db.engine.begin() as connection:
        school = _row(connection, "schools", code="VHS")
        officer = _row(connection, "officers", badge="1001")
        shift = _row(connection, "shifts", officer_id=officer, school_id=school, shift_date=day)
        items = [
            ("Perimeter check", "done"),
            ("Perimeter check", "done"),
            ("Gate", "skipped"),
            ("Gate", "done"),
            ("Lunch", "pending"),
        ]
        for n, (label, status) in enumerate(items):
            _row(
                connection,
                "checklist_items",
                shift_id=shift,
                position=n,
                label=label,
                status=status,
            )
    _to(db, "0018")
    assert assert_kept(db) == {
        (str(day), school, "Perimeter check", 2),
        (str(day), school, "Gate", 1),
    }
    with db.engine.begin() as connection:  # the triggers run from here on
        connection.execute(text("UPDATE checklist_items SET status = 'done' WHERE label = 'Lunch'"))
    assert (str(day), school, "Lunch", 1) in assert_kept(db)
    _to(db, "0017", down=True)
    with db.engine.connect() as connection:
        assert "checklist_done_days" not in inspect(connection).get_table_names()
        connection.execute(text("UPDATE checklist_items SET status = 'pending'"))
        connection.commit()
    _to(db, "0018")
    assert assert_kept(db) == set()
