"""Account security: the second factor at sign-in, the password policy, and the CLI commands
that manage accounts (`sro mfa`, `sro officer passwd|disable`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from sro_tui.domain.errors import AuthenticationFailed, PermissionDenied, SroError
from sro_tui.domain.officers import SYSTEM_ACTOR, OfficerCreate
from sro_tui.services import store_settings
from sro_tui.services.context import utc_now
from sro_tui.services.passwords import banned_passwords
from sro_tui.services.registry import Services
from sro_tui.services.security import totp_code, verify_totp

from .conftest import TEST_PASSWORD, CliResult, Clock, RunCli


def enrol(services: Services, actor, badge: str, clock: Clock) -> str:
    enrolment = services.security.begin_totp(actor, badge)
    services.security.confirm_totp(actor, enrolment, totp_code(enrolment.secret, clock.now))
    return enrolment.secret


def require_mfa(services: Services, on: bool = True) -> None:
    with services.db.write() as session:
        store_settings.set_value(session, store_settings.REQUIRE_MFA, "1" if on else "0")


# -- the second factor ------------------------------------------------------------------------


def test_enrolment_is_stored_only_after_a_matching_code(
    services: Services, officer, clock: Clock
) -> None:
    enrolment = services.security.begin_totp(officer, "1001")
    assert enrolment.uri.startswith("otpauth://totp/")
    assert "1001" in enrolment.uri and f"secret={enrolment.secret}" in enrolment.uri
    assert not services.officers.by_badge("1001").mfa_enabled
    with pytest.raises(AuthenticationFailed) as info:
        services.security.confirm_totp(officer, enrolment, "000000")
    assert info.value.field == "otp"
    assert not services.officers.by_badge("1001").mfa_enabled
    read = services.security.confirm_totp(
        officer, enrolment, totp_code(enrolment.secret, clock.now)
    )
    assert read.mfa_enabled
    latest = services.audit.recent(limit=1)[0]
    assert (latest.action, latest.outcome) == ("officer.mfa", "success")
    assert enrolment.secret not in latest.detail


def test_sign_in_asks_for_the_code_once_enrolled(services: Services, officer, clock: Clock) -> None:
    secret = enrol(services, officer, "1001", clock)
    with pytest.raises(AuthenticationFailed, match="one-time code") as info:
        services.officers.authenticate("1001", TEST_PASSWORD)
    assert info.value.field == "otp"
    clock.advance(seconds=45)
    with pytest.raises(AuthenticationFailed, match="not right"):
        services.officers.authenticate("1001", TEST_PASSWORD, otp="123456")
    actor = services.officers.authenticate("1001", TEST_PASSWORD, otp=totp_code(secret, clock.now))
    assert actor.badge == "1001"
    # A wrong password with a right code is still a wrong password.
    with pytest.raises(AuthenticationFailed, match="not right"):
        services.officers.authenticate("1001", "wrong password", otp=totp_code(secret, clock.now))


def test_wrong_codes_count_towards_the_lock(services: Services, officer, clock: Clock) -> None:
    secret = enrol(services, officer, "1001", clock)
    for _ in range(5):
        with pytest.raises(AuthenticationFailed):
            services.officers.authenticate("1001", TEST_PASSWORD, otp="000000")
        clock.advance(seconds=20)
    assert services.officers.by_badge("1001").locked
    with pytest.raises(AuthenticationFailed, match="locked"):
        services.officers.authenticate("1001", TEST_PASSWORD, otp=totp_code(secret, clock.now))


def test_asking_for_the_code_is_not_a_failure(services: Services, officer, clock: Clock) -> None:
    """The code is the second step after a right password: being asked for it six times
    locks nothing, and the code then signs in."""
    secret = enrol(services, officer, "1001", clock)
    for _ in range(6):
        with pytest.raises(AuthenticationFailed, match="one-time code"):
            services.officers.authenticate("1001", TEST_PASSWORD)
        clock.advance(seconds=31)
    assert not services.officers.by_badge("1001").locked
    actor = services.officers.authenticate("1001", TEST_PASSWORD, otp=totp_code(secret, clock.now))
    assert actor.badge == "1001"


def test_a_code_is_not_accepted_twice(services: Services, officer, clock: Clock) -> None:
    secret = enrol(services, officer, "1001", clock)
    clock.advance(seconds=60)
    code = totp_code(secret, clock.now)
    services.officers.authenticate("1001", TEST_PASSWORD, otp=code)
    clock.advance(seconds=5)
    with pytest.raises(AuthenticationFailed, match="used already") as info:
        services.officers.authenticate("1001", TEST_PASSWORD, otp=code)
    assert info.value.field == "otp"
    clock.advance(seconds=30)
    with pytest.raises(AuthenticationFailed, match="used already"):  # still within its drift
        services.officers.authenticate("1001", TEST_PASSWORD, otp=code)
    actor = services.officers.authenticate("1001", TEST_PASSWORD, otp=totp_code(secret, clock.now))
    assert actor.badge == "1001"


def test_codes_allow_one_step_of_clock_drift(clock: Clock) -> None:
    secret = pyotp.random_base32()
    from datetime import timedelta

    now = clock.now
    assert verify_totp(secret, totp_code(secret, now), now)
    assert verify_totp(secret, totp_code(secret, now - timedelta(seconds=30)), now)
    assert not verify_totp(secret, totp_code(secret, now - timedelta(seconds=90)), now)
    assert verify_totp(
        secret, " " + totp_code(secret, now)[:3] + " " + totp_code(secret, now)[3:], now
    )
    assert not verify_totp(secret, "abcdef", now)
    assert not verify_totp(secret, None, now)


def test_without_mfa_sign_in_is_unchanged(services: Services, officer) -> None:
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"
    assert services.officers.authenticate("1001", TEST_PASSWORD, otp="ignored").badge == "1001"


def test_agency_requirement_refuses_the_unenrolled_without_locking(
    services: Services, officer, admin, clock: Clock
) -> None:
    require_mfa(services)
    assert services.security.mfa_required()
    for _ in range(6):
        with pytest.raises(AuthenticationFailed, match="requires a second factor"):
            services.officers.authenticate("1001", TEST_PASSWORD)
    assert not services.officers.by_badge("1001").locked
    latest = services.audit.recent(limit=1)[0]
    assert (latest.action, latest.outcome) == ("login", "failure")
    secret = enrol(services, admin, "1001", clock)
    clock.advance(seconds=30)  # the fixture signed in during this code's time step
    actor = services.officers.authenticate("1001", TEST_PASSWORD, otp=totp_code(secret, clock.now))
    assert actor.badge == "1001"


def test_an_officer_cannot_enrol_or_remove_anothers(
    services: Services, officer, other_officer, admin, clock: Clock
) -> None:
    with pytest.raises(PermissionDenied):
        services.security.begin_totp(officer, "1002")
    denied = services.audit.recent(limit=1)[0]
    assert (denied.action, denied.outcome) == ("officer.mfa", "denied")
    enrol(services, other_officer, "1002", clock)
    with pytest.raises(PermissionDenied):
        services.security.remove_totp(other_officer, "1002")  # not even one's own
    assert not services.security.remove_totp(admin, "1002").mfa_enabled
    with pytest.raises(SroError, match="no authenticator"):
        services.security.remove_totp(admin, "1002")


# -- the password policy ----------------------------------------------------------------------


def test_banned_list_is_large_and_lower_case() -> None:
    banned = banned_passwords()
    assert len(banned) >= 3000
    assert all(p == p.lower() for p in banned)


@pytest.mark.parametrize(
    "password",
    [
        "Summer2025",
        "Password2026!",
        "ILoveYou1",
        "qwertyuiop",
        "Ventura2024",
        "police123",
        "1q2w3e4r5t",
        "12121212",
        "Dodgers2026",
        "abcd1234",
    ],
)
def test_common_passwords_are_refused(services: Services, password: str) -> None:
    assert services.security.password_problem(password)
    with pytest.raises(SroError) as info:
        services.officers.create(SYSTEM_ACTOR, OfficerCreate(badge="9", name="New"), password)
    assert info.value.field == "password"


@pytest.mark.parametrize("password", [TEST_PASSWORD, "tide pools at low water", "Kq7#mZ2!xw"])
def test_uncommon_passwords_pass(services: Services, password: str) -> None:
    assert services.security.password_problem(password) is None


# -- the command line -------------------------------------------------------------------------


def test_cli_passwd_sets_a_new_password(
    services: Services, officer, db_url: str, run_cli: RunCli
) -> None:
    """An officer's own change: signed in as themself (the current password), then the new."""
    passwd = ("--db", db_url, "officer", "passwd", "1001", "--as", "1001", "--password-stdin")
    result = run_cli(*passwd, stdin=f"{TEST_PASSWORD}\na brand new passphrase\n")
    assert result.code == 0, result.err
    assert "Password changed" in result.out
    with pytest.raises(AuthenticationFailed):
        services.officers.authenticate("1001", TEST_PASSWORD)
    assert services.officers.authenticate("1001", "a brand new passphrase").badge == "1001"
    result = run_cli(*passwd, stdin="a brand new passphrase\nSummer2026\n")
    assert result.code == 2
    assert "common passwords" in result.err


