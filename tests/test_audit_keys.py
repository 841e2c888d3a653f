"""No false tamper alarms: every terminal signs with the department's key (the store keeps
its fingerprint from `sro init`), and a copy of a store looked at on the same terminal never
makes the live store's verify report missing or changed events."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.audit_keys import FINGERPRINT_SETTING, AuditKeyMismatch, fingerprint
from sro_tui.services.registry import Services, build_services
from sro_tui.services.store_settings import get_value
from sro_tui.store.db import Database
from sro_tui.store.models import AuditEvent, Setting

from .conftest import TEST_AUDIT_KEY, Clock, RunCli


def events(services: Services) -> int:
    with services.db.read() as session:
        return int(session.scalar(select(func.count()).select_from(AuditEvent)) or 0)


def use_key(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    """Be another terminal (or another OS user): another key file, its own checkpoints."""
    monkeypatch.setenv("SRO_AUDIT_KEY_FILE", str(path))


def test_init_records_the_keys_fingerprint(db_url: str, run_cli: RunCli) -> None:
    assert run_cli("--db", db_url, "init").code == 0
    db = Database(db_url)
    try:
        with db.read() as session:
            assert get_value(session, FINGERPRINT_SETTING) == fingerprint(TEST_AUDIT_KEY)
    finally:
        db.dispose()


def test_a_terminal_without_the_key_refuses_and_makes_none(
    db_url: str,
    run_cli: RunCli,
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run_cli("--db", db_url, "init").code == 0
    before = events(services)
    other = tmp_path / "second-user" / "audit.key"
    use_key(monkeypatch, other)
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 2
    assert "no audit key" in result.err and "sro audit key import" in result.err
    assert not other.exists(), "no key of its own was made up"
    assert events(services) == before


def test_a_terminal_with_another_key_refuses_to_write(
    db_url: str,
    run_cli: RunCli,
    services: Services,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert run_cli("--db", db_url, "init").code == 0
    before = events(services)
    other = tmp_path / "second-user" / "audit.key"
    other.parent.mkdir()
    other.write_bytes(b"k" * 32)
    use_key(monkeypatch, other)
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 2
    assert "not the key this store's audit trail is signed with" in result.err
    assert "sro audit key export" in result.err
    assert events(services) == before
    # The services refuse too, whoever builds them: the change and its event are not written.
    wrong = build_services(services.db, audit_key=b"k" * 32, terminal="wrong")
    with pytest.raises(AuditKeyMismatch):
        wrong.audit.record_alone(SYSTEM_ACTOR, "test.event")
    assert events(services) == before


def test_export_and_import_give_a_second_terminal_the_key(
    db_url: str, run_cli: RunCli, cli_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("--db", db_url, "init").code == 0
    assert run_cli("--db", db_url, "audit", "verify").code == 0
    exported = tmp_path / "usb" / "dept.key"
    exported.parent.mkdir()
    result = run_cli("--db", db_url, "audit", "key", "export", str(exported))
    assert result.code == 0
    assert exported.read_bytes() == TEST_AUDIT_KEY
    assert exported.stat().st_mode & 0o777 == 0o600

    second = tmp_path / "second-user" / "audit.key"
    use_key(monkeypatch, second)
    wrong = tmp_path / "usb" / "wrong.key"
    wrong.write_bytes(b"w" * 32)
    result = run_cli("--db", db_url, "audit", "key", "import", str(wrong))
    assert result.code == 2 and "not this store's audit key" in result.err
    assert not second.exists()
    result = run_cli("--db", db_url, "audit", "key", "import", str(exported))
    assert result.code == 0, result.err
    assert second.read_bytes() == TEST_AUDIT_KEY
    # Both terminals now write and verify the one chain, with no alarm on either.
    assert run_cli("--db", db_url, "audit", "verify").code == 0
    use_key(monkeypatch, cli_home / "keys" / "audit.key")
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 0, result.out
    assert run_cli("--db", db_url, "audit", "key", "show").code == 0


def test_import_keeps_a_different_key_aside_only_when_asked(
    db_url: str, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert run_cli("--db", db_url, "init").code == 0
    exported = tmp_path / "dept.key"
    assert run_cli("--db", db_url, "audit", "key", "export", str(exported)).code == 0
    own = tmp_path / "second" / "audit.key"
    own.parent.mkdir()
    own.write_bytes(b"o" * 32)  # the key this terminal once made up for itself
    use_key(monkeypatch, own)
    result = run_cli("--db", db_url, "audit", "key", "import", str(exported))
    assert result.code == 2 and "--replace" in result.err
    result = run_cli("--db", db_url, "audit", "key", "import", str(exported), "--replace")
    assert result.code == 0
    assert own.read_bytes() == TEST_AUDIT_KEY
    assert (tmp_path / "second" / "audit.key.replaced-1").read_bytes() == b"o" * 32


def test_an_older_store_without_a_fingerprint_refuses_a_key_that_did_not_sign_it(
    services: Services, clock: Clock
) -> None:
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")  # records the fingerprint
    with services.db.write() as session:
        session.execute(delete(Setting).where(Setting.key == FINGERPRINT_SETTING))
    other = build_services(services.db, audit_key=b"z" * 32, clock=clock, terminal="other")
    with pytest.raises(AuditKeyMismatch):
        other.audit.record_alone(SYSTEM_ACTOR, "test.event")
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")  # the right key takes it back
    assert services.audit.check_chain().ok


# -- a copy of the store on the same terminal --------------------------------------------------


def test_looking_something_up_in_a_copy_leaves_the_live_verify_clean(
    tmp_path: Path, run_cli: RunCli
) -> None:
    live = tmp_path / "sro.db"
    assert run_cli("--db", str(live), "init").code == 0
    assert run_cli("--db", str(live), "audit", "verify").code == 0
    copy = tmp_path / "copy.db"
    shutil.copyfile(live, copy)
    # A look-up in the copy writes its own audit events (and checkpoints at exit).
    assert run_cli("--db", str(copy), "audit", "verify").code == 0
    assert run_cli("--db", str(copy), "audit", "verify").code == 0
    result = run_cli("--db", str(live), "audit", "verify")
    assert result.code == 0, result.out
    assert "agrees with the checkpoint" in result.out
    # The copy took an id of its own when it was first written to, and says so in its trail.
    copy_db = Database(copy)
    live_db = Database(live)
    try:
        copy_services = build_services(copy_db, audit_key=TEST_AUDIT_KEY)
        live_services = build_services(live_db, audit_key=TEST_AUDIT_KEY)
        assert copy_services.audit.store_id() != live_services.audit.store_id()
        actions = [e.action for e in copy_services.audit.recent(limit=50)]
        assert "store.copy" in actions
        assert "store.copy" not in [e.action for e in live_services.audit.recent(limit=50)]
    finally:
        copy_db.dispose()
        live_db.dispose()
    result = run_cli("--db", str(copy), "audit", "verify")
    assert result.code == 0, result.out


def test_a_read_only_look_at_a_copy_writes_no_checkpoint_for_the_live_store(
    tmp_path: Path, run_cli: RunCli, cli_home: Path
) -> None:
    live = tmp_path / "sro.db"
    assert run_cli("--db", str(live), "init").code == 0
    assert run_cli("--db", str(live), "audit", "verify").code == 0
    folder = cli_home / "keys" / "audit-checkpoints"
    kept = {p.name: p.read_bytes() for p in folder.glob("*.json")}
    copy = tmp_path / "copy.db"
    shutil.copyfile(live, copy)
    run_cli("--db", f"sqlite:///{copy}?mode=ro", "audit", "verify")
    assert {p.name: p.read_bytes() for p in folder.glob("*.json")} == kept
    assert run_cli("--db", str(live), "audit", "verify").code == 0


def test_a_moved_store_keeps_its_checkpoint(tmp_path: Path, run_cli: RunCli) -> None:
    old = tmp_path / "old" / "sro.db"
    old.parent.mkdir()
    assert run_cli("--db", str(old), "init").code == 0
    assert run_cli("--db", str(old), "audit", "verify").code == 0
    new = tmp_path / "sro.db"
    shutil.move(old, new)
    result = run_cli("--db", str(new), "audit", "verify")
    assert result.code == 0, result.out
    assert "agrees with the checkpoint" in result.out
