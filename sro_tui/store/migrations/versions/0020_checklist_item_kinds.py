"""Checklist items have a kind (issue 11): security check, instruction, training, mentoring
or other, on the template items and on the shifts' items copied from them. The monthly
report counts campus checks by kind instead of recognising words in the label.

Existing items get their kind here, once, from the words of their label (the same words
the report used before: ``LABEL_WORDS`` below, a frozen copy); from then on an
administrator sets the kind (the checklist form, ``sro reference add checklist --kind``).
``checklist_done_days`` (0018) is counted per kind too, so the report reads the kind there.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-03 08:50:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

TABLES = ("checklist_template_items", "checklist_items")

# The words the report recognised security checks by until 0020 (domain.reports before the
# kind), and the words of the other kinds.
SECURITY_WORDS = (
    "perimeter",
    "gate",
    "parking",
    "visitor",
    "unauthorized",
    "restroom",
    "supervision",
    "patrol",
    "bus stop",
    "lockdown",
    "security",
    "sweep",
)
NOT_SECURITY_WORDS = (
    "instruction",
    "class",
    "lecture",
    "training",
    "mentoring",
    "liaison",
    "check-in",
    "check-out",
    "meet",
)
OTHER_KINDS = (
    ("instruction", ("instruction", "class", "lecture")),
    ("training", ("training",)),
    ("mentoring", ("mentoring", "liaison")),
)


def kind_of(label: str) -> str:
    """The kind the label's words gave an item before 0020."""
    text = " ".join(label.casefold().split())
    if any(w in text for w in SECURITY_WORDS) and not any(w in text for w in NOT_SECURITY_WORDS):
        return "security"
    for kind, words in OTHER_KINDS:
        if any(w in text for w in words):
            return kind
    return "other"


def upgrade() -> None:
    bind = op.get_bind()
    for table in TABLES:
        # A NOT NULL column with a default: a plain ADD COLUMN on both backends.
        op.add_column(
            table,
            sa.Column("kind", sa.String(length=20), nullable=False, server_default="other"),
        )
        labels = [row[0] for row in bind.execute(sa.text(f"SELECT DISTINCT label FROM {table}"))]
        for label in labels:
            kind = kind_of(label)
            if kind != "other":
                bind.execute(
                    sa.text(f"UPDATE {table} SET kind = :kind WHERE label = :label"),
                    {"kind": kind, "label": label},
                )


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("kind")
