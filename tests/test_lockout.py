"""Account lockout after failed sign-ins: kept in the store, so a restart does not reset it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from sro_tui.domain.errors import AuthenticationFailed
from sro_tui.domain.officers import SYSTEM_ACTOR
from sro_tui.services import store_settings
from sro_tui.services.registry import Services, build_services
from sro_tui.store.db import Database
from sro_tui.store.models import LoginAttempt

from .conftest import TEST_AUDIT_KEY, TEST_PASSWORD, Clock, RunCli

WRONG = "not the password"


def fail(services: Services, times: int, clock: Clock, badge: str = "1001") -> None:
    for _ in range(times):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate(badge, WRONG)
        clock.advance(seconds=30)


def restart(db_url: str, clock: Clock) -> Services:
    """What a new terminal (or the same one after a restart) sees: new objects, same store."""
    return build_services(Database(db_url), audit_key=TEST_AUDIT_KEY, clock=clock, terminal="t2")


def test_lock_survives_a_restart(services: Services, officer, db_url: str, clock: Clock) -> None:
    fail(services, 5, clock)
    services.close()
    again = restart(db_url, clock)
    try:
        assert again.officers.by_badge("1001").locked
        with pytest.raises(AuthenticationFailed, match="locked"):
            again.officers.authenticate("1001", TEST_PASSWORD)
        clock.advance(days=1)
        with pytest.raises(AuthenticationFailed, match="ask an administrator"):
            again.officers.authenticate("1001", TEST_PASSWORD)
        again.officers.unlock(SYSTEM_ACTOR, "1001")
        assert again.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"
    finally:
        again.close()


def test_failures_before_a_restart_still_count(
    services: Services, officer, db_url: str, clock: Clock
) -> None:
    fail(services, 3, clock)
    services.close()
    again = restart(db_url, clock)
    try:
        fail(again, 1, clock)
        assert not again.officers.by_badge("1001").locked
        fail(again, 1, clock)
        assert again.officers.by_badge("1001").locked
    finally:
        again.close()


def test_the_lock_and_the_failures_are_audited(services: Services, officer, clock: Clock) -> None:
    fail(services, 5, clock)
    events = services.audit.recent(limit=10)
    assert [e.action for e in events[:2]] == ["login", "officer.lock"]
    failures = [e for e in events if e.action == "login" and e.outcome == "failure"]
    assert len(failures) == 5
    assert all(e.badge == "1001" for e in failures)
    assert all("correct horse" not in e.detail for e in events), "no password in the trail"


def test_a_timed_lock_opens_by_itself(services: Services, officer, clock: Clock) -> None:
    with services.db.write() as session:
        store_settings.set_value(session, store_settings.LOCKOUT_MINUTES, "15")
    fail(services, 5, clock)
    clock.advance(minutes=10)
    with pytest.raises(AuthenticationFailed, match="try again in 15 minutes"):
        services.officers.authenticate("1001", TEST_PASSWORD)
    clock.advance(minutes=6)
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"


def test_a_timed_lock_shorter_than_ten_minutes_is_not_honoured(
    services: Services, officer, clock: Clock
) -> None:
    with services.db.write() as session:
        store_settings.set_value(session, store_settings.LOCKOUT_MINUTES, "5")
    fail(services, 5, clock)
    clock.advance(hours=2)
    with pytest.raises(AuthenticationFailed, match="ask an administrator"):
        services.officers.authenticate("1001", TEST_PASSWORD)


def test_the_right_password_while_locked_is_refused_and_counted(
    services: Services, officer, clock: Clock
) -> None:
    fail(services, 5, clock)
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.officers.authenticate("1001", TEST_PASSWORD)
    latest = services.audit.recent(limit=1)[0]
    assert (latest.action, latest.outcome, latest.detail) == ("login", "failure", "account locked")


def test_cli_unlock(
    services: Services, officer, admin, db_url: str, clock: Clock, run_cli: RunCli
) -> None:
    fail(services, 5, clock)
    signed_in = ("--as", "3001", "--password-stdin")
    # A read too is signed in: a shared (PostgreSQL) store has no local administrator.
    result = run_cli("--db", db_url, "officer", "list", *signed_in, stdin=TEST_PASSWORD + "\n")
    assert result.code == 0
    assert "locked" in result.out
    unlock = ("--db", db_url, "officer", "unlock", "1001")
    assert run_cli(*unlock).code == 2  # no unauthenticated back door
    assert run_cli(*unlock, *signed_in, stdin=TEST_PASSWORD + "\n").code == 0
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"


@pytest.mark.parametrize(
    "typed",
    [
        "1001\tcorrect horse",  # a Tab slip: badge and password together in the badge field
        "1001 demo",
        "[/]",
        "[bold red]1001[/]",
        "\x1b]0;x\x07",
        "1001\u202e",
        "12345678901",  # one character more than a badge has
        "",
    ],
)
def test_a_failed_sign_in_records_a_malformed_badge_as_such(
    services: Services, officer, typed: str
) -> None:
    with pytest.raises(AuthenticationFailed, match="Badge or password is not right"):
        services.officers.authenticate(typed, WRONG)
    latest = services.audit.recent(limit=1)[0]
    assert (latest.action, latest.outcome) == ("login", "failure")
    assert latest.badge == ""
    assert latest.detail == "malformed badge"
    with services.db.read() as session:
        attempts = session.scalars(
            select(LoginAttempt.badge).where(LoginAttempt.success.is_(False))
        ).all()
    assert attempts == [""], "nothing typed is kept, not even the start of it"


@pytest.mark.parametrize(("typed", "recorded"), [(" 4040 ", "4040"), ("abc123", "ABC123")])
def test_a_failed_sign_in_records_a_well_formed_badge(
    services: Services, officer, typed: str, recorded: str
) -> None:
    with pytest.raises(AuthenticationFailed, match="Badge or password is not right"):
        services.officers.authenticate(typed, WRONG)
    latest = services.audit.recent(limit=1)[0]
    assert (latest.badge, latest.detail) == (recorded, "unknown badge")
    assert len(latest.badge) <= 10


def test_a_malformed_badge_does_not_count_towards_an_officers_lock(
    services: Services, officer, clock: Clock
) -> None:
    fail(services, 4, clock)
    fail(services, 3, clock, badge="1001\tguess")
    assert not services.officers.by_badge("1001").locked
