"""indexes: referrals by date made, referral events by date (reports); incidents by school
and time (the school list pages newest first without sorting a school's years)

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.create_index(
            "ix_incidents_school_occurred", ["school_id", "occurred_at", "id"], unique=False
        )
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.create_index("ix_referrals_referred_on", ["referred_on", "id"], unique=False)
    with op.batch_alter_table("referral_events") as batch_op:
        batch_op.create_index("ix_referral_events_on", ["on", "id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("referral_events") as batch_op:
        batch_op.drop_index("ix_referral_events_on")
    with op.batch_alter_table("referrals") as batch_op:
        batch_op.drop_index("ix_referrals_referred_on")
    with op.batch_alter_table("incidents") as batch_op:
        batch_op.drop_index("ix_incidents_school_occurred")
