"""Threat assessment cases (EC 49393; issue 15): cases, their team, links and follow-ups.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 08:15:00
"""

from __future__ import annotations

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass  # reserved: the changes follow


def downgrade() -> None:
    pass