def test_cli_disable_refuses_sign_in(
    services: Services, officer, admin, db_url: str, run_cli: RunCli
) -> None:
    def as_admin(*argv: str) -> CliResult:
        signed_in = ("--as", "3001", "--password-stdin")
        return run_cli("--db", db_url, *argv, *signed_in, stdin=TEST_PASSWORD + "\n")

    assert as_admin("officer", "disable", "1001").code == 0
    with pytest.raises(AuthenticationFailed, match="disabled"):
        services.officers.authenticate("1001", TEST_PASSWORD)
    assert as_admin("officer", "enable", "1001").code == 0
    assert services.officers.authenticate("1001", TEST_PASSWORD).badge == "1001"
    result = as_admin("officer", "disable", "7777")
    assert result.code == 2
    assert "No officer" in result.err


def test_cli_mfa_enable_with_the_code_from_the_app(
    services: Services, officer, admin, db_url: str, cli_home: Path
) -> None:
    """Run as an administrator would: read the secret it prints, answer with the app's code."""
    import os

    sro = str(Path(sys.executable).with_name("sro"))
    signed_in = ["--as", "3001", "--password-stdin"]
    process = subprocess.Popen(
        [sro, "--db", db_url, "mfa", "enable", "1001", *signed_in],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SRO_AUDIT_KEY_FILE": str(cli_home / "keys" / "audit.key")},
    )
    assert process.stdout is not None and process.stdin is not None
    process.stdin.write(TEST_PASSWORD + "\n")  # the administrator's sign-in
    process.stdin.flush()
    secret = ""
    for line in process.stdout:
        if line.startswith("Secret:"):
            secret = line.split(":", 1)[1].strip()
        if line.startswith("Add it"):
            break
    assert secret
    process.stdin.write(pyotp.TOTP(secret).now() + "\n")
    process.stdin.flush()
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert "enabled" in out
    assert services.officers.by_badge("1001").mfa_enabled
    # The real clock made the code: sign in with the real clock's code too.
    services.ctx.clock = utc_now
    actor = services.officers.authenticate("1001", TEST_PASSWORD, otp=pyotp.TOTP(secret).now())
    assert actor.badge == "1001"


