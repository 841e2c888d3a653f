"""Trespass warnings (PC 626.8, 627.7), their schools and violations, and calls for service:
four new tables; existing stores keep every row as it was.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03 07:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sro_tui.store.types import UTCDateTime

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "trespass_warnings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("person_name", sa.String(length=200), nullable=False),
        sa.Column("person_key", sa.String(length=420), nullable=False),
        sa.Column("search_text", sa.Text(), nullable=False),
        sa.Column("birth_date", sa.Date(), nullable=True),
        sa.Column("age", sa.Integer(), nullable=True),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("photo_ref", sa.String(length=200), nullable=False),
        sa.Column("person_kind", sa.String(length=10), nullable=False),
        sa.Column("juvenile", sa.Boolean(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=True),
        sa.Column("statute", sa.String(length=10), nullable=False),
        sa.Column("statute_text", sa.Text(), nullable=False),
        sa.Column("days", sa.Integer(), nullable=False),
        sa.Column("warned_at", UTCDateTime(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_trespass_warnings_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_trespass_warnings_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_trespass_warnings_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trespass_warnings")),
    )
    op.create_index(
        "ix_trespass_warnings_expires", "trespass_warnings", ["expires_at", "id"], unique=False
    )
    op.create_index(
        "ix_trespass_warnings_warned", "trespass_warnings", ["warned_at", "id"], unique=False
    )
    op.create_index(
        op.f("ix_trespass_warnings_person_key"), "trespass_warnings", ["person_key"], unique=False
    )
    op.create_index(
        op.f("ix_trespass_warnings_student_id"), "trespass_warnings", ["student_id"], unique=False
    )
    op.create_table(
        "trespass_warning_schools",
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_trespass_warning_schools_school_id_schools"),
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["trespass_warnings.id"],
            name=op.f("fk_trespass_warning_schools_warning_id_trespass_warnings"),
        ),
        sa.PrimaryKeyConstraint(
            "warning_id", "school_id", name=op.f("pk_trespass_warning_schools")
        ),
    )
    op.create_index(
        "ix_trespass_warning_schools_school",
        "trespass_warning_schools",
        ["school_id"],
        unique=False,
    )
    op.create_table(
        "trespass_violations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("warning_id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_trespass_violations_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_trespass_violations_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["warning_id"],
            ["trespass_warnings.id"],
            name=op.f("fk_trespass_violations_warning_id_trespass_warnings"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_trespass_violations")),
    )
    op.create_index("ix_trespass_violations_at", "trespass_violations", ["at", "id"], unique=False)
    op.create_index(
        op.f("ix_trespass_violations_warning_id"),
        "trespass_violations",
        ["warning_id"],
        unique=False,
    )
    op.create_table(
        "calls_for_service",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=False),
        sa.Column("caller", sa.String(length=200), nullable=False),
        sa.Column("caller_kind", sa.String(length=10), nullable=False),
        sa.Column("location", sa.String(length=200), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("disposition", sa.String(length=30), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_calls_for_service_incident_id_incidents"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["officers.id"], name=op.f("fk_calls_for_service_officer_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_calls_for_service_school_id_schools")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls_for_service")),
    )
    op.create_index(
        "ix_calls_for_service_received", "calls_for_service", ["received_at", "id"], unique=False
    )
    op.create_index(
        "ix_calls_for_service_officer_received",
        "calls_for_service",
        ["officer_id", "received_at", "id"],
        unique=False,
    )
    op.create_index(
        "ix_calls_for_service_school_received",
        "calls_for_service",
        ["school_id", "received_at", "id"],
        unique=False,
    )


def downgrade() -> None:
    op.drop_table("calls_for_service")
    op.drop_table("trespass_violations")
    op.drop_table("trespass_warning_schools")
    op.drop_table("trespass_warnings")
