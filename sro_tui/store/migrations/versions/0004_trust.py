"""account security and audit additions: a stable random id for the store

The id names the store's audit checkpoints, which live outside the store (next to the audit
key). No schema change: one row in the settings table.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29
"""

from __future__ import annotations

import uuid

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

STORE_ID = "store_id"


def upgrade() -> None:
    bind = op.get_bind()
    existing = bind.execute(
        sa.text("SELECT value FROM settings WHERE key = :k"), {"k": STORE_ID}
    ).scalar()
    if not existing:
        bind.execute(
            sa.text("INSERT INTO settings (key, value) VALUES (:k, :v)"),
            {"k": STORE_ID, "v": uuid.uuid4().hex},
        )


def downgrade() -> None:
    # The id stays: checkpoints kept outside the store refer to it.
    pass
