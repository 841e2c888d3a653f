"""Student search key: students.search_name becomes domain.names.name_key("last first")
(accents folded, Đ/ø/ß spelled out, apostrophes and full stops dropped, other punctuation a
word break) so "obrien" finds O'Brien, "dang" Đặng and "garcia jr" "Garcia, Jr."; every
existing student's key is recomputed. On PostgreSQL the column (and so its index) compares
byte-wise (COLLATE "C"), as SQLite's BINARY does, so both order search results alike.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02 19:50:00
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

from sro_tui.domain.names import name_key

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

KEY_LENGTH = 401


def _old_key(text: str) -> str:
    """The key before this revision (for downgrade): lower case, accents dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.casefold().split())


def _rekey(key: Callable[[str], str]) -> None:
    bind = op.get_bind()
    students = sa.table(
        "students",
        sa.column("id", sa.Integer),
        sa.column("first_name", sa.String),
        sa.column("last_name", sa.String),
        sa.column("search_name", sa.String),
    )
    rows = bind.execute(sa.select(students.c.id, students.c.last_name, students.c.first_name))
    changes = [
        {"row_id": row_id, "key": key(f"{last} {first}")[:KEY_LENGTH]}
        for row_id, last, first in rows
    ]
    if changes:
        bind.execute(
            students.update()
            .where(students.c.id == sa.bindparam("row_id"))
            .values(search_name=sa.bindparam("key")),
            changes,
        )


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute('ALTER TABLE students ALTER COLUMN search_name TYPE VARCHAR(401) COLLATE "C"')
    _rekey(name_key)


def downgrade() -> None:
    _rekey(_old_key)
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            'ALTER TABLE students ALTER COLUMN search_name TYPE VARCHAR(401) COLLATE "default"'
        )
