"""Incident outcomes as rows, and who initiated the contact (issue 11 items 3 and 6).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: the tables follow


def downgrade() -> None:
    pass
