"""Messages for store failures say what happened and what to do, never the driver's text,
and never advice that would lose records (issue 13, items 8 and 10)."""

from __future__ import annotations

import errno
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.exc import OperationalError

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.store.db import READ_ONLY_MESSAGE, Database, friendly_store_error
from sro_tui.store.models import Setting
from tests.conftest import TEST_PASSWORD, CliResult, RunCli


def test_backup_auto_on_postgresql_fails_with_the_pg_dump_advice(run_cli: RunCli) -> None:
    # A cron job running `sro backup --auto` on a PostgreSQL store must see a failure: it
    # makes no backup there. Said before connecting (this server does not even exist).
    result = run_cli("--db", "postgresql+psycopg://sro@127.0.0.1:1/sro", "backup", "--auto")
    assert result.code == 2
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1
    assert "pg_dump" in lines[0]
    assert "already exists" not in result.err


def test_backup_auto_on_a_real_store(run_cli: RunCli, db_url: str) -> None:
    result = run_cli("--db", db_url, "backup", "--auto")
    if db_url.startswith("postgresql"):
        assert (result.code, result.out) == (2, "")
        assert "pg_dump" in result.err
    else:
        assert result.code == 0
        assert result.out.startswith("Backup written: ")


# --- item 8: true messages ---------------------------------------------------------------------


def add_officer(run_cli: RunCli, store: str, badge: str) -> CliResult:
    return run_cli(
        "--db",
        store,
        "officer",
        "add",
        "--badge",
        badge,
        "--name",
        f"Officer {badge}",
        "--role",
        "admin",
        "--password-stdin",
        stdin=f"{TEST_PASSWORD}\n",
    )  # fmt: skip (the first officer of a new store: its administrator)


def _driver_error(message: str) -> OperationalError:
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError(message))


def test_a_disk_io_error_is_not_called_damage() -> None:
    # Following "restore from a backup" would throw away every record newer than the backup,
    # and the store is most likely intact.
    friendly = friendly_store_error(_driver_error("disk I/O error"))
    assert "damaged" not in friendly
    assert "restore" not in friendly
    assert "disk or file system failed" in friendly
    assert "not changed" in friendly
    assert "try again" in friendly


def test_a_disk_io_error_while_saving_reaches_the_officer_as_that(db: Database) -> None:
    if not db.is_sqlite:
        pytest.skip("SQLite's error")

    @event.listens_for(db.engine, "before_cursor_execute")
    def _failing_disk(conn: Any, cursor: Any, statement: str, *_args: Any) -> None:
        if statement.startswith("INSERT"):
            raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(StoreUnreachable) as caught, db.write() as session:
        session.add(Setting(key="io_error_probe", value="1"))
    assert "disk or file system failed" in str(caught.value)
    event.remove(db.engine, "before_cursor_execute", _failing_disk)
    with db.read() as session:
        assert session.get(Setting, "io_error_probe") is None


@pytest.mark.parametrize(
    "message", ["database or disk is full", "could not extend file: No space left on device"]
)
def test_a_full_disk_is_said_plainly(message: str) -> None:
    friendly = friendly_store_error(_driver_error(message))
    assert friendly.startswith("The disk is full")
    assert "try again" in friendly


def test_audit_verify_on_a_full_disk(
    run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = str(tmp_path / "store.db")
    assert run_cli("--db", store, "init").code == 0
    assert add_officer(run_cli, store, "1001").code == 0  # a chain to checkpoint

    def full(path: Path, *_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(path))

    monkeypatch.setattr("sro_tui.services.audit_checkpoints.write_durably", full)
    result = run_cli("--db", store, "audit", "verify")
    assert result.code == 2
    assert result.err.startswith("sro: The disk is full")
    assert "free some space" in result.err
    assert len(result.err.strip().splitlines()) == 1


def test_a_dropped_postgresql_connection_is_named_so(db: Database) -> None:
    if db.is_sqlite:
        pytest.skip("PostgreSQL only")
    killer = Database(db.url)
    try:
        with pytest.raises(StoreUnreachable) as caught, db.write() as session:
            pid = session.scalar(text("SELECT pg_backend_pid()"))
            with killer.read() as other:
                other.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
            session.execute(text("SELECT 1"))
    finally:
        killer.dispose()
    message = str(caught.value)
    assert message == (
        f"Lost the connection to the PostgreSQL server ({db.url.host}): check the network; "
        "your typing is kept"
    )
    with db.read() as session:  # the next use reconnects
        assert session.scalar(text("SELECT 1")) == 1


def test_a_read_only_store_is_checked_and_refused_without_writing(
    run_cli: RunCli, tmp_path: Path
) -> None:
    path = tmp_path / "store.db"
    assert run_cli("--db", str(path), "init").code == 0
    result = add_officer(run_cli, str(path), "1001")
    assert result.code == 0, result.err
    assert run_cli("--db", str(path), "audit", "verify").code == 0
    before = path.read_bytes()
    read_only = f"sqlite:///{path}?mode=ro"
    # The audit trail is checked (no event and no checkpoint written).
    result = run_cli("--db", read_only, "audit", "verify", "--records")
    assert result.code == 0, result.err
    assert "Audit chain intact" in result.out
    # Each sign-in and look at records is an audit event, which a read-only store cannot
    # take: refused, with why, before anything is written.
    for argv in (
        ("report", "monthly", "--month", "2026-11"),
        ("incident", "list", "--as", "1001", "--password-stdin"),
    ):
        result = run_cli("--db", read_only, *argv, stdin=f"{TEST_PASSWORD}\n")
        assert result.code == 2, argv
        assert result.err.strip() == f"sro: {READ_ONLY_MESSAGE}"
    assert path.read_bytes() == before
