"""Autogenerate a migration from the models against a scratch SQLite store at head.

python scripts/new_migration.py "what changed"           # next revision
python scripts/new_migration.py --initial "initial schema"  # (re)write 0001 from scratch
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from alembic import command

from sro_tui.store.db import Database
from sro_tui.store.migrate import MIGRATIONS, alembic_config, head_revision, upgrade


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("message")
    parser.add_argument("--initial", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(Path(tmp) / "scratch.db")
        versions = sorted((MIGRATIONS / "versions").glob("[0-9]*.py"))
        if args.initial:
            rev_id = "0001"
        else:
            upgrade(db)
            rev_id = f"{int(head_revision()) + 1:04d}"
        config = alembic_config()
        with db.engine.begin() as connection:
            config.attributes["connection"] = connection
            command.revision(config, message=args.message, autogenerate=True, rev_id=rev_id)
        db.dispose()
    print(f"wrote revision {rev_id}; existing: {[v.name for v in versions]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
