"""full-text search index: FTS5 tables kept by triggers (SQLite), GIN indexes (PostgreSQL)

SQLite: one external-content FTS5 table per searched table (the text lives once, in the
table itself; the FTS table holds only the index), keyed by the row's id as FTS rowid and
kept in step by AFTER INSERT / UPDATE / DELETE triggers. The tokenizer is unicode61 without
stemming (accents folded), so the last word typed can be matched as a prefix predictably.

PostgreSQL: a GIN index on to_tsvector('simple', translate(..., accented, plain)) of the
same columns. 'simple' (no stemming, no stop words) with accents folded behaves like the
SQLite index: "no" and "not" are kept, "Maria" finds "María", and a prefix of a half-typed
word matches as the officer types.

Names containing "_fts" are left out of model/migration comparison (migrations/env.py).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

TOKENIZER = "unicode61 remove_diacritics 2"

# (FTS table, content table, indexed columns)
SQLITE_INDEXES = (
    ("incidents_fts", "incidents", ("narrative",)),
    ("notes_fts", "notes", ("topics", "text")),
    ("referrals_fts", "referrals", ("reason",)),
    ("students_fts", "students", ("first_name", "last_name")),
)

# PostgreSQL's 'simple' configuration keeps accents; translate() (immutable, so indexable)
# folds the accented Latin letters to plain ones, as SQLite's remove_diacritics does.
ACCENTED = "ÀÁÂÃÄÅÇÈÉÊËÌÍÎÏÑÒÓÔÕÖÙÚÛÜÝàáâãäåçèéêëìíîïñòóôõöùúûüýÿĀāĂăĄąĆćĈĉĊċČčĎďĒēĔĕĖėĘęĚěĜĝĞğĠġĢģĤĥĨĩĪīĬĭĮįİĴĵĶķĹĺĻļĽľŃńŅņŇňŌōŎŏŐőŔŕŖŗŘřŚśŜŝŞşŠšŢţŤťŨũŪūŬŭŮůŰűŲųŴŵŶŷŸŹźŻżŽž"
PLAIN = "AAAAAACEEEEIIIINOOOOOUUUUYaaaaaaceeeeiiiinooooouuuuyyAaAaAaCcCcCcCcDdEeEeEeEeEeGgGgGgGgHhIiIiIiIiIJjKkLlLlLlNnNnNnOoOoOoRrRrRrSsSsSsSsTtTtUuUuUuUuUuUuWwYyYZzZzZz"


def _vector(expression: str) -> str:
    return f"to_tsvector('simple', translate({expression}, '{ACCENTED}', '{PLAIN}'))"


# (index name, table, indexed expression): the search service uses these same expressions.
POSTGRES_INDEXES = (
    ("ix_incidents_narrative_fts", "incidents", _vector("narrative")),
    ("ix_notes_text_fts", "notes", _vector("topics || ' ' || text")),
    ("ix_referrals_reason_fts", "referrals", _vector("reason")),
    ("ix_students_name_fts", "students", _vector("first_name || ' ' || last_name")),
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
