"""Issue 12: `sro restore` on a new machine checks that this terminal holds the audit key
that signs the backup's chain BEFORE it touches the store: without it, or with another key,
it refuses (exit 2, how to install the key) and leaves the store, and the key folder, as
they were."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from .conftest import RunCli


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def backup(tmp_path: Path, run_cli: RunCli) -> Path:
    """A department's store (its chain signed with the department's key) and a backup."""
    store = tmp_path / "office" / "sro.db"
    store.parent.mkdir()
    assert run_cli("--db", str(store), "init").code == 0
    copy = tmp_path / "office" / "sro-backup.db"
    assert run_cli("--db", str(store), "backup", str(copy)).code == 0
    return copy


def test_restore_without_the_audit_key_changes_nothing(
    backup: Path, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, cli_home: Path
) -> None:
    department_key = Path(str(cli_home / "keys" / "audit.key"))
    new_machine = tmp_path / "new-machine"
    new_machine.mkdir()
    key_path = new_machine / "data" / "audit.key"
    monkeypatch.setenv("SRO_AUDIT_KEY_FILE", str(key_path))  # nothing there yet
    target = new_machine / "sro.db"

    # No store at all yet, no key: refused, nothing made.
    result = run_cli("--db", str(target), "restore", str(backup), "--yes")
    assert result.code == 2
    assert "sro audit key import" in result.err and "Nothing was changed" in result.err
    assert not target.exists() and not key_path.exists()
    assert sorted(p.name for p in new_machine.iterdir()) == []

    # The department's key installed as the README says, the restore goes through.
    result = run_cli("--db", str(target), "audit", "key", "import", str(department_key))
    assert result.code == 0, result.err
    result = run_cli("--db", str(target), "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    assert "Restored" in result.out
    assert run_cli("--db", str(target), "audit", "verify").code == 0


def test_restore_with_another_audit_key_leaves_the_store_as_it_was(
    backup: Path, tmp_path: Path, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other-terminal"
    other.mkdir()
    key_path = other / "audit.key"
    monkeypatch.setenv("SRO_AUDIT_KEY_FILE", str(key_path))
    target = other / "sro.db"
    assert run_cli("--db", str(target), "init").code == 0  # a store with a key of its own
    key = key_path.read_bytes()
    before = digest(target)
    result = run_cli("--db", str(target), "restore", str(backup), "--yes")
    assert result.code == 2
    assert "another audit key" in result.err and "Nothing was changed" in result.err
    assert digest(target) == before and key_path.read_bytes() == key
    assert not list(other.glob("*before-restore*"))
