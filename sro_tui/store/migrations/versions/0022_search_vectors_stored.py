"""PostgreSQL search reads a stored tsvector column per searchable table (generated from the
same text and kept by the server as rows change) with a GIN index on it, instead of GIN
indexes on the expression (migrations 0003, 0019, 0021). With the expression, every row a
search looks at outside the index (the newest rows walked for a common word, a probe's
recheck) had its vector computed again from the text: 0.2-0.6 s for a common word at a
million rows. The expression indexes are dropped. SQLite (FTS5 tables) is unchanged.

Adding a stored generated column rewrites the table under an exclusive lock: at a million
rows (20,000 incidents, 50,000 notes, 100,800 students) about 20 s in all.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-03 15:00:00
"""

from __future__ import annotations

from alembic import op

from sro_tui.domain.search import pg_vector

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

COLUMN = "search_vector"

# (table, text indexed, the expression index it replaces): services/search.py reads COLUMN.
TABLES = (
    ("incidents", "narrative", "ix_incidents_narrative_fts"),
    ("notes", "topics || ' ' || text", "ix_notes_text_fts"),
    ("referrals", "reason", "ix_referrals_reason_fts"),
    ("students", "first_name || ' ' || last_name", "ix_students_name_fts"),
    ("trespass_warnings", "person_name || ' ' || description", "ix_trespass_warnings_fts"),
    ("calls_for_service", "caller || ' ' || what || ' ' || location", "ix_calls_for_service_fts"),
    ("threat_cases", "summary", "ix_threat_cases_fts"),
)


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, text, old_index in TABLES:
        op.execute(
            f"ALTER TABLE {table} ADD COLUMN {COLUMN} tsvector "
            f"GENERATED ALWAYS AS ({pg_vector(text)}) STORED"
        )
        op.execute(f"CREATE INDEX ix_{table}_{COLUMN} ON {table} USING gin ({COLUMN})")
        op.execute(f"DROP INDEX IF EXISTS {old_index}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    for table, text, old_index in TABLES:
        op.execute(f"CREATE INDEX {old_index} ON {table} USING gin ({pg_vector(text)})")
        op.execute(f"DROP INDEX IF EXISTS ix_{table}_{COLUMN}")
        op.execute(f"ALTER TABLE {table} DROP COLUMN {COLUMN}")
