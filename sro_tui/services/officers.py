"""Officers: accounts, sign-in with lockout, passwords, assignments."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, selectinload

from ..domain.enums import AuditOutcome, RecordType, Role
from ..domain.errors import AuthenticationFailed, Conflict, NotFound, PermissionDenied, SroError
from ..domain.officers import (
    Actor,
    OfficerCreate,
    OfficerRead,
    OfficerUpdate,
    normalise_badge,
)
from ..domain.permissions import may_manage_officers
from ..store.models import LoginAttempt, Officer, OfficerSchool, School
from . import store_settings
from .audit import AuditTrail
from .context import ServiceContext
from .passwords import hash_password, needs_rehash, verify_password
from .security import (
    COUNTED_FAILURES,
    NOT_ATTEMPTS,
    OTP_REASONS,
    new_password_problem,
    second_factor_problem,
)

MAX_FAILURES = 5
MALFORMED_BADGE = "malformed badge"
"""A failed sign-in's reason when what was typed is not a badge at all (the domain's rule:
1 to 10 letters or digits). Such a try is recorded without what was typed: a Tab slipped or
missed puts badge and password together in the badge field."""
FAILURE_WINDOW = timedelta(minutes=15)
MIN_TIMED_LOCK_MINUTES = 10  # CJIS 5.9, where an agency chooses a timed lock


ONE_TIME_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


def one_time_password(groups: int = 3, size: int = 4) -> str:
    """A random one-time password easy to read out and type: ``kx7m-q2wt-9hcp``
    (12 characters from 31, about 59 bits)."""
    return "-".join(
        "".join(secrets.choice(ONE_TIME_ALPHABET) for _ in range(size)) for _ in range(groups)
    )


def to_read(officer: Officer) -> OfficerRead:
    return OfficerRead(
        id=officer.id,
        badge=officer.badge,
        name=officer.name,
        role=Role(officer.role),
        active=officer.active,
        locked=officer.locked_at is not None,
        mfa_enabled=officer.totp_secret is not None,
        school_ids=tuple(sorted(s.school_id for s in officer.schools)),
        created_at=officer.created_at,
    )


def actor_for(officer: Officer, terminal: str, *, signed_in_at: datetime | None = None) -> Actor:
    return Actor(
        officer_id=officer.id,
        badge=officer.badge,
        name=officer.name,
        role=Role(officer.role),
        school_ids=tuple(sorted(s.school_id for s in officer.schools)),
        terminal=terminal,
        password_must_change=bool(officer.password_must_change),
        signed_in_at=signed_in_at,
    )


class OfficerService:
    def __init__(self, ctx: ServiceContext, audit: AuditTrail) -> None:
        self.ctx = ctx
        self.audit = audit

    # -- administration ----------------------------------------------------------------------

    def _require_admin(self, actor: Actor, action: str, record_id: object = "") -> None:
        if not may_manage_officers(actor):
            self.audit.record_alone(
                actor,
                action,
                record_type=RecordType.OFFICER,
                record_id=record_id,
                outcome=AuditOutcome.DENIED,
            )
            raise PermissionDenied("Only an administrator can manage officers")

    def count(self) -> int:
        with self.ctx.db.read() as session:
            return session.scalar(select(func.count()).select_from(Officer)) or 0

    def create(
        self, actor: Actor, data: OfficerCreate, password: str, *, check_policy: bool = True
    ) -> OfficerRead:
        """Add an officer. ``check_policy`` is off only for demo stores' shared password.

        An administrator (a signed-in actor) gives a one-time password, as with a reset: the
        new officer must change it at the first sign-in, so no administrator knows anyone's
        password. The local administration (the first administrator of an empty store, a
        demo store) sets a password that is kept."""
        self._require_admin(actor, "officer.create", data.badge)
        if check_policy:
            problem = new_password_problem(password, badge=data.badge, name=data.name)
            if problem:
                raise SroError(problem, field="password")
        password_hash = hash_password(password)  # slow: outside the write lock
        one_time = actor.officer_id is not None
        try:
            with self.ctx.db.write() as session:
                if session.scalar(select(Officer.id).where(Officer.badge == data.badge)):
                    raise Conflict(f"Badge {data.badge} is already in use", field="badge")
                officer = Officer(
                    badge=data.badge,
                    name=data.name,
                    role=data.role.value,
                    password_hash=password_hash,
                    password_changed_at=self.ctx.now(),
                    password_must_change=one_time,
                    active=True,
                    created_at=self.ctx.now(),
                )
                self._assign(session, officer, data.school_ids)
                session.add(officer)
                session.flush()
                self.audit.record(
                    session,
                    actor,
                    "officer.create",
                    record_type=RecordType.OFFICER,
                    record_id=officer.id,
                    detail=f"badge {officer.badge}, role {officer.role}"
                    + ("; one-time password" if one_time else ""),
                )
                return to_read(officer)
        except IntegrityError as exc:
            raise Conflict(f"Badge {data.badge} is already in use", field="badge") from exc

    def create_with_one_time_password(
        self, actor: Actor, data: OfficerCreate
    ) -> tuple[OfficerRead, str]:
        """Add an officer with a one-time password made here (the app's Administration
        area): the password is given back once, to be handed to the officer, who must
        change it at the first sign-in. It is kept nowhere but as its hash."""
        if actor.officer_id is None:
            raise PermissionDenied("An administrator signs in to add officers")
        for _ in range(10):
            password = one_time_password()
            if new_password_problem(password, badge=data.badge, name=data.name) is None:
                return self.create(actor, data, password), password
        raise SroError("No acceptable one-time password could be made; try again")

    def _assign(self, session: Session, officer: Officer, school_ids: list[int]) -> None:
        known = set(session.scalars(select(School.id).where(School.id.in_(school_ids))))
        missing = set(school_ids) - known
        if missing:
            raise NotFound(f"No school with id {sorted(missing)[0]}", field="school_ids")
        officer.schools = [OfficerSchool(school_id=sid) for sid in sorted(set(school_ids))]

    def update(self, actor: Actor, officer_id: int, data: OfficerUpdate) -> OfficerRead:
        self._require_admin(actor, "officer.update", officer_id)
        with self.ctx.db.write() as session:
            officer = self._get(session, officer_id)
            old = to_read(officer)
            if officer.id == actor.officer_id and data.role not in (None, Role.ADMIN):
                # As with disabling: another administrator does it (never none left).
                raise SroError("You cannot take away your own administrator role", field="role")
            if data.name is not None:
                officer.name = data.name
            if data.role is not None:
                officer.role = data.role.value
            if data.school_ids is not None:
                self._assign(session, officer, data.school_ids)
            session.flush()
            new = to_read(officer)
            changes = [  # old -> new, for the audit trail
                f"{name} {getattr(old, name)} -> {getattr(new, name)}"
                for name in ("name", "role", "school_ids")
                if getattr(old, name) != getattr(new, name)
            ]
            self.audit.record(
                session,
                actor,
                "officer.update",
                record_type=RecordType.OFFICER,
                record_id=officer_id,
                detail=f"badge {officer.badge}: " + ("; ".join(changes) or "no change"),
            )
            return to_read(officer)

    def all_officers(self) -> list[OfficerRead]:
        with self.ctx.db.read() as session:
            rows = session.scalars(
                select(Officer).options(selectinload(Officer.schools)).order_by(Officer.badge)
            )
            return [to_read(o) for o in rows]

    def get(self, officer_id: int) -> OfficerRead:
        with self.ctx.db.read() as session:
            return to_read(self._get(session, officer_id))

    def by_badge(self, badge: str) -> OfficerRead:
        with self.ctx.db.read() as session:
            return to_read(self._by_badge(session, badge))

    def _get(self, session: Session, officer_id: int) -> Officer:
        officer = session.get(Officer, officer_id, options=[selectinload(Officer.schools)])
        if officer is None:
            raise NotFound(f"No officer with id {officer_id}")
        return officer

    def _by_badge(self, session: Session, badge: str) -> Officer:
        try:
            badge = normalise_badge(badge)
        except ValueError as exc:
            raise NotFound(f"No officer with badge {badge!r}") from exc
        officer = session.scalar(
            select(Officer).options(selectinload(Officer.schools)).where(Officer.badge == badge)
        )
        if officer is None:
            raise NotFound(f"No officer with badge {badge}")
        return officer

    def set_active(self, actor: Actor, badge: str, active: bool) -> OfficerRead:
        action = "officer.enable" if active else "officer.disable"
        self._require_admin(actor, action, badge)
        with self.ctx.db.write() as session:
            officer = self._by_badge(session, badge)
            if not active and officer.id == actor.officer_id:
                raise SroError("You cannot disable your own account")
            officer.active = active
            self.audit.record(
                session, actor, action, record_type=RecordType.OFFICER, record_id=officer.id
            )
            return to_read(officer)

    def unlock(self, actor: Actor, badge: str) -> OfficerRead:
        self._require_admin(actor, "officer.unlock", badge)
        with self.ctx.db.write() as session:
            officer = self._by_badge(session, badge)
            officer.locked_at = None
            # Failures before the unlock no longer count towards the next lock.
            session.add(
                LoginAttempt(
                    badge=officer.badge, officer_id=officer.id, at=self.ctx.now(), success=True
                )
            )
            self.audit.record(
                session,
                actor,
                "officer.unlock",
                record_type=RecordType.OFFICER,
                record_id=officer.id,
            )
            return to_read(officer)

    def set_password(
        self,
        actor: Actor,
        badge: str,
        new_password: str,
        *,
        current_password: str | None = None,
        recovery: str | None = None,
    ) -> None:
        """An officer changes their own password (giving the current one, administrators
        too); an admin resets anyone else's to a one-time password, which its officer must
        change at the next sign-in. ``recovery`` (with the local administration actor only)
        says who recovered an account from the machine that holds the store: that too sets a
        one-time password, and the event says so."""
        with self.ctx.db.read() as session:
            target = self._by_badge(session, badge)
            target_id, target_hash = target.id, target.password_hash
            target_badge, target_name = target.badge, target.name
        own = actor.officer_id == target_id
        if recovery is not None and actor.officer_id is not None:
            raise PermissionDenied("A recovery is made by the local administration only")
        if not own:
            self._require_admin(actor, "officer.password", target_id)
        elif not verify_password(target_hash, current_password or ""):
            self.audit.record_alone(
                actor,
                "officer.password",
                record_type=RecordType.OFFICER,
                record_id=target_id,
                outcome=AuditOutcome.FAILURE,
                detail="current password wrong",
            )
            raise AuthenticationFailed("The current password is not right", field="current")
        problem = new_password_problem(new_password, badge=target_badge, name=target_name)
        if problem:
            raise SroError(problem, field="password")
        if own and verify_password(target_hash, new_password):
            raise SroError("The new password must differ from the current one", field="password")
        new_hash = hash_password(new_password)
        if own:
            detail = "own"
        elif recovery is not None:
            detail = f"recovery by the store's local owner ({recovery}); one-time password"
        else:
            detail = "reset by administrator; one-time password"
        with self.ctx.db.write() as session:
            officer = self._get(session, target_id)
            officer.password_hash = new_hash
            officer.password_changed_at = self.ctx.now()
            officer.password_must_change = not own
            self.audit.record(
                session,
                actor,
                "officer.password",
                record_type=RecordType.OFFICER,
                record_id=target_id,
                detail=detail,
            )

    # -- sign-in -----------------------------------------------------------------------------

    def authenticate(self, badge: str, password: str, *, otp: str | None = None) -> Actor:
        """Check a badge and password. Every try is recorded; five failures within fifteen
        minutes lock the account (until an admin unlocks it, or for the agency's timed lock).

        An officer with an authenticator also gives its one-time code (``otp``); a missing or
        wrong code is a failed sign-in like a wrong password. Where the agency requires a
        second factor (REQUIRE_MFA), an officer without an authenticator is refused until an
        administrator enrols one (that refusal does not count towards the lock)."""
        now = self.ctx.now()
        well_formed = True
        try:
            clean_badge = normalise_badge(badge)
        except ValueError:
            # Not a badge: looked up nowhere, and recorded as nothing (never the typed text).
            well_formed = False
            clean_badge = ""
        with self.ctx.db.read() as session:
            officer = (
                session.scalar(
                    select(Officer)
                    .options(selectinload(Officer.schools))
                    .where(Officer.badge == clean_badge)
                )
                if well_formed
                else None
            )
            lock_minutes = int(store_settings.get_value(session, store_settings.LOCKOUT_MINUTES))
            require_mfa = store_settings.get_flag(session, store_settings.REQUIRE_MFA)
        # Hash check outside any transaction: it is slow on purpose.
        ok = verify_password(officer.password_hash if officer else None, password)
        with self.ctx.db.write() as session:
            fresh = session.get(Officer, officer.id) if officer else None
            if fresh is not None:
                reason = self._refusal(fresh, now, lock_minutes)
            else:
                reason = "unknown badge" if well_formed else MALFORMED_BADGE
            if ok and reason is None:
                assert fresh is not None
                reason = second_factor_problem(
                    fresh.totp_secret,
                    otp,
                    now,
                    require_mfa,
                    last_success=self._last_success(session, fresh.id),
                )
            if ok and reason is None:
                assert fresh is not None
                session.add(
                    LoginAttempt(badge=clean_badge, officer_id=fresh.id, at=now, success=True)
                )
                if needs_rehash(fresh.password_hash):
                    fresh.password_hash = hash_password(password)
                actor = actor_for(fresh, self.ctx.terminal, signed_in_at=now)
                self.audit.record(
                    session, actor, "login", record_type=RecordType.SESSION, record_id=fresh.id
                )
                return actor
            if reason is None:
                reason = "wrong password"
            if reason not in NOT_ATTEMPTS:
                session.add(
                    LoginAttempt(
                        badge=clean_badge,
                        officer_id=fresh.id if fresh else None,
                        at=now,
                        success=False,
                    )
                )
            session.flush()
            if fresh is not None and fresh.locked_at is None and reason in COUNTED_FAILURES:
                failures = self._recent_failures(session, fresh.id, clean_badge, now)
                if failures >= MAX_FAILURES:
                    fresh.locked_at = now
                    reason = f"{reason}; account locked after {failures} failures"
                    self.audit.record(
                        session,
                        None,
                        "officer.lock",
                        record_type=RecordType.OFFICER,
                        record_id=fresh.id,
                        badge=clean_badge,
                        detail=reason,
                    )
            self.audit.record(
                session,
                None,
                "login",
                record_type=RecordType.SESSION,
                record_id=fresh.id if fresh else "",
                badge=clean_badge,
                outcome=AuditOutcome.FAILURE,
                detail=reason,
            )
        raise AuthenticationFailed(
            self._message(reason, lock_minutes), field="otp" if reason in OTP_REASONS else None
        )

    def _refusal(self, officer: Officer, now: datetime, lock_minutes: int) -> str | None:
        if not officer.active:
            return "account disabled"
        if officer.locked_at is not None:
            if lock_minutes >= MIN_TIMED_LOCK_MINUTES and (
                now - officer.locked_at >= timedelta(minutes=lock_minutes)
            ):
                officer.locked_at = None
                return None
            return "account locked"
        return None

    def _last_success(self, session: Session, officer_id: int) -> datetime | None:
        """When the officer last signed in (or was unlocked): a one-time code is not
        accepted twice (RFC 6238, 5.2)."""
        return session.scalar(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.officer_id == officer_id, LoginAttempt.success.is_(True)
            )
        )

    def _recent_failures(self, session: Session, officer_id: int, badge: str, now: datetime) -> int:
        """Failures in the window since the last success (an unlock counts as one)."""
        since = now - FAILURE_WINDOW
        last_success = session.scalar(
            select(func.max(LoginAttempt.at)).where(
                LoginAttempt.officer_id == officer_id, LoginAttempt.success.is_(True)
            )
        )
        if last_success is not None and last_success > since:
            since = last_success
        return (
            session.scalar(
                select(func.count())
                .select_from(LoginAttempt)
                .where(
                    LoginAttempt.officer_id == officer_id,
                    LoginAttempt.success.is_(False),
                    LoginAttempt.at >= since,
                )
            )
            or 0
        )

    @staticmethod
    def _message(reason: str, lock_minutes: int) -> str:
        if "locked" in reason:
            if lock_minutes >= MIN_TIMED_LOCK_MINUTES:
                return (
                    f"This account is locked after too many failed sign-ins; "
                    f"try again in {lock_minutes} minutes or ask an administrator"
                )
            return "This account is locked after too many failed sign-ins; ask an administrator"
        if reason == "account disabled":
            return "This account is disabled; ask an administrator"
        if reason in OTP_REASONS:
            return OTP_REASONS[reason]
        return "Badge or password is not right"
