"""Issue 12, checklist templates per school and shift (both backends). A shift is an officer's
day at a school (domain.md), so a template item is for every school or one school, and for
every day or some weekdays (a Tuesday/Thursday class, a Wednesday staff training): a shift
starts with the active items for its school that are on its weekday, in the template's order.
Administrators add items with their days, change the days, move an item up or down the one
order every shift follows (a school's own item can go between two every-school items) and
retire it, in the app and with `sro reference`; every change is audited, anyone else is
refused (and the try audited). Migration 0014 keeps existing items on every day."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError
from sqlalchemy import text

from sro_tui.domain.checklist import on_weekday, parse_weekdays, weekdays_label
from sro_tui.domain.errors import PermissionDenied, SroError
from sro_tui.domain.officers import Actor
from sro_tui.domain.schools import TemplateItemCreate
from sro_tui.services.registry import Services
from sro_tui.store.db import Database

from .conftest import TEST_PASSWORD, RunCli
from .test_migration_0009 import _row, _to

MONDAY = date(2026, 9, 14)
TUESDAY = date(2026, 9, 15)
WEDNESDAY = date(2026, 9, 16)
SATURDAY = date(2026, 9, 19)


def audited(services: Services, action: str) -> list[tuple[str, str, str]]:
    return [
        (e.badge, str(e.outcome), e.detail)
        for e in services.audit.recent(limit=200)
        if e.action == action
    ]


def labels(services: Services, actor: Actor, school_id: int, day: date) -> list[str]:
    return [i.label for i in services.checklist.open_shift(actor, school_id, day).items]


def test_weekdays_are_read_as_people_write_them() -> None:
    assert parse_weekdays("Mon-Fri") == "12345"
    assert parse_weekdays("tue, thu") == "24"
    assert parse_weekdays("Sat-Sun") == "67"
    assert parse_weekdays("fri-mon") == "1567"  # over the weekend
    assert parse_weekdays("wednesday") == "3"
    assert parse_weekdays("  ") is None and parse_weekdays("every day") is None
    assert parse_weekdays("mon-sun") is None  # all seven: every day
    with pytest.raises(ValueError, match="not a weekday"):
        parse_weekdays("funday")
    assert weekdays_label("12345") == "Mon-Fri" and weekdays_label("24") == "Tue,Thu"
    assert weekdays_label("1345") == "Mon,Wed-Fri" and weekdays_label(None) == "every day"
    assert on_weekday("24", TUESDAY) and not on_weekday("24", WEDNESDAY)
    with pytest.raises(ValidationError):
        TemplateItemCreate(label="Gang resistance class", weekdays="someday")


def test_a_shift_starts_with_its_schools_items_of_its_weekday(
    services: Services, admin: Actor, officer: Actor
) -> None:
    reference = services.reference
    vhs = reference.school_by_code("VHS").id
    bhs = reference.school_by_code("BHS").id
    reference.add_template_item(
        admin, TemplateItemCreate(label="Drug resistance class", school_id=vhs, weekdays="tue,thu")
    )
    reference.add_template_item(admin, TemplateItemCreate(label="Staff briefing", weekdays="Wed"))
    reference.add_template_item(
        admin, TemplateItemCreate(label="Football game", school_id=bhs, weekdays="Fri")
    )
    tuesday = labels(services, officer, vhs, TUESDAY)
    wednesday = labels(services, officer, vhs, WEDNESDAY)
    assert "Drug resistance class" in tuesday and "Staff briefing" not in tuesday
    assert "Staff briefing" in wednesday and "Drug resistance class" not in wednesday
    assert "Football game" not in tuesday + wednesday
    # Every-day items are on each shift, positions without gaps.
    shift = services.checklist.open_shift(officer, vhs, SATURDAY)
    assert [i.position for i in shift.items] == list(range(len(shift.items)))
    assert "Drug resistance class" not in [i.label for i in shift.items]
    assert "every school, Wed" in audited(services, "checklist_template.create")[1][2]


def test_days_changed_and_items_moved_by_an_administrator_only(
    services: Services, admin: Actor, supervisor: Actor, officer: Actor
) -> None:
    reference = services.reference
    vhs = reference.school_by_code("VHS").id
    everyday = [i for i in reference.template_items() if i.school_id is None]
    first, second = everyday[0], everyday[1]
    with pytest.raises(PermissionDenied):
        reference.move_template_item(supervisor, second.id, -1)
    with pytest.raises(PermissionDenied):
        reference.edit_template_item(supervisor, second.id, days="Mon")
    assert [b for b, o, _ in audited(services, "checklist_template.move")] == ["2001"]

    moved = reference.move_template_item(admin, second.id, -1)
    assert moved.id == second.id
    now = [i.id for i in reference.template_items() if i.school_id is None]
    assert now[:2] == [second.id, first.id]
    assert "up to place 1 of" in audited(services, "checklist_template.move")[0][2]
    # At the top already: nothing changes, nothing audited.
    reference.move_template_item(admin, second.id, -1)
    assert len(audited(services, "checklist_template.move")) == 2
    # A school's own item goes between two every-school items, for that school only.
    bhs = reference.school_by_code("BHS").id
    own = reference.add_template_item(admin, TemplateItemCreate(label="Bus loop", school_id=vhs))
    reference.move_template_item(admin, own.id, -1)
    vhs_order = [i.label for i in reference.template_items(vhs)]
    assert vhs_order[-2:] == ["Bus loop", everyday[-1].label]
    assert [i.label for i in reference.template_items(bhs)][-1] == everyday[-1].label
    assert labels(services, officer, vhs, MONDAY)[-2:] == ["Bus loop", everyday[-1].label]

    reference.edit_template_item(admin, first.id, days="Mon-Fri")
    assert "days every day -> Mon-Fri" in audited(services, "checklist_template.update")[0][2]
    with pytest.raises(SroError, match="not a weekday"):
        reference.edit_template_item(admin, first.id, days="Caturday")
    tuesday = labels(services, officer, vhs, TUESDAY)
    assert tuesday[:2] == [second.label, first.label]
    assert first.label not in labels(services, officer, vhs, SATURDAY)
    reference.edit_template_item(admin, first.id, days="")
    assert reference.template_items()[1].weekdays is None


def test_sro_reference_checklist_days_and_move(
    db_url: str, services: Services, admin: Actor, run_cli: RunCli
) -> None:
    signed = ("--as", admin.badge, "--password-stdin")
    stdin = f"{TEST_PASSWORD}\n"
    added = run_cli(
        "--db", db_url, "reference", "add", "checklist", "Gang resistance class", "--school", "VHS",
        "--days", "tue,thu", *signed, stdin=stdin,
    )  # fmt: skip
    assert added.code == 0, added.err
    assert "(Tue,Thu)" in added.out
    item = reference_item(services, "Gang resistance class")
    # Reads too are signed in: a shared (PostgreSQL) store has no local administrator.
    listing = run_cli(
        "--db", db_url, "reference", "list", "checklist", "--school", "VHS", *signed, stdin=stdin
    ).out
    assert "Tue,Thu" in listing and "Gang resistance class" in listing
    assert (
        "Gang resistance class"
        not in run_cli(
            "--db",
            db_url,
            "reference",
            "list",
            "checklist",
            "--school",
            "BHS",
            *signed,
            stdin=stdin,
        ).out
    )

    days = run_cli(
        "--db", db_url, "reference", "days", "checklist", str(item), "Wed", *signed, stdin=stdin
    )
    assert days.code == 0, days.err
    assert reference_weekdays(services, item) == "3"
    bad = run_cli(
        "--db", db_url, "reference", "days", "checklist", str(item), "Blursday", *signed,
        stdin=stdin,
    )  # fmt: skip
    assert bad.code != 0 and "not a weekday" in bad.err

    first = services.reference.template_items()[0]
    down = run_cli(
        "--db", db_url, "reference", "move", "checklist", str(first.id), "down", *signed,
        stdin=stdin,
    )  # fmt: skip
    assert down.code == 0, down.err
    assert "number 2 of" in down.out
    assert services.reference.template_items()[1].id == first.id
    wrong = run_cli("--db", db_url, "reference", "add", "location", "X", "Y", "--days", "Mon")
    assert wrong.code != 0 and "--days" in wrong.err


def reference_item(services: Services, label: str) -> int:
    return next(i.id for i in services.reference.template_items() if i.label == label)


def reference_weekdays(services: Services, item_id: int) -> str | None:
    return next(i.weekdays for i in services.reference.template_items() if i.id == item_id)


def test_0014_keeps_template_items_on_every_day(empty_db: Database) -> None:
    db = empty_db
    _to(db, "0013")
    with db.engine.begin() as connection:
        item = _row(connection, "checklist_template_items", position=1, label="Gate check")
    _to(db, "0014")
    with db.engine.begin() as connection:
        days = connection.scalar(
            text("SELECT weekdays FROM checklist_template_items WHERE id = :id"), {"id": item}
        )
        assert days is None
        connection.execute(
            text("UPDATE checklist_template_items SET weekdays = '24' WHERE id = :id"),
            {"id": item},
        )
    _to(db, "0013", down=True)
    with db.engine.begin() as connection:
        assert connection.scalar(text("SELECT label FROM checklist_template_items")) == "Gate check"
