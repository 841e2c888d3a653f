"""Search covers trespass warnings (the person's name, the description) and calls for
service (caller, what, where): FTS5 tables kept by triggers (SQLite), GIN expression indexes
(PostgreSQL), as migration 0003 made for the other kinds. Existing rows are indexed here.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-03 08:45:00
"""

from __future__ import annotations

from alembic import op

from sro_tui.domain.search import pg_vector

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"

# (FTS table, content table, indexed columns)
SQLITE_INDEXES = (
    ("trespass_warnings_fts", "trespass_warnings", ("person_name", "description")),
    ("calls_for_service_fts", "calls_for_service", ("caller", "what", "location")),
)

# (index name, table, indexed expression): services/search.py queries the same expressions.
POSTGRES_INDEXES = (
    (
        "ix_trespass_warnings_fts",
        "trespass_warnings",
        pg_vector("person_name || ' ' || description"),
    ),
    (
        "ix_calls_for_service_fts",
        "calls_for_service",
        pg_vector("caller || ' ' || what || ' ' || location"),
    ),
)


def _sqlite_upgrade() -> None:
    for fts, table, columns in SQLITE_INDEXES:
        cols = ", ".join(columns)
        new_values = ", ".join(f"new.{c}" for c in columns)
        old_values = ", ".join(f"old.{c}" for c in columns)
        op.execute(
            f"CREATE VIRTUAL TABLE {fts} USING fts5({cols}, content='{table}', "
            f"content_rowid='id', tokenize='{TOKENIZER}')"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ai AFTER INSERT ON {table} BEGIN "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new_values}); END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_ad AFTER DELETE ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old_values}); "
            "END"
        )
        op.execute(
            f"CREATE TRIGGER {fts}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
            f"INSERT INTO {fts}({fts}, rowid, {cols}) VALUES ('delete', old.id, {old_values}); "
            f"INSERT INTO {fts}(rowid, {cols}) VALUES (new.id, {new_values}); END"
        )
        # Index whatever the table already holds.
        op.execute(f"INSERT INTO {fts}({fts}) VALUES ('rebuild')")


def _sqlite_downgrade() -> None:
    for fts, _table, _columns in SQLITE_INDEXES:
        for suffix in ("ai", "ad", "au"):
            op.execute(f"DROP TRIGGER IF EXISTS {fts}_{suffix}")
        op.execute(f"DROP TABLE IF EXISTS {fts}")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_upgrade()
    else:
        for name, table, expression in POSTGRES_INDEXES:
            op.execute(f"CREATE INDEX {name} ON {table} USING gin ({expression})")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_downgrade()
    else:
        for name, _table, _expression in POSTGRES_INDEXES:
            op.execute(f"DROP INDEX IF EXISTS {name}")
