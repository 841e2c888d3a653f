"""Administration: schools.district_number (the district's number for a school, which roster
files may give instead of our code; unique when given, existing schools none) and
checklist_template_items.school_id (a template item for one school; existing items, with no
school, stay on every school's checklist).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-02 19:20:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ADD COLUMN and a unique index: on SQLite a constraint would make Alembic copy
    # the schools table, and dropping the old copy fails while officers, students and
    # incidents point at it.
    op.add_column("schools", sa.Column("district_number", sa.String(length=20), nullable=True))
    op.create_index(op.f("ix_schools_district_number"), "schools", ["district_number"], unique=True)
    # Nothing points at the template's rows: copying the table (SQLite) is harmless.
    with op.batch_alter_table("checklist_template_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            op.f("fk_checklist_template_items_school_id_schools"), "schools", ["school_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_template_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            op.f("fk_checklist_template_items_school_id_schools"), type_="foreignkey"
        )
        batch_op.drop_column("school_id")
    op.drop_index(op.f("ix_schools_district_number"), table_name="schools")
    op.drop_column("schools", "district_number")
