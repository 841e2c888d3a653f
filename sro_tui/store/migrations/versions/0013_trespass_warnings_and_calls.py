"""Trespass warnings (PC 626.8, 627.7) and calls for service.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Placeholder: the tables follow in the next commit."""


def downgrade() -> None:
    """Placeholder."""
