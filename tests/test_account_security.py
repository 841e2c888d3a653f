"""Issue 12, security: no unauthenticated CLI back door, own passwords, one-time passwords
after an administrator's reset, zxcvbn beside the banned list, and rights re-read at every
action of an open session."""

from __future__ import annotations

import pytest

from sro_tui.domain.enums import Role
from sro_tui.domain.errors import AuthenticationFailed, PermissionDenied, SroError
from sro_tui.domain.officers import (
    SYSTEM_ACTOR,
    AccountChanged,
    Actor,
    OfficerCreate,
    OfficerUpdate,
    PasswordChangeRequired,
)
from sro_tui.services.registry import Services
from sro_tui.services.security import RightsChecked

from .conftest import TEST_PASSWORD, CliResult, RunCli, make_officer

NEW_PASSWORD = "harbor seals at dawn"
ONE_TIME = "lantern quiet orchard 7"


def as_officer(run_cli: RunCli, db_url: str, badge: str, *argv: str, stdin: str) -> CliResult:
    return run_cli("--db", db_url, *argv, "--as", badge, "--password-stdin", stdin=stdin)


def events(services: Services, action: str) -> list[tuple[str, str, str]]:
    return [
        (e.badge, e.outcome, e.detail)
        for e in services.audit.recent(limit=50)
        if e.action == action
    ]


# -- the back door of issue 12 ----------------------------------------------------------------


def test_no_account_command_runs_without_a_sign_in(
    services: Services, officer: Actor, admin: Actor, db_url: str, run_cli: RunCli
) -> None:
    """The issue's reproduction: `echo x | sro officer passwd 2001 --password-stdin` reset a
    supervisor's password with no sign-in. Now each account command asks for --as."""
    db = ("--db", db_url)
    for argv in (
        ("officer", "passwd", "3001", "--password-stdin"),
        ("officer", "add", "--badge", "9", "--name", "X", "--role", "admin", "--password-stdin"),
        ("officer", "disable", "1001"),
        ("officer", "enable", "1001"),
        ("officer", "unlock", "1001"),
        ("mfa", "require", "off"),
        ("mfa", "remove", "1001"),
        ("mfa", "enable", "1001", "--code-stdin"),
        ("export", "--format", "csv", "--since", "2026-01-01", "-o", "out"),
    ):
        result = run_cli(*db, *argv, stdin=f"{NEW_PASSWORD}\n")
        assert result.code == 2, argv
        assert "--as" in result.err, (argv, result.err)
    # Nothing changed: the old password still signs in, no badge 9.
    assert services.officers.authenticate("3001", TEST_PASSWORD).badge == "3001"
    assert [o.badge for o in services.officers.all_officers()] == ["1001", "3001"]


def test_an_officer_cannot_use_the_admin_commands(
    services: Services, officer: Actor, admin: Actor, db_url: str, run_cli: RunCli
) -> None:
    add = ("officer", "add", "--badge", "9", "--name", "X", "--role", "admin")
    result = as_officer(run_cli, db_url, "1001", *add, stdin=f"{TEST_PASSWORD}\n{NEW_PASSWORD}\n")
    assert result.code == 2 and "administrator" in result.err
    result = as_officer(
        run_cli, db_url, "1001", "officer", "passwd", "3001", stdin=f"{TEST_PASSWORD}\nx\n"
    )
    assert result.code == 2 and "administrator" in result.err
    assert services.officers.authenticate("3001", TEST_PASSWORD).badge == "3001"
    denied = [e for e in services.audit.recent(limit=20) if e.outcome == "denied"]
    assert {e.badge for e in denied} == {"1001"}  # audited as the officer who tried


