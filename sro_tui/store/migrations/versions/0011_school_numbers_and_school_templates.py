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
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.add_column(sa.Column("district_number", sa.String(length=20), nullable=True))
        batch_op.create_unique_constraint("uq_schools_district_number", ["district_number"])
    with op.batch_alter_table("checklist_template_items", schema=None) as batch_op:
        batch_op.add_column(sa.Column("school_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_checklist_template_items_school_id_schools", "schools", ["school_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("checklist_template_items", schema=None) as batch_op:
        batch_op.drop_constraint(
            "fk_checklist_template_items_school_id_schools", type_="foreignkey"
        )
        batch_op.drop_column("school_id")
    with op.batch_alter_table("schools", schema=None) as batch_op:
        batch_op.drop_constraint("uq_schools_district_number", type_="unique")
        batch_op.drop_column("district_number")
