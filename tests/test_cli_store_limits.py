"""Commands that open the store without ``open_store`` keep the app's wait limits (SRO_PG_*)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from .conftest import RunCli


def test_db_check_gives_up_on_a_held_lock_as_the_settings_say(
    db_url: str, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    if "://" not in db_url:
        pytest.skip("PostgreSQL only (SQLite's busy timeout is the store's own)")
    monkeypatch.setenv("SRO_PG_LOCK_TIMEOUT_SECONDS", "1")
    holder = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    locked = threading.Event()
    release = threading.Event()

    def hold() -> None:
        # Another session holds the schema's version table, as a stalled upgrade would.
        with holder.begin() as connection:
            connection.execute(text("LOCK TABLE alembic_version IN ACCESS EXCLUSIVE MODE"))
            locked.set()
            release.wait(timeout=8)  # longer than the setting, shorter than the default 15 s

    thread = threading.Thread(target=hold)
    thread.start()
    try:
        assert locked.wait(timeout=30)
        result = run_cli("--db", db_url, "db", "check")
    finally:
        release.set()
        thread.join(timeout=30)
        holder.dispose()
    # With the default limit (15 s) it would have waited for the lock to go and said "ok".
    assert result.code == 2, result.out
    assert "busy" in result.err


def test_restore_on_postgresql_gives_the_pg_restore_advice(run_cli: RunCli, tmp_path: Path) -> None:
    dump = tmp_path / "store.dump"
    dump.write_bytes(b"PGDMP not really")
    # Refused before connecting: the server named here does not even exist.
    url = "postgresql+psycopg://nobody@127.0.0.1:9/none"
    result = run_cli("--db", url, "restore", str(dump), "--yes")
    assert result.code == 2
    assert "pg_restore" in result.err and "SQLite store only" in result.err
