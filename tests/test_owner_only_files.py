"""Issue 12: every file that holds the store, or its key, is its owner's only, whatever the
umask: an encrypted store, its key file, a store set aside by a restore, an audit export."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.registry import Services
from sro_tui.store.db import Database

from .conftest import RunCli, make_officer
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


def test_encrypt_and_rekey_leave_store_and_key_files_owner_only(
    tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("sqlcipher3")
    from sro_tui.services import encryption

    from .test_encryption import make_store

    store = tmp_path / "store.db"
    make_store(store)
    store.chmod(0o644)  # made by an earlier sro-tui, or copied in
    key_file = tmp_path / "store.key"
    key_file.write_text(encryption.new_raw_key() + "\n")
    key_file.chmod(0o644)  # made by hand for the department
    result = run_cli("--db", str(store), "store", "encrypt", "--key-file", str(key_file))
    assert result.code == 0, result.err
    assert "owner only" in result.out
    assert encryption.is_encrypted(store)
    assert (mode(store), mode(key_file)) == (0o600, 0o600)
    assert not list(tmp_path.glob("store.db.encrypting*"))

    db = Database(store, sqlcipher_key=encryption.read_key_file(key_file))
    try:
        with db.read() as session:  # -wal and -shm exist while this connection is open
            session.execute(text("SELECT count(*) FROM officers")).one()
            sidecars = [Path(f"{store}{suffix}") for suffix in ("-wal", "-shm")]
            assert {p.name: mode(p) for p in sidecars} == {
                "store.db-wal": 0o600,
                "store.db-shm": 0o600,
            }
    finally:
        db.dispose()

    store.chmod(0o644)
    new_key = tmp_path / "new.key"
    monkeypatch.setenv("SRO_SQLCIPHER_KEY_FILE", str(key_file))  # the current key
    result = run_cli("--db", str(store), "store", "rekey", "--new-key-file", str(new_key))
    assert result.code == 0, result.err
    assert (mode(store), mode(new_key)) == (0o600, 0o600)


def test_a_damaged_store_set_aside_by_a_restore_is_owner_only(
    sqlite_services: Services, tmp_path: Path
) -> None:
    store = sqlite_services.db.sqlite_path
    assert store is not None
    admin = make_officer(sqlite_services, "3001", "admin", ())
    add_incident(sqlite_services, admin, "kept in the backup")
    backup = sqlite_services.backup.backup(admin, tmp_path / "good.db").path
    assert mode(backup) == 0o600
    sqlite_services.db.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    store.write_bytes(b"this disk block went bad " * 400)
    restored = sqlite_services.backup.restore(admin, backup)
    aside = restored.set_aside
    assert aside is not None and aside.read_bytes().startswith(b"this disk block")
    assert (mode(aside), mode(store)) == (0o600, 0o600)
    sqlite_services.audit.record_alone(SYSTEM_ACTOR, "test.after")


def test_audit_export_file_is_owner_only(tmp_path: Path, run_cli: RunCli) -> None:
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    out = tmp_path / "audit.csv"
    result = run_cli(
        "--db", str(store), "audit", "export", "--since", "2000-01-01", "--format", "csv",
        "-o", str(out),
    )  # fmt: skip
    assert result.code == 0, result.err
    assert out.read_text("utf-8-sig").startswith("id,")
    assert mode(out) == 0o600
