"""Messages for store failures say what happened and what to do, never the driver's text,
and never advice that would lose records (issue 13, items 8 and 10)."""

from __future__ import annotations

from tests.conftest import RunCli


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