def test_the_first_administrator_needs_no_sign_in_and_only_on_an_empty_store(
    tmp_path, run_cli: RunCli
) -> None:
    store = str(tmp_path / "new.db")
    assert run_cli("--db", store, "init").code == 0
    add = ("--db", store, "officer", "add", "--password-stdin")
    result = run_cli(*add, "--badge", "1", "--name", "A", stdin=f"{TEST_PASSWORD}\n")
    assert result.code == 2 and "first administrator" in result.err  # an officer role
    result = run_cli(*add, "--badge", "1", "--name", "A", "--role", "admin", stdin=TEST_PASSWORD)
    assert result.code == 0, result.err
    result = run_cli(*add, "--badge", "2", "--name", "B", "--role", "admin", stdin=TEST_PASSWORD)
    assert result.code == 2 and "--as" in result.err


# -- own password, one-time password after a reset ---------------------------------------------


def test_own_password_needs_the_current_one(
    services: Services, officer: Actor, db_url: str, run_cli: RunCli
) -> None:
    passwd = ("officer", "passwd", "1001")
    result = as_officer(run_cli, db_url, "1001", *passwd, stdin=f"wrong one\n{NEW_PASSWORD}\n")
    assert result.code == 2
    result = as_officer(
        run_cli, db_url, "1001", *passwd, stdin=f"{TEST_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.code == 0, result.err
    assert services.officers.authenticate("1001", NEW_PASSWORD).badge == "1001"
    with pytest.raises(AuthenticationFailed):
        services.officers.set_password(
            officer, "1001", "another good passphrase", current_password="not it"
        )


def test_an_admin_reset_is_a_one_time_password(
    services: Services, officer: Actor, admin: Actor, db_url: str, run_cli: RunCli
) -> None:
    result = as_officer(
        run_cli, db_url, "3001", "officer", "passwd", "1001", stdin=f"{TEST_PASSWORD}\n{ONE_TIME}\n"
    )
    assert result.code == 0, result.err
    assert "One-time password" in result.out
    assert ("3001", "success", "reset by administrator; one-time password") in events(
        services, "officer.password"
    )
    # Signed in with it, the officer can do nothing else first (CLI and services).
    listing = ("incident", "list")
    result = as_officer(run_cli, db_url, "1001", *listing, stdin=f"{ONE_TIME}\n")
    assert result.code == 2 and "change it" in result.err
    actor = services.officers.authenticate("1001", ONE_TIME)
    assert actor.password_must_change
    with pytest.raises(PasswordChangeRequired):
        RightsChecked(services).notes.follow_ups_due(actor)
    # ... until they change it (the one-time password is the current one).
    result = as_officer(
        run_cli, db_url, "1001", "officer", "passwd", "1001", stdin=f"{ONE_TIME}\n{ONE_TIME}\n"
    )
    assert result.code == 2 and "differ" in result.err
    result = as_officer(
        run_cli, db_url, "1001", "officer", "passwd", "1001", stdin=f"{ONE_TIME}\n{NEW_PASSWORD}\n"
    )
    assert result.code == 0, result.err
    result = as_officer(run_cli, db_url, "1001", *listing, stdin=f"{NEW_PASSWORD}\n")
    assert result.code == 0, result.err
    assert not services.officers.authenticate("1001", NEW_PASSWORD).password_must_change


def test_recovery_by_the_store_files_owner(
    services: Services, officer: Actor, admin: Actor, db_url: str, run_cli: RunCli
) -> None:
    if "://" in db_url:
        result = run_cli(
            "--db", db_url, "officer", "passwd", "3001", "--recovery", "--password-stdin",
            stdin=f"{ONE_TIME}\n",
        )  # fmt: skip
        assert result.code == 2 and "SQLite" in result.err
        return
    recover = ("--db", db_url, "officer", "passwd", "--recovery", "--password-stdin")
    result = run_cli(*recover, "1001", stdin=f"{ONE_TIME}\n")
    assert result.code == 2 and "administrator" in result.err  # admins only
    result = run_cli(*recover, "3001", stdin=f"{ONE_TIME}\n")
    assert result.code == 0, result.err
    (event,) = events(services, "officer.password")
    assert event[0] == "SYSTEM" and "recovery" in event[2]
    assert services.officers.authenticate("3001", ONE_TIME).password_must_change


# -- weak passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize("password", ["sro-tui2026", " " * 8, "aaaaaaaa", "demodemo"])
def test_weak_passwords_of_the_issue_are_refused(services: Services, password: str) -> None:
    assert services.security.password_problem(password)
    with pytest.raises(SroError) as info:
        services.officers.create(SYSTEM_ACTOR, OfficerCreate(badge="9", name="New"), password)
    assert info.value.field == "password"


def test_the_badge_and_name_count_as_known(services: Services) -> None:
    assert services.security.password_problem("Garcia1001") is not None
    assert services.security.password_problem("Garcia1001", badge="1001", name="Maria Garcia")


def test_version(run_cli: RunCli) -> None:
    result = run_cli("--version")
    assert result.code == 0
    assert result.out.startswith("sro-tui ")


# -- rights at every action ------------------------------------------------------------------------


def test_a_disabled_officer_is_refused_at_the_next_action(
    services: Services, officer: Actor, admin: Actor
) -> None:
    checked = RightsChecked(services)
    assert checked.notes.follow_ups_due(officer) == []
    services.officers.set_active(admin, "1001", False)
    with pytest.raises(AccountChanged, match="disabled"):
        checked.notes.follow_ups_due(officer)
    # Their typing is still kept: drafts are not refused.
    assert checked.drafts.for_actor(officer) == []


def test_a_role_or_school_change_is_refused_at_the_next_action(
    services: Services, officer: Actor, admin: Actor
) -> None:
    heard: list[str] = []
    checked = RightsChecked(services, on_changed=lambda exc: heard.append(str(exc)))
    assert checked.notes.follow_ups_due(officer) == []
    services.officers.update(admin, officer.officer_id or 0, OfficerUpdate(school_ids=[]))
    with pytest.raises(AccountChanged, match="changed"):
        checked.notes.follow_ups_due(officer)
    fresh = services.officers.authenticate("1001", TEST_PASSWORD)
    assert checked.notes.follow_ups_due(fresh) == []
    services.officers.update(admin, officer.officer_id or 0, OfficerUpdate(role=Role.SUPERVISOR))
    with pytest.raises(AccountChanged):
        checked.notes.follow_ups_due(fresh)
    assert len(heard) == 2


def test_a_password_reset_ends_the_open_session(
    services: Services, officer: Actor, admin: Actor
) -> None:
    checked = RightsChecked(services)
    services.officers.set_password(admin, "1001", ONE_TIME)
    with pytest.raises(AccountChanged, match="reset"):
        checked.notes.follow_ups_due(officer)


def test_the_check_is_one_read_in_the_calls_own_transaction(
    services: Services, officer: Actor
) -> None:
    from sqlalchemy import event

    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany) -> None:
        statements.append(statement)

    engine = services.db.engine
    event.listen(engine, "before_cursor_execute", seen)
    try:
        services.notes.follow_ups_due(officer)
        plain = len(statements)
        statements.clear()
        RightsChecked(services).notes.follow_ups_due(officer)
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    officers_reads = [s for s in statements if "FROM officers" in s]
    assert len(officers_reads) == 1
    assert len(statements) == plain + 1


def test_services_without_an_actor_pass_through(services: Services) -> None:
    checked = RightsChecked(services)
    assert checked.officers.count() == 0
    assert checked.is_demo() is False
    with pytest.raises(PermissionDenied):
        checked.officers.set_active(
            Actor(officer_id=None, badge="X", name="X", role=Role.OFFICER), "1", False
        )


def test_an_admin_on_a_one_time_password_changes_it_before_resetting_another(
    services: Services, officer: Actor, admin: Actor, db_url: str, run_cli: RunCli
) -> None:
    make_officer(services, "3002", "admin", ())
    services.officers.set_password(admin, "3002", ONE_TIME)
    reset = ("officer", "passwd", "1001")
    result = as_officer(run_cli, db_url, "3002", *reset, stdin=f"{ONE_TIME}\n{NEW_PASSWORD}\n")
    assert result.code == 2 and "change it" in result.err
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"
