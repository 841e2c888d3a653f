"""Threat assessment cases (EC 49393; issue 15): cases, their team, stage events, dated
follow-ups and links to referrals and notes: five new tables; existing stores keep every row
as it was.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-03 08:15:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from sro_tui.store.types import UTCDateTime

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "threat_cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("student_id", sa.Integer(), nullable=False),
        sa.Column("school_id", sa.Integer(), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("stage", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("confidential", sa.Boolean(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("reported_on", sa.Date(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"], ["incidents.id"], name=op.f("fk_threat_cases_incident_id_incidents")
        ),
        sa.ForeignKeyConstraint(
            ["lead_id"], ["officers.id"], name=op.f("fk_threat_cases_lead_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["school_id"], ["schools.id"], name=op.f("fk_threat_cases_school_id_schools")
        ),
        sa.ForeignKeyConstraint(
            ["student_id"], ["students.id"], name=op.f("fk_threat_cases_student_id_students")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_cases")),
    )
    op.create_index("ix_threat_cases_closed", "threat_cases", ["closed_at", "id"])
    op.create_index("ix_threat_cases_opened", "threat_cases", ["opened_at", "id"])
    op.create_index(op.f("ix_threat_cases_student_id"), "threat_cases", ["student_id"])
    op.create_table(
        "threat_case_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("from_stage", sa.String(length=12), nullable=True),
        sa.Column("to_stage", sa.String(length=12), nullable=False),
        sa.Column("level", sa.String(length=12), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("by_id", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_id"], ["officers.id"], name=op.f("fk_threat_case_events_by_id_officers")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["threat_cases.id"],
            name=op.f("fk_threat_case_events_case_id_threat_cases"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_case_events")),
    )
    op.create_index(op.f("ix_threat_case_events_case_id"), "threat_case_events", ["case_id"])
    op.create_table(
        "threat_case_links",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["threat_cases.id"],
            name=op.f("fk_threat_case_links_case_id_threat_cases"),
        ),
        sa.PrimaryKeyConstraint("case_id", "kind", "record_id", name=op.f("pk_threat_case_links")),
    )
    op.create_table(
        "threat_case_members",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["threat_cases.id"],
            name=op.f("fk_threat_case_members_case_id_threat_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_threat_case_members_officer_id_officers"),
        ),
        sa.PrimaryKeyConstraint("case_id", "officer_id", name=op.f("pk_threat_case_members")),
    )
    op.create_index("ix_threat_case_members_officer", "threat_case_members", ["officer_id"])
    op.create_table(
        "threat_follow_ups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("officer_id", sa.Integer(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("what", sa.Text(), nullable=False),
        sa.Column("done_at", UTCDateTime(), nullable=True),
        sa.Column("done_note", sa.Text(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"],
            ["threat_cases.id"],
            name=op.f("fk_threat_follow_ups_case_id_threat_cases"),
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"],
            ["officers.id"],
            name=op.f("fk_threat_follow_ups_officer_id_officers"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_threat_follow_ups")),
    )
    op.create_index(op.f("ix_threat_follow_ups_case_id"), "threat_follow_ups", ["case_id"])
    op.create_index(
        "ix_threat_follow_ups_officer_due", "threat_follow_ups", ["officer_id", "due_on", "id"]
    )


def downgrade() -> None:
    op.drop_table("threat_follow_ups")
    op.drop_table("threat_case_members")
    op.drop_table("threat_case_links")
    op.drop_table("threat_case_events")
    op.drop_table("threat_cases")
