"""A store that is already current opens, and is backed up, without importing Alembic (issue
16: Alembic, Mako and Pygments were a good part of a terminal's memory); a new, older or
unknown store still goes through Alembic. SQLite and PostgreSQL."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.services.registry import Services
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


BACKUP_PROBE = """
import json, sys
from sro_tui.services.registry import build_services, prepare_store
from sro_tui.store.db import Database
from tests.conftest import TEST_AUDIT_KEY
db = Database(sys.argv[1])
prepare_store(db)
made = build_services(db, audit_key=TEST_AUDIT_KEY).backup.auto_backup(at_sign_in=True)
db.dispose()
print(json.dumps({"made": made is not None, "alembic": "alembic" in sys.modules}))
"""


def test_the_head_read_from_the_files_is_alembics() -> None:
    assert migrate.quick_head() == migrate.head_revision()


def test_the_revisions_read_from_the_files_are_alembics() -> None:
    from alembic.script import ScriptDirectory

    chain = migrate._quick_chain()
    assert chain is not None
    scripts = ScriptDirectory.from_config(migrate.alembic_config())
    assert {script.revision: script.down_revision for script in scripts.walk_revisions()} == chain
    assert all(migrate.is_known_revision(revision) for revision in chain)
    assert not migrate.is_known_revision("9999")


def test_the_backup_at_the_first_sign_in_imports_no_alembic(sqlite_services: Services) -> None:
    """The app's backup at the first sign-in of the day checks the copy's schema revision:
    a revision of the app's own is known without Alembic."""
    store = sqlite_services.db.sqlite_path
    assert store is not None
    result = subprocess.run(
        [sys.executable, "-c", BACKUP_PROBE, str(store)],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).resolve().parent.parent,
    )
    assert json.loads(result.stdout) == {"made": True, "alembic": False}


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
