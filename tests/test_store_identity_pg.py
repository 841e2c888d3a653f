"""Issue 12: a copy of a PostgreSQL store (a dump restored under another database name, or
CREATE DATABASE … TEMPLATE) knows it is one and takes a store id of its own at its first
write, as a SQLite copy does, so that its checkpoints never speak for the original."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sro_tui.services.registry import build_services
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, RunCli
from .stores import PostgresStores


@pytest.fixture
def live_and_copy(pg_stores: PostgresStores) -> Iterator[tuple[str, str, PostgresStores]]:
    live = pg_stores.new_database(prepared=False)
    copy = f"{live}_copy"
    try:
        yield live, copy, pg_stores
    finally:
        pg_stores.drop(copy)
        pg_stores.drop(live)


def test_a_copy_of_a_postgresql_store_takes_its_own_id(
    live_and_copy: tuple[str, str, PostgresStores], run_cli: RunCli
) -> None:
    live, copy, stores = live_and_copy
    live_url, copy_url = stores.url(live), stores.url(copy)
    assert run_cli("--db", live_url, "init").code == 0
    assert run_cli("--db", live_url, "audit", "verify").code == 0
    stores._create(copy, template=live)  # the dump restored under another name
    # A look-up in the copy writes its own audit events (and checkpoints at exit).
    for _ in range(2):
        result = run_cli("--db", copy_url, "audit", "verify")
        assert result.code == 0, result.out + result.err
    result = run_cli("--db", live_url, "audit", "verify")
    assert result.code == 0, result.out
    assert "agrees with the checkpoint" in result.out
    live_db, copy_db = Database(live_url), Database(copy_url)
    try:
        live_services = build_services(live_db, audit_key=TEST_AUDIT_KEY)
        copy_services = build_services(copy_db, audit_key=TEST_AUDIT_KEY)
        assert copy_services.audit.store_id() != live_services.audit.store_id()
        copies = [e for e in copy_services.audit.recent(limit=50) if e.action == "store.copy"]
        assert len(copies) == 1 and f"/{live}" in copies[0].detail
        assert "store.copy" not in [e.action for e in live_services.audit.recent(limit=50)]
    finally:
        live_db.dispose()
        copy_db.dispose()
    # The live store, written to again, keeps its id; the copy too (it is at home now).
    before = live_services.audit.store_id()
    assert run_cli("--db", live_url, "audit", "verify").code == 0
    assert run_cli("--db", copy_url, "audit", "verify").code == 0
    live_db, copy_db = Database(live_url), Database(copy_url)
    try:
        assert build_services(live_db, audit_key=TEST_AUDIT_KEY).audit.store_id() == before
        again = build_services(copy_db, audit_key=TEST_AUDIT_KEY).audit.recent(limit=80)
        assert [e.action for e in again].count("store.copy") == 1
    finally:
        live_db.dispose()
        copy_db.dispose()
