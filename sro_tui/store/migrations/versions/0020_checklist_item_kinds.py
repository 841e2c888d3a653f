"""Checklist items have a kind (issue 11): security check, instruction, training, mentoring
or other, on the template items and on the shifts' items copied from them. The monthly
report counts campus checks by kind instead of recognising words in the label.

Existing items get their kind here, once, from the words of their label (the same words
the report used before: ``LABEL_WORDS`` below, a frozen copy); from then on an
administrator sets the kind (the checklist form, ``sro reference add checklist --kind``).
``checklist_done_days`` (0018) is counted per kind too, so the report reads the kind there.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 08:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = ("checklist_template_items", "checklist_items")

# The words the report recognised security checks by until 0020 (domain.reports before the
# kind), and the words of the other kinds.
SECURITY_WORDS = (
    "perimeter",
    "gate",
    "parking",
    "visitor",
    "unauthorized",
    "restroom",
    "supervision",
    "patrol",
    "bus stop",
    "lockdown",
    "security",
    "sweep",
)
NOT_SECURITY_WORDS = (
    "instruction",
    "class",
    "lecture",
    "training",
    "mentoring",
    "liaison",
    "check-in",
    "check-out",
    "meet",
)
OTHER_KINDS = (
    ("instruction", ("instruction", "class", "lecture")),
    ("training", ("training",)),
    ("mentoring", ("mentoring", "liaison")),
)


def kind_of(label: str) -> str:
    """The kind the label's words gave an item before 0020."""
    text = " ".join(label.casefold().split())
    if any(w in text for w in SECURITY_WORDS) and not any(w in text for w in NOT_SECURITY_WORDS):
        return "security"
    for kind, words in OTHER_KINDS:
        if any(w in text for w in words):
            return kind
    return "other"


# checklist_done_days (0018) keyed by kind too: the same triggers, with the kind beside the label.
DAYS = "checklist_done_days"
DONE = "'done'"
KEY = "shift_date, school_id, label, kind"
SQLITE_TRIGGERS = {
    "checklist_done_days_ai": (
        f"AFTER INSERT ON checklist_items WHEN NEW.status = {DONE} BEGIN "
        f"INSERT INTO {DAYS} ({KEY}, done) "
        "SELECT shift_date, school_id, NEW.label, NEW.kind, 1 FROM shifts WHERE id = NEW.shift_id "
        f"ON CONFLICT ({KEY}) DO UPDATE SET done = done + 1; END"
    ),
    "checklist_done_days_ad": (
        f"AFTER DELETE ON checklist_items WHEN OLD.status = {DONE} BEGIN "
        f"UPDATE {DAYS} SET done = done - 1 WHERE label = OLD.label AND kind = OLD.kind "
        "AND (shift_date, school_id) = "
        "(SELECT shift_date, school_id FROM shifts WHERE id = OLD.shift_id); END"
    ),
    "checklist_done_days_au": (
        "AFTER UPDATE OF status, label, kind, shift_id ON checklist_items "
        f"WHEN OLD.status = {DONE} OR NEW.status = {DONE} BEGIN "
        f"UPDATE {DAYS} SET done = done - 1 WHERE OLD.status = {DONE} AND label = OLD.label "
        "AND kind = OLD.kind AND (shift_date, school_id) = "
        "(SELECT shift_date, school_id FROM shifts WHERE id = OLD.shift_id); "
        f"INSERT INTO {DAYS} ({KEY}, done) "
        "SELECT shift_date, school_id, NEW.label, NEW.kind, 1 FROM shifts "
        f"WHERE id = NEW.shift_id AND NEW.status = {DONE} "
        f"ON CONFLICT ({KEY}) DO UPDATE SET done = done + 1; END"
    ),
    "checklist_done_days_shift_au": (
        "AFTER UPDATE OF shift_date, school_id ON shifts BEGIN "
        f"UPDATE {DAYS} SET done = done - (SELECT count(*) FROM checklist_items i "
        f"WHERE i.shift_id = OLD.id AND i.status = {DONE} AND i.label = {DAYS}.label "
        f"AND i.kind = {DAYS}.kind) "
        "WHERE shift_date = OLD.shift_date AND school_id = OLD.school_id; "
        f"INSERT INTO {DAYS} ({KEY}, done) "
        "SELECT NEW.shift_date, NEW.school_id, label, kind, count(*) FROM checklist_items "
        f"WHERE shift_id = NEW.id AND status = {DONE} GROUP BY label, kind "
        f"ON CONFLICT ({KEY}) DO UPDATE SET done = done + excluded.done; "
        "END"
    ),
}
PG_FUNCTION = "sro_checklist_done_days"
PG_SHIFT_FUNCTION = "sro_checklist_done_days_shift"
PG_DROP = (
    "DROP TRIGGER IF EXISTS checklist_done_days_items ON checklist_items",
    "DROP TRIGGER IF EXISTS checklist_done_days_shifts ON shifts",
    f"DROP FUNCTION IF EXISTS {PG_FUNCTION}()",
    f"DROP FUNCTION IF EXISTS {PG_SHIFT_FUNCTION}()",
)
PG_SQL = f"""
CREATE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD.status = {DONE} THEN
        UPDATE {DAYS} d SET done = d.done - 1 FROM shifts s
        WHERE s.id = OLD.shift_id AND d.shift_date = s.shift_date
          AND d.school_id = s.school_id AND d.label = OLD.label AND d.kind = OLD.kind;
    END IF;
    IF TG_OP IN ('UPDATE', 'INSERT') AND NEW.status = {DONE} THEN
        INSERT INTO {DAYS} ({KEY}, done)
        SELECT s.shift_date, s.school_id, NEW.label, NEW.kind, 1 FROM shifts s
        WHERE s.id = NEW.shift_id
        ON CONFLICT ({KEY}) DO UPDATE SET done = {DAYS}.done + 1;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER checklist_done_days_items AFTER INSERT OR DELETE
    OR UPDATE OF status, label, kind, shift_id ON checklist_items
    FOR EACH ROW EXECUTE FUNCTION {PG_FUNCTION}();
CREATE FUNCTION {PG_SHIFT_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE {DAYS} d SET done = d.done - c.n
    FROM (SELECT label, kind, count(*) AS n FROM checklist_items
          WHERE shift_id = OLD.id AND status = {DONE} GROUP BY label, kind) c
    WHERE d.shift_date = OLD.shift_date AND d.school_id = OLD.school_id
      AND d.label = c.label AND d.kind = c.kind;
    INSERT INTO {DAYS} ({KEY}, done)
    SELECT NEW.shift_date, NEW.school_id, label, kind, count(*) FROM checklist_items
    WHERE shift_id = NEW.id AND status = {DONE} GROUP BY label, kind
    ON CONFLICT ({KEY}) DO UPDATE SET done = {DAYS}.done + excluded.done;
    RETURN NULL;
END $$;
CREATE TRIGGER checklist_done_days_shifts AFTER UPDATE OF shift_date, school_id ON shifts
    FOR EACH ROW EXECUTE FUNCTION {PG_SHIFT_FUNCTION}();
"""
BACKFILL = (
    f"INSERT INTO {DAYS} ({KEY}, done) "
    "SELECT s.shift_date, s.school_id, i.label, i.kind, count(*) FROM checklist_items i "
    f"JOIN shifts s ON s.id = i.shift_id WHERE i.status = {DONE} "
    "GROUP BY s.shift_date, s.school_id, i.label, i.kind"
)


