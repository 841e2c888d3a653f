"""Replacing the newest checkpoint on purpose: `sro audit checkpoint --force` needs a
supervisor's or an administrator's sign-in and a reason, both recorded, and verify shows it;
an intended `sro restore` records itself and accepts its chain, so verify after it is clean."""

from __future__ import annotations

import shutil
from pathlib import Path

from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, Clock, RunCli, make_officer
from .test_audit_chain import append, run_sql


def checkpoint_files(cli_home: Path) -> dict[str, bytes]:
    folder = cli_home / "keys" / "audit-checkpoints"
    return {p.name: p.read_bytes() for p in folder.glob("*.json")}


def test_force_needs_a_supervisor_and_a_reason(
    services: Services, db_url: str, clock: Clock, cli_home: Path, run_cli: RunCli
) -> None:
    make_officer(services, "1001", "officer")
    make_officer(services, "2001", "supervisor")
    ids = append(services, 4, clock)
    assert run_cli("--db", db_url, "audit", "verify").code == 0
    # Someone cuts the newest events: verify says so.
    run_sql(services, "DELETE FROM audit_events WHERE id >= :i", {"i": ids[2]})
    assert run_cli("--db", db_url, "audit", "verify").code == 1
    kept = checkpoint_files(cli_home)

    result = run_cli("--db", db_url, "audit", "checkpoint", "--force")
    assert result.code == 2 and "--as BADGE" in result.err
    args = ("--db", db_url, "audit", "checkpoint", "--force", "--password-stdin")
    result = run_cli(*args, "--as", "2001", stdin=TEST_PASSWORD + "\n")
    assert result.code == 2 and "--reason" in result.err
    result = run_cli(*args, "--as", "1001", "--reason", "x", stdin=TEST_PASSWORD + "\n")
    assert result.code != 0 and "supervisor" in result.err
    result = run_cli(*args, "--as", "2001", "--reason", "x", stdin="wrong password\n")
    assert result.code != 0
    assert checkpoint_files(cli_home) == kept, "no refusal replaced the checkpoint"
    assert run_cli("--db", db_url, "audit", "verify").code == 1
    denied = services.audit.recent(limit=10)
    assert any(e.action == "audit.checkpoint.force" and e.outcome == "denied" for e in denied)

    # A supervisor accepts the shorter trail, saying why.
    reason = "restored the 7 am copy after the disk failed (ticket 4411)"
    result = run_cli(*args, "--as", "2001", "--reason", reason, stdin=TEST_PASSWORD + "\n")
    assert result.code == 0, result.err
    assert "Forced by 2001" in result.out
    forced = [e for e in services.audit.recent(limit=10) if e.action == "audit.checkpoint.force"]
    assert forced[0].outcome == "success" and forced[0].badge == "2001"
    assert reason in forced[0].detail and "replaces the checkpoint of" in forced[0].detail
    result = run_cli("--db", db_url, "audit", "verify")
    assert result.code == 0, result.out
    assert "replaced on purpose 1 time(s)" in result.out and "by 2001" in result.out


def test_a_plain_checkpoint_takes_no_sign_in(
    services: Services, db_url: str, clock: Clock, run_cli: RunCli
) -> None:
    append(services, 2, clock)
    result = run_cli("--db", db_url, "audit", "checkpoint")
    assert result.code == 0 and "Checkpoint of store" in result.out
    result = run_cli("--db", db_url, "audit", "checkpoint", "--as", "2001")
    assert result.code == 2 and "go with --force" in result.err


def test_verify_right_after_an_intended_restore_is_clean(
    tmp_path: Path, run_cli: RunCli, cli_home: Path
) -> None:
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    backup = tmp_path / "morning.db"
    assert run_cli("--db", str(store), "backup", str(backup)).code == 0
    for _ in range(3):  # the day goes on: more events, checkpointed
        assert run_cli("--db", str(store), "audit", "verify").code == 0
    result = run_cli("--db", str(store), "restore", str(backup), "--yes")
    assert result.code == 0, result.err
    result = run_cli("--db", str(store), "audit", "verify")
    assert result.code == 0, result.out
    assert "store.restore" in result.out and "replaced on purpose" in result.out


def test_a_store_copied_over_by_hand_is_still_reported(tmp_path: Path, run_cli: RunCli) -> None:
    """Only `sro restore` accepts an older chain by itself: a file copied over the store
    (no restore, no record) is what the checkpoint is there to catch."""
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    older = tmp_path / "older.db"
    assert run_cli("--db", str(store), "backup", str(older)).code == 0
    assert run_cli("--db", str(store), "audit", "verify").code == 0
    for suffix in ("", "-wal", "-shm"):
        Path(f"{store}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(older, store)
    result = run_cli("--db", str(store), "audit", "verify")
    assert result.code == 1 and "missing" in result.out


def test_restore_through_the_service_accepts_its_chain(
    sqlite_services: Services, tmp_path: Path, clock: Clock
) -> None:
    from sro_tui.services.audit import CheckpointKeeper

    keeper = CheckpointKeeper(tmp_path / "checkpoints")
    sqlite_services.audit.checkpoints = keeper
    append(sqlite_services, 2, clock)
    backup = sqlite_services.backup.backup(SYSTEM_ACTOR, tmp_path / "b.db").path
    append(sqlite_services, 3, clock)
    assert sqlite_services.audit.verify(SYSTEM_ACTOR).ok
    sqlite_services.backup.restore(SYSTEM_ACTOR, backup)
    report = sqlite_services.audit.verify(SYSTEM_ACTOR)
    assert report.ok, report.problem
    assert "store.restore" in report.checkpoint_note


def test_a_restore_signed_in_as_an_admin_is_recorded_as_theirs(
    tmp_path: Path, run_cli: RunCli
) -> None:
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    add = ("--db", str(store), "officer", "add", "--badge", "3001", "--name", "A. Admin")
    assert (
        run_cli(*add, "--role", "admin", "--password-stdin", stdin=TEST_PASSWORD + "\n").code == 0
    )
    add = ("--db", str(store), "officer", "add", "--badge", "1001", "--name", "O. Officer")
    signed_in = ("--as", "3001", "--password-stdin")
    stdin = TEST_PASSWORD + "\n" + TEST_PASSWORD + "\n"  # 3001's, then the new officer's
    assert run_cli(*add, "--role", "officer", *signed_in, stdin=stdin).code == 0
    # A one-time password (added by an administrator): 1001 chooses their own first.
    own = ("--db", str(store), "officer", "passwd", "1001", "--as", "1001", "--password-stdin")
    assert run_cli(*own, stdin=f"{TEST_PASSWORD}\nmy own slow river at noon\n").code == 0
    backup = tmp_path / "b.db"
    assert run_cli("--db", str(store), "backup", str(backup)).code == 0
    assert run_cli("--db", str(store), "audit", "verify").code == 0
    restore = ("--db", str(store), "restore", str(backup), "--yes", "--password-stdin")
    result = run_cli(*restore, "--as", "1001", stdin="my own slow river at noon\n")
    assert result.code != 0 and "Only an administrator" in result.err
    result = run_cli(*restore, "--as", "3001", stdin=TEST_PASSWORD + "\n")
    assert result.code == 0, result.err
    result = run_cli("--db", str(store), "audit", "verify")
    assert result.code == 0, result.out
    assert "(store.restore) by 3001" in result.out
