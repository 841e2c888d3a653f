"""Files sro-tui makes are its owner's only: the SQLite store with its -wal and -shm, the
folders it creates, key files; backups carry a checksum that restore checks."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sro_tui.domain.errors import SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, Actor
from sro_tui.services.registry import Services, build_services, load_or_create_key
from sro_tui.store.db import Database

from .conftest import TEST_AUDIT_KEY, Clock, RunCli
from .test_search import add_incident


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture(autouse=True)
def office_umask() -> Iterator[None]:
    """A shared office PC's usual umask: new files readable by every account."""
    old = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(old)


def test_a_new_sqlite_store_and_its_wal_are_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "store.db"
    db = Database(path)
    try:
        with db.write() as session:
            session.execute(text("CREATE TABLE t (x INTEGER)"))
            session.execute(text("INSERT INTO t VALUES (1)"))
        with db.read() as session:  # the connection stays open: -wal and -shm exist
            session.execute(text("SELECT * FROM t")).all()
            sidecars = [Path(f"{path}{s}") for s in ("-wal", "-shm")]
            assert all(p.exists() for p in sidecars)
            assert {p.name: mode(p) for p in (path, *sidecars)} == {
                "store.db": 0o600,
                "store.db-wal": 0o600,
                "store.db-shm": 0o600,
            }
    finally:
        db.dispose()


def test_an_existing_store_keeps_its_permissions(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    Database(path).ping()
    path.chmod(0o640)  # an administrator chose this on purpose
    Database(path).ping()
    assert mode(path) == 0o640


def test_sro_init_makes_a_private_data_folder_store_and_key(
    cli_home: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SRO_AUDIT_KEY_FILE")  # the default key, beside the default store
    assert run_cli("init").code == 0
    folder = cli_home / "data" / "sro-tui"
    assert mode(folder) == 0o700
    assert mode(folder / "sro.db") == 0o600
    assert mode(folder / "audit.key") == 0o600
    assert len((folder / "audit.key").read_bytes()) == 32


def test_a_new_key_folder_is_private_and_an_existing_one_is_left_alone(tmp_path: Path) -> None:
    key = tmp_path / "new" / "keys" / "audit.key"
    load_or_create_key(key)
    assert mode(key) == 0o600
    assert mode(key.parent) == 0o700 and mode(key.parent.parent) == 0o700
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o755)
    shared.chmod(0o755)
    load_or_create_key(shared / "audit.key")
    assert mode(shared) == 0o755
    assert mode(shared / "audit.key") == 0o600


@pytest.fixture
def admin_services(sqlite_services: Services) -> Services:
    add_incident(
        sqlite_services,
        _admin(sqlite_services),
        "The student said the bike was borrowed, not taken.",
    )
    return sqlite_services


def _admin(services: Services) -> Actor:
    from .conftest import make_officer

    return make_officer(services, "3001", "admin", ())


def test_a_backup_has_a_checksum_and_a_one_byte_change_is_refused(
    admin_services: Services, tmp_path: Path
) -> None:
    backup = admin_services.backup.backup(SYSTEM_ACTOR, tmp_path / "b.db").path
    sidecar = tmp_path / "b.db.sha256"
    assert sidecar.exists() and mode(sidecar) == 0o600
    assert sidecar.read_text().endswith("  b.db\n")
    data = bytearray(backup.read_bytes())
    at = data.index(b"bike was borrowed")
    data[at] = ord("B")  # one byte of a narrative: SQLite's integrity check cannot see it
    backup.write_bytes(bytes(data))
    store = admin_services.db.sqlite_path
    assert store is not None
    before = store.read_bytes()
    with pytest.raises(SroError, match="changed after it was made"):
        admin_services.backup.check_backup(backup)
    with pytest.raises(SroError, match="changed after it was made"):
        admin_services.backup.restore(SYSTEM_ACTOR, backup)
    with pytest.raises(SroError, match="changed after it was made"):
        # Asking to skip the check does not skip a checksum that is there.
        admin_services.backup.restore(SYSTEM_ACTOR, backup, without_checksum=True)
    assert store.read_bytes() == before


def test_a_backup_without_its_checksum_needs_to_be_asked_for(
    admin_services: Services, tmp_path: Path
) -> None:
    backup = admin_services.backup.backup(SYSTEM_ACTOR, tmp_path / "b.db").path
    (tmp_path / "b.db.sha256").unlink()
    with pytest.raises(SroError, match=r"no checksum file.*--without-checksum"):
        admin_services.backup.restore(SYSTEM_ACTOR, backup)
    restored = admin_services.backup.restore(SYSTEM_ACTOR, backup, without_checksum=True)
    assert restored.set_aside is not None


def test_cli_restore_refuses_a_changed_backup(
    tmp_path: Path, run_cli: RunCli, clock: Clock
) -> None:
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    copy = tmp_path / "copy.db"
    result = run_cli("--db", str(store), "backup", str(copy))
    assert result.code == 0 and "copy.db.sha256" in result.out
    data = bytearray(copy.read_bytes())
    data[-100] ^= 0x01
    copy.write_bytes(bytes(data))
    result = run_cli("--db", str(store), "restore", str(copy), "--yes")
    assert result.code == 2
    assert "changed after it was made" in result.err
    assert not list(tmp_path.glob("*.before-restore-*"))


def test_auto_backups_are_pruned_with_their_checksums(
    sqlite_services: Services, clock: Clock
) -> None:
    store = sqlite_services.db.sqlite_path
    assert store is not None
    for _ in range(3):
        assert sqlite_services.backup.auto_backup(keep=1) is not None
        clock.advance(days=1)
    folder = store.parent / "backups"
    assert mode(folder) == 0o700
    assert sorted(p.name for p in folder.iterdir()) == [
        "store-2026-09-16.db",
        "store-2026-09-16.db.sha256",
    ]


def test_services_built_without_bootstrap_still_work(tmp_path: Path, clock: Clock) -> None:
    db = Database(tmp_path / "plain.db")
    try:
        from sro_tui.services.registry import prepare_store

        prepare_store(db)
        services = build_services(db, audit_key=TEST_AUDIT_KEY, clock=clock)
        services.audit.record_alone(SYSTEM_ACTOR, "test.mark")
        assert mode(tmp_path / "plain.db") == 0o600
    finally:
        db.dispose()