def _drop_done_days(sqlite: bool) -> None:
    if sqlite:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    else:
        for statement in PG_DROP:
            op.execute(statement)
    op.drop_table(DAYS)


def _done_days_0018() -> object:
    """Migration 0018's module (its triggers and backfill, to put back on downgrade)."""
    import importlib.util
    from pathlib import Path

    path = next(Path(__file__).parent.glob("0018_*.py"))
    spec = importlib.util.spec_from_file_location("sro_migration_0018", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        # A NOT NULL column with a default: a plain ADD COLUMN on both backends.
        op.add_column(
            table,
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="other"),
        )
        labels = [row[0] for row in bind.execute(sa.text(f"SELECT DISTINCT label FROM {table}"))]
        for label in labels:
            kind = kind_of(label)
            if kind != "other":
                bind.execute(
                    sa.text(f"UPDATE {table} SET kind = :kind WHERE label = :label"),
                    {"kind": kind, "label": label},
                )
    sqlite = bind.dialect.name == "sqlite"
    _done_days_0018().downgrade()  # type: ignore[attr-defined]  # its table and triggers
    op.create_table(
        DAYS,
        sa.Column("shift_date", sa.Date(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("done", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint(
            "shift_date", "school_id", "label", "kind", name=op.f("pk_checklist_done_days")
        ),
    )
    if sqlite:
        for name, body in SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {body}")
    else:
        op.execute(PG_SQL)
    op.execute(BACKFILL)


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    _drop_done_days(sqlite)
    before = _done_days_0018()
    before.upgrade()  # type: ignore[attr-defined]  # 0018's table, triggers and counts
    for table in TABLES:
        # A plain DROP COLUMN (SQLite 3.35+): a batch copy would drop 0018's triggers.
        op.execute(f"ALTER TABLE {table} DROP COLUMN kind")
