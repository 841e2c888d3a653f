"""Incident outcomes as rows, and who initiated the contact (issue 11 items 3 and 6).

- incident_person_outcomes: one row per incident person and outcome (position keeps the
  order the officer gave). The comma-separated incident_people.outcomes moves there and the
  column goes, so reports count an outcome by equality, never by LIKE on a text column.
- incidents.initiated_by: who brought the matter to the officer ("school official",
  "officer", "other"; NULL on reports filed before: not recorded). CRDC counts a referral to
  law enforcement only when a school official or designee made it.

Both are plain CREATE TABLE / ADD COLUMN / DROP COLUMN: no table copy on SQLite (which would
drop the full-text triggers and trip foreign keys).

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

# The outcome values of 0015 (domain.enums.OutcomeKind then), to read old text that was not
# written comma-separated: no value is a substring of another.
KNOWN = (
    "resolved by officer",
    "handled by school",
    "mediation",
    "warning",
    "citation",
    "juvenile petition",
    "arrest",
    "diversion referral",
    "referral to services",
)
VALUE_LENGTH = 30

people = sa.table(
    "incident_people",
    sa.column("id", sa.Integer),
    sa.column("outcomes", sa.String),
)
rows = sa.table(
    "incident_person_outcomes",
    sa.column("person_id", sa.Integer),
    sa.column("outcome", sa.String),
    sa.column("position", sa.Integer),
)


def split_outcomes(stored: str | None) -> list[str]:
    """The values of an old ``incident_people.outcomes``, in their order, each once.

    Written comma-separated by sro-tui; a part that is not one value (text written another
    way) gives the known values found in it, in their order, or itself if none is."""
    found: list[str] = []
    for part in (stored or "").split(","):
        part = part.strip()
        if not part:
            continue
        if part in KNOWN:
            found.append(part)
            continue
        inside = sorted((part.find(value), value) for value in KNOWN if value in part)
        if inside:
            found.extend(value for _at, value in inside)
        else:
            found.append(part)
    return list(dict.fromkeys(value[:VALUE_LENGTH] for value in found))


def upgrade() -> None:
    op.create_table(
        "incident_person_outcomes",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("outcome", sa.String(length=VALUE_LENGTH), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False, server_default="0"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["incident_people.id"],
            name=op.f("fk_incident_person_outcomes_person_id_incident_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", "outcome", name=op.f("pk_incident_person_outcomes")),
    )
    bind = op.get_bind()
    moved = [
        {"person_id": person_id, "outcome": value, "position": position}
        for person_id, stored in bind.execute(
            sa.select(people.c.id, people.c.outcomes).where(people.c.outcomes != "")
        )
        for position, value in enumerate(split_outcomes(stored))
    ]
    for start in range(0, len(moved), 5000):
        bind.execute(rows.insert(), moved[start : start + 5000])
    op.drop_column("incident_people", "outcomes")
    op.add_column("incidents", sa.Column("initiated_by", sa.String(length=20), nullable=True))


def downgrade() -> None:
    op.drop_column("incidents", "initiated_by")
    op.add_column(
        "incident_people",
        sa.Column("outcomes", sa.String(length=300), nullable=False, server_default=""),
    )
    bind = op.get_bind()
    kept: dict[int, list[str]] = {}
    for person_id, value in bind.execute(
        sa.select(rows.c.person_id, rows.c.outcome).order_by(rows.c.person_id, rows.c.position)
    ):
        kept.setdefault(person_id, []).append(value)
    changes = [{"row_id": pid, "text": ",".join(values)[:300]} for pid, values in kept.items()]
    if changes:
        bind.execute(
            people.update()
            .where(people.c.id == sa.bindparam("row_id"))
            .values(outcomes=sa.bindparam("text")),
            changes,
        )
    op.drop_table("incident_person_outcomes")
