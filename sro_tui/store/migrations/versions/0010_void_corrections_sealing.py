"""Void, corrections and sealing: incidents.voided_at / voided_by_id / void_reason (a voided
report is kept and counted nowhere) and incidents.revision (the approved version in force,
existing reports at 1); incident_versions (each correction an officer proposes and each
version a supervisor approved, with its content); student_seals (court-ordered sealing of a
juvenile's records, W&I 781, 786, 786.5, and its lifting). Existing data: no report is voided,
every report is at version 1 with no history row until its first correction, no student sealed.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02 19:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sro_tui.store.types import UTCDateTime

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Plain ADD COLUMNs: on SQLite a constraint added here would make Alembic copy the table,
    # which drops its full-text triggers (0003). voided_by_id names an officer (no foreign
    # key, like audit_events.officer_id: the officer is never deleted).
    op.add_column("incidents", sa.Column("voided_at", UTCDateTime(), nullable=True))
    op.add_column("incidents", sa.Column("voided_by_id", sa.Integer(), nullable=True))
    op.add_column(
        "incidents", sa.Column("void_reason", sa.Text(), server_default="", nullable=False)
    )
    op.add_column(
        "incidents", sa.Column("revision", sa.Integer(), server_default="1", nullable=False)
    )
    op.create_table(
        "incident_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_at", UTCDateTime(), nullable=True),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_versions_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["author_id"], ["officers.id"], name=op.f("fk_incident_versions_author_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["reviewed_by_id"],
            ["officers.id"],
            name=op.f("fk_incident_versions_reviewed_by_id_officers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_versions")),
    )
    op.create_index(op.f("ix_incident_versions_incident_id"), "incident_versions", ["incident_id"])
    op.create_index(
        "ix_incident_versions_status_created", "incident_versions", ["status", "created_at", "id"]
    )
    op.create_table(
        "student_seals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("order_number", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("sealed_by_id", sa.Integer(), nullable=True),
        sa.Column("sealed_at", UTCDateTime(), nullable=False),
        sa.Column("unsealed_by_id", sa.Integer(), nullable=True),
        sa.Column("unsealed_at", UTCDateTime(), nullable=True),
        sa.Column("unseal_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_student_seals_student_id_students")
        ),
        sa.ForeignKeyConstraint(
            ["sealed_by_id"], ["officers.id"], name=op.f("fk_student_seals_sealed_by_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["unsealed_by_id"],
            ["officers.id"],
            name=op.f("fk_student_seals_unsealed_by_id_officers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_student_seals")),
    )
    op.create_index(op.f("ix_student_seals_student_id"), "student_seals", ["student_id"])


def downgrade() -> None:
    op.drop_index(op.f("ix_student_seals_student_id"), table_name="student_seals")
    op.drop_table("student_seals")
    op.drop_index("ix_incident_versions_status_created", table_name="incident_versions")
    op.drop_index(op.f("ix_incident_versions_incident_id"), table_name="incident_versions")
    op.drop_table("incident_versions")
    # SQLite 3.35+ drops a column in place (no table copy, so the triggers stay).
    for name in ("revision", "void_reason", "voided_by_id", "voided_at"):
        op.drop_column("incidents", name)
