"""A store that is already current opens without importing Alembic (issue 16: Alembic, Mako
and Pygments were a good part of a terminal's memory); a new, older or unknown store still
goes through Alembic. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from sqlalchemy import text

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.store import migrate
from sro_tui.store.db import Database

PROBE = """
import json, sys
from sro_tui.store.db import Database
from sro_tui.services.registry import prepare_store
from sro_tui.store import migrate
db = Database(sys.argv[1])
prepare_store(db)
current = migrate.is_current(db)
db.dispose()
print(json.dumps({"current": current, "alembic": "alembic" in sys.modules}))
"""


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert migrate.quick_head() == migrate.head_revision()


def test_a_current_store_opens_without_alembic(db_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, db_url], capture_output=True, text=True, check=True
    )
    assert json.loads(result.stdout) == {"current": True, "alembic": False}


def test_an_older_or_empty_store_is_still_upgraded(empty_db: Database) -> None:
    assert not migrate.is_current(empty_db)
    head = migrate.head_revision()
    older = f"{int(head) - 1:04d}"
    migrate.upgrade(empty_db, older)
    assert migrate.current_revision(empty_db) == older and not migrate.is_current(empty_db)
    migrate.upgrade(empty_db)
    assert migrate.current_revision(empty_db) == head and migrate.is_current(empty_db)


def test_a_store_of_a_newer_version_is_still_refused(db: Database) -> None:
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    assert not migrate.is_current(db)
    with pytest.raises(StoreUnreachable, match="newer"):
        migrate.upgrade(db)
