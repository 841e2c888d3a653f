"""Account security: the second factor (TOTP, RFC 6238) and the password policy.

Enrolment takes two steps so that nobody is locked out by a mistyped secret: ``begin_totp``
makes a secret and its otpauth:// URI (shown as text or a QR code, nothing is stored), and
``confirm_totp`` stores it only once a code from the officer's authenticator app matches.
"""

from __future__ import annotations

import functools
import hmac
import re
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pyotp
from sqlalchemy import Connection, event, select
from sqlalchemy.orm import Session, selectinload

from ..domain.enums import AuditOutcome, RecordType
from ..domain.errors import AuthenticationFailed, NotFound, PermissionDenied, SroError
from ..domain.officers import (
    PASSWORD_CHANGE_REQUIRED,
    AccountChanged,
    Actor,
    OfficerRead,
    PasswordChangeRequired,
    normalise_badge,
    password_problem,
    rights_changed,
)
from ..domain.trust import TotpEnrolment
from ..store.models import Officer, OfficerSchool
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .passwords import banned_passwords, strength_problem

TOTP_DIGITS = 6
TOTP_STEP_SECONDS = 30
TOTP_DRIFT_STEPS = 1  # accept the code before and after the current one (clock drift)
ISSUER = "sro-tui"

# Reasons a sign-in is refused at the second factor (used by OfficerService.authenticate).
OTP_MISSING = "one-time code missing"
OTP_WRONG = "wrong one-time code"
OTP_REUSED = "one-time code used already"
MFA_NOT_ENROLLED = "second factor not enrolled"
OTP_REASONS = {
    OTP_MISSING: "Enter the one-time code from your authenticator app",
    OTP_WRONG: "Badge, password or one-time code is not right",
    OTP_REUSED: "That one-time code was used already; wait for the next one",
    MFA_NOT_ENROLLED: (
        "This agency requires a second factor at sign-in: ask an administrator to set up "
        "your authenticator app"
    ),
}
# Failed sign-ins that count towards the lock (five within fifteen minutes).
# A missing code after a right password is the second step of a sign-in (the screen then
# asks for the code), not a failure: only wrong answers count towards the lock.
COUNTED_FAILURES = frozenset({"wrong password", OTP_WRONG, OTP_REUSED})
NOT_ATTEMPTS = frozenset({MFA_NOT_ENROLLED, OTP_MISSING})

_CODE = re.compile(rf"^\d{{{TOTP_DIGITS}}}$")


