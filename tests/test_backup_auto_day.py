"""Issue 12: `sro backup --auto` (the cron line) takes the day's backup whenever none was
taken yet today, whoever signed in first: the app's copy at the first sign-in of the day
holds the store as it was before the day's work, and gives way to the day's backup."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from sro_tui.services.registry import Services

from .conftest import Clock, RunCli, make_officer
from .test_search import add_incident


def names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def incidents(path: Path) -> int:
    with closing(sqlite3.connect(path)) as connection:
        return connection.execute("SELECT count(*) FROM incidents").fetchone()[0]


def test_the_day_backup_comes_after_the_sign_in_copy(
    sqlite_services: Services, clock: Clock
) -> None:
    store = sqlite_services.db.sqlite_path
    assert store is not None
    folder = store.parent / "backups"
    backup = sqlite_services.backup
    early = backup.auto_backup(at_sign_in=True)  # the first sign-in, 08:30
    assert early == folder / "store-2026-09-14-at-sign-in.db"
    assert backup.auto_backup(at_sign_in=True) is None  # another sign-in: nothing more
    before = incidents(early)
    officer = make_officer(sqlite_services, "1001")
    add_incident(sqlite_services, officer, "the day's work")
    clock.advance(hours=14)  # 22:30 Pacific: the cron line
    day = backup.auto_backup()
    assert day == folder / "store-2026-09-14.db"
    assert incidents(day) == incidents(store) == before + 1
    assert names(folder) == ["store-2026-09-14.db", "store-2026-09-14.db.sha256"]
    assert backup.auto_backup() is None  # once a day
    assert backup.auto_backup(at_sign_in=True) is None  # the day has its backup

    # Next day: cron first (before anyone signs in); a sign-in then makes nothing.
    clock.advance(hours=10)
    assert backup.auto_backup() == folder / "store-2026-09-15.db"
    assert backup.auto_backup(at_sign_in=True) is None
    # A day with only a sign-in copy counts as a day when old ones are pruned.
    clock.advance(days=1)
    assert backup.auto_backup(at_sign_in=True) is not None
    clock.advance(days=1)
    assert backup.auto_backup(keep=2) is not None
    assert names(folder) == [
        "store-2026-09-16-at-sign-in.db",
        "store-2026-09-16-at-sign-in.db.sha256",
        "store-2026-09-17.db",
        "store-2026-09-17.db.sha256",
    ]


def test_cron_line_after_a_sign_in(tmp_path: Path, run_cli: RunCli) -> None:
    from sro_tui.services.registry import build_services
    from sro_tui.store.db import Database

    from .conftest import TEST_AUDIT_KEY

    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    db = Database(store)
    try:  # what the app does at the first sign-in of the day
        assert build_services(db, audit_key=TEST_AUDIT_KEY).backup.auto_backup(at_sign_in=True)
    finally:
        db.dispose()
    result = run_cli("--db", str(store), "backup", "--auto")
    assert result.code == 0, result.err
    assert "Backup written" in result.out
    made = sorted(p.name for p in (tmp_path / "backups").glob("*.db"))
    assert len(made) == 1 and "at-sign-in" not in made[0]
    result = run_cli("--db", str(store), "backup", "--auto")
    assert "already exists" in result.out
