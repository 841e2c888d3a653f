"""Checklist template items by weekday: checklist_template_items.weekdays (the ISO weekdays,
1 = Monday ... 7 = Sunday, on which a shift starts with the item, e.g. "135"; NULL: every
day). Existing items, with none, stay on every day's checklist.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-03 07:45:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain nullable ADD COLUMN: no table copy on SQLite.
    op.add_column(
        "checklist_template_items", sa.Column("weekdays", sa.String(length=7), nullable=True)
    )


def downgrade() -> None:
    with op.batch_alter_table("checklist_template_items", schema=None) as batch_op:
        batch_op.drop_column("weekdays")