def test_cli_mfa_require_and_remove(
    services: Services, officer, admin, db_url: str, clock: Clock, run_cli: RunCli
) -> None:
    """Signed in as an administrator (with their authenticator: once a second factor is
    required, an administrator without one could not sign in to turn it off)."""
    enrol(services, admin, "1001", clock)
    admin_secret = enrol(services, admin, "3001", clock)
    started = int(utc_now().timestamp())  # the commands run on the real clock

    def as_admin(step: int, *argv: str) -> CliResult:
        # A code is taken once (RFC 6238): each sign-in gives the next step's (within the
        # one step of drift allowed).
        code = pyotp.TOTP(admin_secret).at(started + 30 * step)
        signed_in = ("--as", "3001", "--password-stdin")
        return run_cli("--db", db_url, *argv, *signed_in, stdin=f"{TEST_PASSWORD}\n{code}\n")

    assert run_cli("--db", db_url, "mfa", "require", "on").code == 2  # no back door
    assert not services.security.mfa_required()
    assert as_admin(0, "mfa", "require", "on").code == 0
    assert services.security.mfa_required()
    assert run_cli("--db", db_url, "mfa", "remove", "1001").code == 2
    assert services.officers.by_badge("1001").mfa_enabled
    result = as_admin(1, "mfa", "remove", "1001")
    assert result.code == 0, result.err
    assert not services.officers.by_badge("1001").mfa_enabled
    assert run_cli("--db", db_url, "mfa", "require", "off").code == 2
    assert services.security.mfa_required()


def test_cli_sign_in_as_an_officer_with_an_authenticator(
    services: Services, officer, db_url: str, clock: Clock, run_cli: RunCli
) -> None:
    """`--as BADGE --password-stdin` reads the password, then the one-time code."""
    secret = enrol(services, officer, "1001", clock)
    code = pyotp.TOTP(secret).now()  # the command runs on the real clock
    args = ("--db", db_url, "incident", "list", "--as", "1001", "--password-stdin")
    result = run_cli(*args, stdin=f"{TEST_PASSWORD}\n{code}\n")
    assert result.code == 0, result.err
    result = run_cli(*args, stdin=f"{TEST_PASSWORD}\n000000\n")
    assert result.code == 2
    assert "not right" in result.err
