"""Done checklist items counted per day, school and label (issue 16: the monthly report's
campus checks read a few rows per day instead of every item of the period).

``checklist_done_days`` holds, for each shift date, school and item label, how many items
of that day's shifts at that school are done. Triggers keep it in the same statement as the
change of an item (insert, delete, status, label or shift changed) or of a shift (its date
or school changed), whoever writes: the app, the demo seeder, a retention purge or SQL by
hand. The report still decides in Python which labels are security checks, so the figures
equal a count over the items themselves. Existing stores are counted once here.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-03 08:31:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

TABLE = "checklist_done_days"
DONE = "'done'"

SQLITE_TRIGGERS = {
    "checklist_done_days_ai": (
        f"AFTER INSERT ON checklist_items WHEN NEW.status = {DONE} BEGIN "
        f"INSERT INTO {TABLE} (shift_date, school_id, label, done) "
        "SELECT shift_date, school_id, NEW.label, 1 FROM shifts WHERE id = NEW.shift_id "
        "ON CONFLICT (shift_date, school_id, label) DO UPDATE SET done = done + 1; END"
    ),
    "checklist_done_days_ad": (
        f"AFTER DELETE ON checklist_items WHEN OLD.status = {DONE} BEGIN "
        f"UPDATE {TABLE} SET done = done - 1 WHERE label = OLD.label "
        "AND (shift_date, school_id) = "
        "(SELECT shift_date, school_id FROM shifts WHERE id = OLD.shift_id); END"
    ),
    "checklist_done_days_au": (
        "AFTER UPDATE OF status, label, shift_id ON checklist_items "
        f"WHEN OLD.status = {DONE} OR NEW.status = {DONE} BEGIN "
        f"UPDATE {TABLE} SET done = done - 1 WHERE OLD.status = {DONE} AND label = OLD.label "
        "AND (shift_date, school_id) = "
        "(SELECT shift_date, school_id FROM shifts WHERE id = OLD.shift_id); "
        f"INSERT INTO {TABLE} (shift_date, school_id, label, done) "
        "SELECT shift_date, school_id, NEW.label, 1 FROM shifts "
        f"WHERE id = NEW.shift_id AND NEW.status = {DONE} "
        "ON CONFLICT (shift_date, school_id, label) DO UPDATE SET done = done + 1; END"
    ),
    "checklist_done_days_shift_au": (
        "AFTER UPDATE OF shift_date, school_id ON shifts BEGIN "
        f"UPDATE {TABLE} SET done = done - (SELECT count(*) FROM checklist_items i "
        f"WHERE i.shift_id = OLD.id AND i.status = {DONE} AND i.label = {TABLE}.label) "
        "WHERE shift_date = OLD.shift_date AND school_id = OLD.school_id; "
        f"INSERT INTO {TABLE} (shift_date, school_id, label, done) "
        "SELECT NEW.shift_date, NEW.school_id, label, count(*) FROM checklist_items "
        f"WHERE shift_id = NEW.id AND status = {DONE} GROUP BY label "
        "ON CONFLICT (shift_date, school_id, label) DO UPDATE SET done = done + excluded.done; "
        "END"
    ),
}

PG_FUNCTION = "sro_checklist_done_days"
PG_SHIFT_FUNCTION = "sro_checklist_done_days_shift"
PG_SQL = f"""
CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = {DONE} THEN
        UPDATE {TABLE} d SET done = d.done - 1 FROM shifts s
        WHERE s.id = OLD.shift_id AND d.shift_date = s.shift_date
          AND d.school_id = s.school_id AND d.label = OLD.label;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = {DONE} THEN
        INSERT INTO {TABLE} (shift_date, school_id, label, done)
        SELECT s.shift_date, s.school_id, NEW.label, 1 FROM shifts s WHERE s.id = NEW.shift_id
        ON CONFLICT (shift_date, school_id, label) DO UPDATE SET done = {TABLE}.done + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER checklist_done_days_items AFTER INSERT OR DELETE
    OR UPDATE OF status, label, shift_id ON checklist_items
    FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}();
CREATE FUNCTION {PG_SHIFT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {TABLE} d SET done = d.done - c.n
    FROM (SELECT label, count(*) AS n FROM checklist_items
          WHERE shift_id = OLD.id AND status = {DONE} GROUP BY label) c
    WHERE d.shift_date = OLD.shift_date AND d.school_id = OLD.school_id AND d.label = c.label;
    INSERT INTO {TABLE} (shift_date, school_id, label, done)
    SELECT NEW.shift_date, NEW.school_id, label, count(*) FROM checklist_items
    WHERE shift_id = NEW.id AND status = {DONE} GROUP BY label
    ON CONFLICT (shift_date, school_id, label) DO UPDATE SET done = {TABLE}.done + excluded.done;
    RETURN NULL;
END $$;
CREATE TRIGGER checklist_done_days_shifts AFTER UPDATE OF shift_date, school_id ON shifts
    FOR EACH ROW EXECUTE FUNCTION {PG_SHIFT_FUNCTION}();
"""

BACKFILL = (
    f"INSERT INTO {TABLE} (shift_date, school_id, label, done) "
    "SELECT s.shift_date, s.school_id, i.label, count(*) FROM checklist_items i "
    f"JOIN shifts s ON s.id = i.shift_id WHERE i.status = {DONE} "
    "GROUP BY s.shift_date, s.school_id, i.label"
)


def upgrade() -> None:
    op.create_table(
        TABLE,
        sa.Column("shift_date", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "shift_date", "school_id", "label", name=op.f("pk_checklist_done_days")
        ),
    )
    if op.get_bind().dialect.name == "sqlite":
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(PG_SQL)
    op.execute(BACKFILL)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        op.execute("DROP TRIGGER IF EXISTS checklist_done_days_items ON checklist_items")
        op.execute("DROP TRIGGER IF EXISTS checklist_done_days_shifts ON shifts")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()")
        op.execute(f"DROP FUNCTION IF EXISTS {PG_SHIFT_FUNCTION}()")
    op.drop_table(TABLE)
