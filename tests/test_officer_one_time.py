"""Issue 12: an officer added by an administrator gets a ONE-TIME password (changed at the
first sign-in, as after a reset), so no administrator knows anyone's password; the first
administrator of an empty store keeps theirs."""

from __future__ import annotations

from pathlib import Path

from sro_tui.domain.officers import OfficerCreate
from sro_tui.services.registry import Services

from .conftest import TEST_PASSWORD, RunCli

NEW_PASSWORD = "violet kestrel above the marsh"
OWN_PASSWORD = "my own slow river at noon"


def test_an_officer_added_by_an_admin_must_change_the_password(
    services: Services, admin, clock
) -> None:
    made = services.officers.create(
        admin, OfficerCreate(badge="1001", name="Ana Ruiz"), NEW_PASSWORD
    )
    actor = services.officers.authenticate("1001", NEW_PASSWORD)
    assert actor.password_must_change
    event = next(e for e in services.audit.recent(limit=10) if e.action == "officer.create")
    assert event.record_id == str(made.id) and "one-time password" in event.detail
    services.officers.set_password(actor, "1001", OWN_PASSWORD, current_password=NEW_PASSWORD)
    assert not services.officers.authenticate("1001", OWN_PASSWORD).password_must_change


def test_cli_officer_add_as_admin_sets_a_one_time_password(tmp_path: Path, run_cli: RunCli) -> None:
    store = str(tmp_path / "sro.db")
    assert run_cli("--db", store, "init").code == 0
    add = ("--db", store, "officer", "add", "--password-stdin")
    # The first administrator of an empty store: their own password, kept.
    result = run_cli(*add, "--badge", "3001", "--name", "A", "--role", "admin", stdin=TEST_PASSWORD)
    assert result.code == 0, result.err
    assert "one-time" not in result.out
    listing = ("--db", store, "incident", "list", "--password-stdin")
    assert run_cli(*listing, "--as", "3001", stdin=TEST_PASSWORD + "\n").code == 0

    # Another officer, added by that administrator: a one-time password.
    result = run_cli(
        *add, "--badge", "1001", "--name", "O", "--as", "3001",
        stdin=f"{TEST_PASSWORD}\n{NEW_PASSWORD}\n",
    )  # fmt: skip
    assert result.code == 0, result.err
    assert "one-time password" in result.out and "1001 must change it" in result.out
    result = run_cli(*listing, "--as", "1001", stdin=NEW_PASSWORD + "\n")
    assert result.code == 2 and "one-time password" in result.err
    passwd = ("--db", store, "officer", "passwd", "1001", "--as", "1001", "--password-stdin")
    result = run_cli(*passwd, stdin=f"{NEW_PASSWORD}\n{OWN_PASSWORD}\n")
    assert result.code == 0, result.err
    assert run_cli(*listing, "--as", "1001", stdin=OWN_PASSWORD + "\n").code == 0
