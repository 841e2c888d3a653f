"""What a terminal holds in memory (issue 16): a SQLite terminal never imports PostgreSQL's
dialect (about 2 MiB of modules), not even to seal a record."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD
from .stores import copy_sqlite_store

PROBE = """
import json, sys
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services.registry import build_services, prepare_store
from sro_tui.store.db import Database

db = Database(sys.argv[1])
prepare_store(db)
services = build_services(db, audit_key=sys.argv[2].encode())
school = services.reference.school_by_code("VHS").id
officer = OfficerCreate(badge="1001", name="Officer 1001", role="officer", school_ids=[school])
services.officers.create(SYSTEM_ACTOR, officer, sys.argv[3], check_policy=False)  # sealed
services.officers.authenticate("1001", sys.argv[3])
print(json.dumps(sorted(sys.modules)))
"""


def test_a_sqlite_terminal_never_imports_the_postgresql_dialect(
    sqlite_template: Path, tmp_path: Path
) -> None:
    store = copy_sqlite_store(sqlite_template, tmp_path / "store.db")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(store), TEST_AUDIT_KEY.decode(), TEST_PASSWORD],
        capture_output=True,
        text=True,
        check=True,
    )
    loaded = set(json.loads(result.stdout))
    assert "sqlalchemy.dialects.sqlite" in loaded and "sro_tui.services.record_seals" in loaded
    assert "sqlalchemy.dialects.postgresql" not in loaded
