"""Search covers threat assessment cases (their summary): an FTS5 table kept by triggers
(SQLite), a GIN expression index (PostgreSQL), as migrations 0003 and 0019 made for the other
kinds. Existing cases are indexed here.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-03 09:25:00
"""

from __future__ import annotations

from alembic import op

from sro_tui.domain.search import pg_vector

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"
FTS = "threat_cases_fts"
TABLE = "threat_cases"
# services/search.py queries the very same expression.
PG_INDEX = "ix_threat_cases_fts"
PG_EXPRESSION = pg_vector("threat_cases.summary")


def _sqlite_upgrade() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS} USING fts5(summary, content='{TABLE}', "
        f"content_rowid='id', tokenize='{TOKENIZER}')"
    )
    op.execute(
        f"CREATE TRIGGER {FTS}_ai AFTER INSERT ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}(rowid, summary) VALUES (new.id, new.summary); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS}_ad AFTER DELETE ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, summary) VALUES ('delete', old.id, old.summary); END"
    )
    op.execute(
        f"CREATE TRIGGER {FTS}_au AFTER UPDATE OF summary ON {TABLE} BEGIN "
        f"INSERT INTO {FTS}({FTS}, rowid, summary) VALUES ('delete', old.id, old.summary); "
        f"INSERT INTO {FTS}(rowid, summary) VALUES (new.id, new.summary); END"
    )
    # Index the cases the table already holds.
    op.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('rebuild')")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        op.execute(f"CREATE INDEX {PG_INDEX} ON {TABLE} USING gin ({PG_EXPRESSION})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {FTS}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {FTS}")
    else:
        op.execute(f"DROP INDEX IF EXISTS {PG_INDEX}")
