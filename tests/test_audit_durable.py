"""Keys and checkpoints survive a power cut: written to a temporary file, flushed, renamed,
the folder flushed. What a power cut can still leave behind (an empty file) is reported
for what it is: an empty checkpoint counts as missing, with a warning; an empty audit key
stops the terminal with a message that says how to put the key back."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from sro_tui.domain.errors import StoreUnreachable
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services.audit import CheckpointKeeper
from sro_tui.services.audit_keys import load_or_create_key
from sro_tui.services.encryption import write_key_file
from sro_tui.services.registry import Services

from .conftest import Clock, RunCli


@pytest.fixture
def synced(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The paths os.fsync was called on (files and folders), in order."""
    seen: list[str] = []
    real = os.fsync

    def spy(fd: int) -> None:
        seen.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(os, "fsync", spy)
    yield seen


def assert_durable(path: Path, synced: list[str]) -> None:
    """A temporary file beside ``path`` was flushed, then the folder (after the rename)."""
    flushed_files = [p for p in synced if Path(p).name.startswith(f".{path.name}.")]
    assert flushed_files, f"{path.name} was not written through a flushed temporary file"
    last_file = max(i for i, p in enumerate(synced) if p in flushed_files)
    assert str(path.parent) in synced[last_file + 1 :], "the folder was not flushed after"
    assert not list(path.parent.glob(f".{path.name}.*")), "no temporary file is left"


def test_the_audit_key_is_written_durably(tmp_path: Path, synced: list[str]) -> None:
    key_file = tmp_path / "keys" / "audit.key"
    load_or_create_key(key_file)
    assert_durable(key_file, synced)
    assert len(key_file.read_bytes()) == 32


def test_a_store_key_file_is_written_durably(tmp_path: Path, synced: list[str]) -> None:
    key_file = tmp_path / "store.key"
    write_key_file(key_file)
    assert_durable(key_file, synced)


def test_checkpoints_and_their_signing_key_are_written_durably(
    services: Services, clock: Clock, tmp_path: Path, synced: list[str]
) -> None:
    keeper = CheckpointKeeper(tmp_path / "checkpoints")
    services.audit.checkpoints = keeper
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")
    checkpoint = services.audit.write_checkpoint()
    assert checkpoint is not None
    assert_durable(keeper.signing_key_path, synced)
    (written,) = keeper.folder.glob("*.json")
    assert_durable(written, synced)


def test_an_empty_checkpoint_counts_as_missing_with_a_warning(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    keeper = CheckpointKeeper(tmp_path / "checkpoints")
    services.audit.checkpoints = keeper
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")
    assert services.audit.verify(SYSTEM_ACTOR).ok
    (written,) = keeper.folder.glob("*.json")
    written.write_bytes(b"")  # what a power cut before the data reached the disk leaves
    report = services.audit.verify(SYSTEM_ACTOR)
    assert report.ok, report.problem
    assert "warning" in report.checkpoint_note and "cannot be read" in report.checkpoint_note
    # The good verify wrote a new checkpoint over it: the next one is clean.
    report = services.audit.verify(SYSTEM_ACTOR)
    assert report.ok and "warning" not in report.checkpoint_note
    assert "agrees with the checkpoint" in report.checkpoint_note


def test_an_empty_signing_key_is_replaced_not_broken_for_ever(
    services: Services, clock: Clock, tmp_path: Path
) -> None:
    keeper = CheckpointKeeper(tmp_path / "checkpoints")
    services.audit.checkpoints = keeper
    services.audit.record_alone(SYSTEM_ACTOR, "test.event")
    assert services.audit.verify(SYSTEM_ACTOR).ok
    keeper.signing_key_path.write_bytes(b"")
    services.audit.checkpoints = keeper = CheckpointKeeper(tmp_path / "checkpoints")
    report = services.audit.verify(SYSTEM_ACTOR)
    assert report.ok, report.problem
    assert "signing key" in report.checkpoint_note and "replaced" in report.checkpoint_note
    assert len(keeper.signing_key_path.read_bytes()) == 32
    report = services.audit.verify(SYSTEM_ACTOR)
    assert report.ok and "agrees with the checkpoint" in report.checkpoint_note


def test_an_empty_audit_key_refuses_to_start_and_says_how_to_restore_it(
    tmp_path: Path, cli_home: Path, run_cli: RunCli
) -> None:
    store = tmp_path / "sro.db"
    assert run_cli("--db", str(store), "init").code == 0
    key_file = cli_home / "keys" / "audit.key"
    key_file.write_bytes(b"")
    result = run_cli("--db", str(store), "audit", "verify")
    assert result.code == 2
    assert "audit key file" in result.err and "empty" in result.err
    assert "sro audit key import" in result.err
    assert key_file.read_bytes() == b"", "the damaged key is left for the administrator"
    with pytest.raises(StoreUnreachable, match="sro audit key import"):
        load_or_create_key(key_file)