def new_totp_secret() -> str:
    """160 random bits in base32, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def totp_code(secret: str, at: datetime) -> str:
    """The code an authenticator shows at ``at`` (for tests and for a demo store)."""
    return pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS).at(
        int(at.timestamp())
    )


def matched_step(secret: str, code: str | None, at: datetime) -> int | None:
    """The time step (Unix time // 30) whose code ``code`` is, within one step of ``at``;
    None if it matches none. The time is passed as a number: pyotp reads a datetime as
    local time."""
    clean = re.sub(r"\s+", "", code or "")
    if not _CODE.match(clean):
        return None
    totp = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS)
    now = int(at.timestamp())
    for drift in range(-TOTP_DRIFT_STEPS, TOTP_DRIFT_STEPS + 1):
        moment = now + drift * TOTP_STEP_SECONDS
        if hmac.compare_digest(totp.at(moment), clean):
            return moment // TOTP_STEP_SECONDS
    return None


def verify_totp(secret: str, code: str | None, at: datetime) -> bool:
    """Is ``code`` the secret's code at ``at``, give or take one 30-second step?"""
    return matched_step(secret, code, at) is not None


def second_factor_problem(
    secret: str | None,
    otp: str | None,
    at: datetime,
    required: bool,
    *,
    last_success: datetime | None = None,
) -> str | None:
    """Why a sign-in whose password was right is still refused, or None.

    A code is refused if the officer signed in during or after its time step: that is the
    code used already, or (rarely) an older one than the last used."""
    if secret is None:
        return MFA_NOT_ENROLLED if required else None
    if not (otp or "").strip():
        return OTP_MISSING
    step = matched_step(secret, otp, at)
    if step is None:
        return OTP_WRONG
    if last_success is not None and last_success.timestamp() >= step * TOTP_STEP_SECONDS:
        return OTP_REUSED
    return None


def new_password_problem(password: str, *, badge: str = "", name: str = "") -> str | None:
    """The agency's password policy (CJIS): length and the banned list, no complexity rules,
    then zxcvbn's estimate of how easily it is guessed (score 3 of 4 at least), counting the
    officer's badge and name and this app's own words as known to a guesser."""
    problem = password_problem(password, banned_passwords())
    if problem:
        return problem
    words = tuple(w for w in re.split(r"[\s,.'-]+", f"{badge} {name}".lower()) if w)
    return strength_problem(password, (badge.lower(), name.lower(), *words))


class SecurityService:
    """Second-factor enrolment and the agency's security policy."""

    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- policy ------------------------------------------------------------------------------

    def mfa_required(self) -> bool:
        with self.ctx.db.read() as session:
            return store_settings.get_flag(session, store_settings.REQUIRE_MFA)

    def password_problem(self, password: str, *, badge: str = "", name: str = "") -> str | None:
        """Why ``password`` is refused as a new password (for the officer ``badge`` named
        ``name``), or None: for a message at the field while it is typed."""
        return new_password_problem(password, badge=badge, name=name)

    # -- enrolment ---------------------------------------------------------------------------

    def _target(self, actor: Actor, badge: str, action: str) -> tuple[int, str]:
        """The officer an enrolment is for: the actor themself, or anyone for an admin."""
        try:
            clean = normalise_badge(badge)
        except ValueError as exc:
            raise NotFound(f"No officer with badge {badge!r}") from exc
        with self.ctx.db.read() as session:
            row = session.execute(
                select(Officer.id, Officer.badge).where(Officer.badge == clean)
            ).one_or_none()
        if row is None:
            raise NotFound(f"No officer with badge {clean}")
        if not actor.is_admin and actor.officer_id != row.id:
            self.audit.record_alone(
                actor,
                action,
                record_type=RecordType.OFFICER,
                record_id=row.id,
                outcome=AuditOutcome.DENIED,
            )
            raise PermissionDenied("Only an administrator can set up another officer's sign-in")
        return row.id, row.badge

    def begin_totp(self, actor: Actor, badge: str) -> TotpEnrolment:
        """A new secret for ``badge`` and its otpauth:// URI. Nothing is stored yet."""
        _, clean = self._target(actor, badge, "officer.mfa")
        with self.ctx.db.read() as session:
            agency = store_settings.get_value(session, store_settings.AGENCY_NAME)
        secret = new_totp_secret()
        issuer = f"{ISSUER} ({agency})" if agency else ISSUER
        uri = pyotp.TOTP(secret, digits=TOTP_DIGITS, interval=TOTP_STEP_SECONDS).provisioning_uri(
            name=clean, issuer_name=issuer
        )
        return TotpEnrolment(badge=clean, secret=secret, uri=uri)

    def confirm_totp(self, actor: Actor, enrolment: TotpEnrolment, code: str) -> OfficerRead:
        """Store the secret once ``code`` from the authenticator app matches it."""
        officer_id, _ = self._target(actor, enrolment.badge, "officer.mfa")
        if not verify_totp(enrolment.secret, code, self.ctx.now()):
            self.audit.record_alone(
                actor,
                "officer.mfa",
                record_type=RecordType.OFFICER,
                record_id=officer_id,
                outcome=AuditOutcome.FAILURE,
                detail="enrolment code wrong",
            )
            raise AuthenticationFailed(
                "That code does not match: check the app's clock and try the next code",
                field="otp",
            )
        with self.ctx.db.write() as session:
            officer = self._load(session, officer_id)
            replaced = officer.totp_secret is not None
            officer.totp_secret = enrolment.secret
            self.audit.record(
                session,
                actor,
                "officer.mfa",
                record_type=RecordType.OFFICER,
                record_id=officer_id,
                detail="authenticator replaced" if replaced else "authenticator enrolled",
            )
            return self._read(officer)

    def remove_totp(self, actor: Actor, badge: str) -> OfficerRead:
        """Take an officer's authenticator away (a lost phone). Administrators only: an
        officer who could remove their own second factor would make it optional."""
        officer_id, _ = self._target(actor, badge, "officer.mfa_remove")
        if not actor.is_admin:
            self.audit.record_alone(
                actor,
                "officer.mfa_remove",
                record_type=RecordType.OFFICER,
                record_id=officer_id,
                outcome=AuditOutcome.DENIED,
            )
            raise PermissionDenied("Only an administrator can remove an authenticator")
        with self.ctx.db.write() as session:
            officer = self._load(session, officer_id)
            if officer.totp_secret is None:
                raise SroError(f"Badge {officer.badge} has no authenticator")
            officer.totp_secret = None
            self.audit.record(
                session,
                actor,
                "officer.mfa_remove",
                record_type=RecordType.OFFICER,
                record_id=officer_id,
            )
            return self._read(officer)

    @staticmethod
    def _load(session: Session, officer_id: int) -> Officer:
        officer = session.get(Officer, officer_id, options=[selectinload(Officer.schools)])
        if officer is None:
            raise NotFound(f"No officer with id {officer_id}")
        return officer

    @staticmethod
    def _read(officer: Officer) -> OfficerRead:
        from .officers import to_read

        return to_read(officer)


# -- rights at every action ---------------------------------------------------------------------
#
# A session's actor is built once, at sign-in. An administrator who disables an officer,
# changes their role or schools, or resets their password acts at once: the next service call
# of that officer's open session re-reads the account (one indexed read by primary key, in the
# call's own first transaction) and is refused with AccountChanged when it no longer matches.
# The check runs from a SQLAlchemy "after_begin" hook while a call made through
# ``RightsChecked`` is pending in this thread (a contextvar), so no service is edited for it.


@dataclass
class _Pending:
    actor: Actor
    allow_must_change: bool
    done: bool = False


_PENDING: ContextVar[_Pending | None] = ContextVar("sro_rights_pending", default=None)

# Calls that run even while the account has changed or waits for a new password: an
# officer's own drafts (their typing is kept whatever happens to the account) and the change
# of their own password.
UNCHECKED_SERVICES = frozenset({"drafts", "audit", "ctx", "db"})
MUST_CHANGE_ALLOWED = frozenset({("officers", "set_password"), ("security", "password_problem")})


def account_problem(session: Session | Connection, actor: Actor) -> SroError | None:
    """Why ``actor`` may no longer act (the account changed since the sign-in), or None.
    One statement: the officer's row by primary key and their school assignments."""
    if actor.officer_id is None:
        return None
    rows = session.execute(
        select(
            Officer.active,
            Officer.role,
            Officer.password_must_change,
            OfficerSchool.school_id,
        )
        .select_from(Officer)
        .outerjoin(OfficerSchool, OfficerSchool.officer_id == Officer.id)
        .where(Officer.id == actor.officer_id)
    ).all()
    if not rows:
        return AccountChanged("Your account no longer exists; ask an administrator")
    first = rows[0]
    schools = tuple(r.school_id for r in rows if r.school_id is not None)
    changed = rights_changed(actor, active=first.active, role=first.role, school_ids=schools)
    if changed:
        return AccountChanged(changed)
    if first.password_must_change and not actor.password_must_change:
        return AccountChanged(
            "Your password was reset by an administrator; sign in with the one you were given"
        )
    return None


def _after_begin(session: Session, transaction: object, connection: Connection) -> None:
    pending = _PENDING.get()
    if pending is None or pending.done:
        return
    pending.done = True
    problem = account_problem(connection, pending.actor)
    if problem is not None:
        raise problem
    if pending.actor.password_must_change and not pending.allow_must_change:
        raise PasswordChangeRequired(PASSWORD_CHANGE_REQUIRED)


event.listen(Session, "after_begin", _after_begin)


def _actor_in(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Actor | None:
    for value in (*args, *kwargs.values()):
        if isinstance(value, Actor):
            return value if value.officer_id is not None else None
    return None


class _CheckedService:
    """A service whose calls with a signed-in actor check the account first."""

    def __init__(
        self, name: str, service: object, on_changed: Callable[[AccountChanged], None] | None
    ) -> None:
        self._name = name
        self._service = service
        self._on_changed = on_changed

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self._service, attribute)
        if attribute.startswith("_") or not callable(value):
            return value
        allow = (self._name, attribute) in MUST_CHANGE_ALLOWED

        @functools.wraps(value)
        def checked(*args: Any, **kwargs: Any) -> Any:
            actor = _actor_in(args, kwargs)
            if actor is None or _PENDING.get() is not None:
                return value(*args, **kwargs)
            token = _PENDING.set(_Pending(actor, allow))
            try:
                return value(*args, **kwargs)
            except AccountChanged as exc:
                if self._on_changed is not None:
                    self._on_changed(exc)
                raise
            finally:
                _PENDING.reset(token)

        return checked


class RightsChecked:
    """The services of a signed-in session, each call re-checking the caller's account (see
    above). Anything that is not a service (``ctx``, ``db``, ``is_demo``) passes through;
    ``on_changed`` hears of a refusal (the app returns to the sign-in)."""

    def __init__(
        self, services: object, on_changed: Callable[[AccountChanged], None] | None = None
    ) -> None:
        self._services = services
        self._on_changed = on_changed
        self._wrapped: dict[str, _CheckedService] = {}

    def __getattr__(self, name: str) -> Any:
        wrapped = self._wrapped.get(name)
        if wrapped is not None:
            return wrapped
        value = getattr(self._services, name)
        if name.startswith("_") or name in UNCHECKED_SERVICES or callable(value):
            return value
        if not hasattr(value, "ctx"):
            return value
        wrapped = _CheckedService(name, value, self._on_changed)
        self._wrapped[name] = wrapped
        return wrapped
