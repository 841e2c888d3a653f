"""`sro audit verify` and `sro db check` say when the append-only triggers are gone (or
disabled, or made harmless), on SQLite and PostgreSQL; `--repair-triggers` puts them back."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

import pytest
from sqlalchemy import text

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.registry import Services

from .conftest import RunCli


def as_intruder(services: Services, sqlite_sql: str, postgres_sql: str) -> None:
    """Change the schema as someone with full rights on the database would."""
    db = services.db
    if db.is_sqlite:
        connection = sqlite3.connect(str(db.sqlite_path))
        try:
            connection.executescript(sqlite_sql)
        finally:
            connection.close()
        return
    with db.engine.begin() as connection:
        connection.execute(text(postgres_sql))


DROP = (
    "DROP TRIGGER audit_events_no_update;",
    "DROP TRIGGER audit_events_append_only ON audit_events",
)
DISABLE = (
    # SQLite cannot disable a trigger: the same name, made harmless, is the equivalent.
    "DROP TRIGGER audit_events_no_update; CREATE TRIGGER audit_events_no_update BEFORE UPDATE "
    "ON audit_events WHEN 0 BEGIN SELECT RAISE(ABORT, 'x'); END;",
    "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
)


@pytest.mark.parametrize("change", [DROP, DISABLE], ids=["dropped", "disabled"])
def test_verify_and_db_check_say_the_triggers_are_gone(
    services: Services, db_url: str, run_cli: RunCli, change: tuple[str, str]
) -> None:
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")
    assert run_cli("--db", db_url, "audit", "verify").code == 0
    result = run_cli("--db", db_url, "db", "check")
    assert result.code == 0, result.out
    assert "Audit triggers: ok" in result.out

    as_intruder(services, *change)
    name = "audit_events_no_update" if services.db.is_sqlite else "audit_events_append_only"
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 1
    assert "NOT PROTECTED" in result.out and name in result.out
    report = services.audit.check_chain()
    assert not report.ok and report.first_bad_id is None
    result = run_cli("--db", db_url, "db", "check")
    assert result.code == 1
    assert f"Audit triggers: the trigger {name}" in result.out

    result = run_cli("--db", db_url, "db", "check", "--repair-triggers")
    assert result.code == 0, result.out
    assert "put back" in result.out
    assert run_cli("--db", db_url, "audit", "verify").code == 0
    with pytest.raises(Exception, match="append-only"), services.db.write() as session:
        session.execute(text("UPDATE audit_events SET detail = 'x'"))


def test_a_whole_protected_store_is_not_reported(services: Services) -> None:
    from sro_tui.store import triggers

    check: Callable[..., list[str]] = triggers.problems
    with services.db.engine.connect() as connection:
        assert check(connection) == []
