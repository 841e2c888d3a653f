"""Version checks on every editable record and drafts per terminal: referrals, students and
checklist items carry a version (existing rows at 1), an update naming an older one is refused
as "saved elsewhere"; drafts are keyed by officer, form, record and terminal (existing drafts
keep the terminal "" and are offered to every terminal of their officer)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

VERSIONED = ("referrals", "students", "checklist_items")


def upgrade() -> None:
    for table in VERSIONED:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column("version", sa.Integer(), server_default="1", nullable=False)
            )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("terminal", sa.String(length=100), server_default="", nullable=False)
        )
        batch_op.drop_constraint("uq_drafts_officer_form_key", type_="unique")
        batch_op.create_unique_constraint(
            "uq_drafts_officer_form_key_terminal", ["officer_id", "form", "key", "terminal"]
        )


def downgrade() -> None:
    # Two terminals' drafts of one record cannot share the old key: keep the newest of each.
    op.execute(
        "DELETE FROM drafts WHERE id NOT IN (SELECT MAX(id) FROM drafts "
        "GROUP BY officer_id, form, key)"
    )
    with op.batch_alter_table("drafts", schema=None) as batch_op:
        batch_op.drop_constraint("uq_drafts_officer_form_key_terminal", type_="unique")
        batch_op.create_unique_constraint(
            "uq_drafts_officer_form_key", ["officer_id", "form", "key"]
        )
        batch_op.drop_column("terminal")
    for table in VERSIONED:
        # Not a batch: SQLite would copy the table, and dropping the old copy fails while
        # other tables' rows refer to it (foreign keys are on). SQLite 3.35+ drops a column.
        op.drop_column(table, "version")
