"""PostgreSQL roles: with `sro db roles --owner X --app Y --apply`, terminals connect as an
app role that cannot disable or drop the append-only triggers, nor change or delete audit
events; and no terminal upgrades a shared PostgreSQL store on its own."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.registry import Services, build_services
from sro_tui.store import migrate
from sro_tui.store.db import Database

from .conftest import PG_URL, TEST_AUDIT_KEY, Clock, RunCli

pytestmark = pytest.mark.skipif(not PG_URL, reason="SRO_TEST_DATABASE_URL is not set")


@pytest.fixture
def roles(db_url: str) -> Iterator[tuple[str, str]]:
    """An owner and an app role (login) on the test server, gone afterwards."""
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    tag = uuid.uuid4().hex[:8]
    owner, app = f"sro_owner_{tag}", f"sro_app_{tag}"
    admin = create_engine(make_url(db_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {owner} NOLOGIN"))
        connection.execute(text(f"CREATE ROLE {app} LOGIN"))
    try:
        yield owner, app
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"REASSIGN OWNED BY {owner} TO CURRENT_USER"))
            connection.execute(text(f"DROP OWNED BY {app}"))
            connection.execute(text(f"DROP OWNED BY {owner}"))
        admin.dispose()
        # Roles are the server's, not the database's: dropped once nothing refers to them.
        server = create_engine(make_url(PG_URL), isolation_level="AUTOCOMMIT")
        with server.connect() as connection:
            connection.execute(text(f"DROP ROLE IF EXISTS {app}"))
            connection.execute(text(f"DROP ROLE IF EXISTS {owner}"))
        server.dispose()


def test_the_app_role_cannot_disable_the_triggers_or_change_events(
    services: Services, db_url: str, run_cli: RunCli, roles: tuple[str, str], clock: Clock
) -> None:
    owner, app = roles
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")
    result = run_cli("--db", db_url, "db", "roles", "--owner", owner, "--app", app)
    assert result.code == 0, result.err
    assert "ALTER TABLE" in result.out and "applied" not in result.out  # printed only
    result = run_cli("--db", db_url, "db", "roles", "--owner", owner, "--app", app, "--apply")
    assert result.code == 0, result.err

    app_url = make_url(db_url).set(username=app, password=None).render_as_string(False)
    db = Database(app_url)
    try:
        as_app = build_services(db, audit_key=TEST_AUDIT_KEY, clock=clock, terminal="app")
        as_app.audit.record_alone(SYSTEM_ACTOR, "test.as_app")  # the app's own work goes on
        assert as_app.audit.check_chain().ok
        for sql in (
            "ALTER TABLE audit_events DISABLE TRIGGER audit_events_append_only",
            "DROP TRIGGER audit_events_append_only ON audit_events",
            "UPDATE audit_events SET detail = 'x'",
            "DELETE FROM audit_events",
            "TRUNCATE audit_events",
            "UPDATE alembic_version SET version_num = '0001'",
        ):
            with pytest.raises((DBAPIError, StoreUnreachable)), db.write() as session:
                session.execute(text(sql))
        with db.engine.connect() as connection:
            from sro_tui.store import triggers

            assert triggers.problems(connection) == []
    finally:
        db.dispose()


def test_roles_must_exist_and_differ(db_url: str, run_cli: RunCli) -> None:
    if not db_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only")
    result = run_cli("--db", db_url, "db", "roles", "--owner", "nobody_x1", "--app", "nobody_x2")
    assert result.code == 2 and "no role 'nobody_x1'" in result.err
    result = run_cli("--db", db_url, "db", "roles", "--owner", "postgres", "--app", "postgres")
    assert result.code == 2 and "two roles" in result.err


def test_a_terminal_does_not_upgrade_a_shared_store_on_its_own(
    empty_db: Database, run_cli: RunCli
) -> None:
    if empty_db.is_sqlite:
        pytest.skip("PostgreSQL only: a SQLite file is upgraded by the terminal that opens it")
    migrate.upgrade(empty_db, "0004")
    url = empty_db.url.render_as_string(hide_password=False)
    result = run_cli("--db", url, "officer", "list")
    assert result.code == 2
    assert "sro db upgrade" in result.err and "owner role" in result.err
    assert migrate.current_revision(empty_db) == "0004"
    result = run_cli("--db", url, "db", "upgrade")
    assert result.code == 0, result.err
    assert migrate.current_revision(empty_db) == migrate.head_revision()
    assert run_cli("--db", url, "audit", "verify").code == 0  # it opens now
