"""California reference data and the incident's bias motivation (issue 11 item 7).

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-03 07:45:00
"""

from __future__ import annotations

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: the changes follow


def downgrade() -> None:
    pass
